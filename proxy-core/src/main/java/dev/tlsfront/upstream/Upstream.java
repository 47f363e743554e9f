package dev.tlsfront.upstream;

import dev.tlsfront.config.BackendConfig;
import dev.tlsfront.config.BackendServer;
import dev.tlsfront.failures.FailureText;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app servers now in the config, and the choice of one for each exchange: an eligible server
 * not yet tried for it, by the configured balance, backups only when no other server is eligible.
 * A reload replaces the list: servers that stay keep their connections and health; new ones get
 * traffic at once; removed ones get no new requests, finish their exchanges and close their idle
 * connections.
 */
public final class Upstream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Upstream.class);

    /** One reload's servers, primaries and backups apart, with what they were made from. */
    private record Generation(BackendConfig config, List<Server> all, List<Server> primaries, List<Server> backups,
            List<HealthCheck> checks) {}

    private final Connector connector;
    private final EventLoopGroup group;
    private final String healthHost;
    private volatile Generation current;
    /** One event loop's balancer, and the generation it was made for. */
    private static final class LoopBalancer {
        Generation generation;
        Balancer balancer;
    }

    private final FastThreadLocal<LoopBalancer> balancers = new FastThreadLocal<>() {
        @Override
        protected LoopBalancer initialValue() {
            return new LoopBalancer();
        }
    };

    /**
     * @param healthHost the Host health checks send (the site's canonical name)
     */
    public Upstream(BackendConfig config, Connector connector, EventLoopGroup group, String healthHost) {
        this.connector = connector;
        this.group = group;
        this.healthHost = healthHost;
        this.current = generation(config, List.of());
        current.checks().forEach(HealthCheck::start);
    }

    public BackendConfig config() {
        return current.config();
    }

    /** Every server now in the config, in the order written. */
    public List<Server> servers() {
        return current.all();
    }

    /**
     * The server for an exchange's next attempt, or null when none is eligible.
     *
     * @param tried the servers already tried for this exchange (usually empty)
     */
    public Server choose(EventLoop loop, List<Server> tried) {
        Generation now = current;
        long nanos = System.nanoTime();
        Server chosen = choose(loop, now, now.primaries(), tried, nanos);
        return chosen != null ? chosen : choose(loop, now, now.backups(), tried, nanos);
    }

    private Server choose(EventLoop loop, Generation generation, List<Server> servers, List<Server> tried, long nanos) {
        List<Server> eligible = servers;
        for (Server server : servers) {
            if (!server.eligible(nanos) || tried.contains(server)) {
                eligible = new ArrayList<>(servers.size());
                for (Server other : servers) {
                    if (other.eligible(nanos) && !tried.contains(other)) {
                        eligible.add(other);
                    }
                }
                break;
            }
        }
        if (eligible.size() <= 1) {
            return eligible.isEmpty() ? null : eligible.get(0);
        }
        assert loop.inEventLoop();
        LoopBalancer mine = balancers.get();
        if (mine.generation != generation) {
            mine.generation = generation;
            mine.balancer = Balancer.of(generation.config().balance());
        }
        return mine.balancer.pick(eligible);
    }

    /** Whether any server takes requests now. */
    public boolean anyUp() {
        long nanos = System.nanoTime();
        return current.all().stream().anyMatch(s -> s.eligible(nanos));
    }

    /**
     * When a client that got 503 for want of a server may try again, in seconds: about when a server
     * can next come back (its health checks' rise, or the passive rule's fail_timeout).
     */
    public int retryAfterSeconds() {
        BackendConfig config = current.config();
        long seconds = config.health()
                .map(h -> h.interval().multipliedBy(h.rise()).toSeconds())
                .orElse(config.passive().failTimeout().toSeconds());
        return (int) Math.max(1, Math.min(seconds, 3600));
    }

    /**
     * Whether the app can be reached, for /healthz: null when it can, otherwise why not. With active
     * checks, their verdicts; without, a connection to each eligible server in turn until one is made.
     */
    public Future<String> probe(EventLoop loop) {
        Generation now = current;
        long nanos = System.nanoTime();
        List<Server> up = now.all().stream().filter(s -> s.eligible(nanos)).toList();
        if (up.isEmpty()) {
            // Each server with its reason: what the operator needs to see first ("a: connection refused").
            StringBuilder why = new StringBuilder("no backend server is up: ");
            for (Server server : now.all()) {
                why.append(server == now.all().get(0) ? "" : "; ").append(server.url()).append(": ")
                        .append(server.whyOut(nanos));
            }
            return loop.newSucceededFuture(why.toString());
        }
        if (now.config().health().isPresent()) {
            return loop.newSucceededFuture(null);
        }
        Promise<String> result = loop.newPromise();
        probe(loop, up, 0, new ArrayList<>(), result);
        return result;
    }

    private void probe(EventLoop loop, List<Server> servers, int index, List<String> failures, Promise<String> result) {
        if (index == servers.size()) {
            result.setSuccess(String.join("; ", failures));
            return;
        }
        Server server = servers.get(index);
        ChannelFuture connecting = server.connectForCheck(loop, new ChannelInboundHandlerAdapter(),
                server.connectTimeout());
        connecting.addListener(f -> {
            connecting.channel().close();
            if (f.isSuccess()) {
                result.setSuccess(null);
            } else {
                failures.add("backend " + server.url() + " unreachable: " + FailureText.describe(f.cause()));
                probe(loop, servers, index + 1, failures, result);
            }
        });
    }

    /**
     * Applies a reloaded backend config. Servers at the same address with the same weight and role
     * carry over with their connections and health; the rest are new, or retired.
     */
    public void reload(BackendConfig next) {
        Generation before = current;
        Generation after = generation(next, before.all());
        current = after;
        before.checks().forEach(HealthCheck::stop);
        for (Server old : before.all()) {
            if (!after.all().contains(old)) {
                old.retire();
                for (EventExecutor loop : group) {
                    loop.execute(old::closeIdle);
                }
                log.info("backend server {} left the config: no new requests; its open exchanges finish", old.url());
            }
        }
        for (Server server : after.all()) {
            if (!before.all().contains(server)) {
                log.info("backend server {} joined the config", server.url());
            }
        }
        after.checks().forEach(HealthCheck::start);
    }

    private Generation generation(BackendConfig config, List<Server> keep) {
        List<Server> all = new ArrayList<>();
        boolean lone = config.servers().size() == 1;
        for (BackendServer wanted : config.servers()) {
            Server kept = keep.stream().filter(s -> s.config().equals(wanted) && !s.retired()).findFirst().orElse(null);
            boolean sameRules = kept != null && reusable(kept, config, lone);
            Server server = sameRules ? kept : new Server(wanted, config, connector, lone);
            if (config.health().isEmpty()) {
                server.checked(true, "");  // no active checks (any more): only the passive rule takes it out
            }
            all.add(server);
        }
        List<HealthCheck> checks = new ArrayList<>();
        if (config.health().isPresent()) {
            for (Server server : all) {
                checks.add(new HealthCheck(server, config.health().get(), healthHost, group.next()));
            }
        }
        return new Generation(config, List.copyOf(all), all.stream().filter(s -> !s.config().backup()).toList(),
                all.stream().filter(s -> s.config().backup()).toList(), checks);
    }

    /** A running server is kept across a reload when nothing it was made with changed. */
    private static boolean reusable(Server server, BackendConfig next, boolean lone) {
        return server.madeWith(next, lone);
    }

    @Override
    public void close() {
        current.checks().forEach(HealthCheck::stop);
    }
}
