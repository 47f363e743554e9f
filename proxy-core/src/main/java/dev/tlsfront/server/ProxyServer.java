package dev.tlsfront.server;

import dev.tlsfront.config.ListenAddress;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.http.DrainRequest;
import dev.tlsfront.http.HstsRampHandler;
import dev.tlsfront.http.HttpsPolicies;
import dev.tlsfront.http.RedirectTarget;
import dev.tlsfront.observe.AccessLog;
import dev.tlsfront.observe.ProxyMetrics;
import dev.tlsfront.tls.ServerTls;
import dev.tlsfront.upstream.Upstream;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: the TLS listener in front of the backend and the plaintext listener that
 * redirects to it, on one set of event loops.
 */
public final class ProxyServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final EventLoopGroup group;
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final ChannelGroup httpsConnections = new DefaultChannelGroup("https", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup httpConnections = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private final Channel httpsListener;
    private final Channel httpListener;
    private final Channel adminListener;
    private final String transport;
    private final java.util.concurrent.atomic.AtomicBoolean drained = new java.util.concurrent.atomic.AtomicBoolean();
    private final ProxyMetrics metrics;
    private final Upstream upstream;

    private final Optional<HstsRampHandler.Values> hstsRamp;

    private ProxyServer(ProxyConfig config, ServerTls tls, Optional<HstsRampHandler.Values> hstsRamp) throws IOException {
        this.hstsRamp = hstsRamp;
        this.metrics = new ProxyMetrics(() -> current.get().tls().certificates(),
                () -> current.get().tls().managed().nextRenewals(),
                () -> hstsRamp.map(HstsRampHandler.Values::maxAges).orElse(java.util.Map.of()));
        Transport chosen = Transport.best();
        if (!chosen.name().equals("epoll")) {
            log.info("native epoll transport not available, using NIO: {}", Transport.unavailability());
        }
        this.transport = chosen.name();
        int threads = config.server().eventLoops() > 0 ? config.server().eventLoops()
                : Runtime.getRuntime().availableProcessors();
        this.group = chosen.newGroup(threads);
        boolean started = false;
        try {
            this.upstream = new Upstream(config.backend(), chosen.connector(), group, config.canonicalHost());
            metrics.withServers(upstream::servers);
            // The listeners accept only once the generation, which needs both bound ports, exists.
            this.httpsListener = bind(chosen, config.https().listen(), "https",
                    new ServerBootstrap().childOption(ChannelOption.AUTO_READ, false)
                            .childHandler(new HttpsChannelInitializer(current::get, upstream,
                                    new ConnectionLimit(httpsConnections, config.limits().maxConnections()), metrics)));
            this.httpListener = bind(chosen, config.http().listen(), "http", new ServerBootstrap().childHandler(
                    new HttpChannelInitializer(current::get,
                            new ConnectionLimit(httpConnections, config.limits().maxConnections()), metrics)));
            if (config.admin().listen().isPresent()) {
                metrics.withJvmMetrics();  // about 0.2 s of start-up: only when /metrics can be scraped
            }
            this.adminListener = config.admin().listen().isEmpty() ? null
                    : bind(chosen, config.admin().listen().get(), "admin", new ServerBootstrap().childHandler(
                            new AdminChannelInitializer(this::health, metrics.registry())));
            current.set(generation(config, tls));
            httpsListener.config().setAutoRead(true);
            httpListener.config().setAutoRead(true);
            if (adminListener != null) {
                adminListener.config().setAutoRead(true);
            }
            started = true;
        } finally {
            if (!started) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    private Generation generation(ProxyConfig config, ServerTls tls) {
        int tlsPort = httpsAddress().getPort();
        int publicHttpsPort = config.http().redirect().httpsPort() > 0 ? config.http().redirect().httpsPort() : tlsPort;
        return new Generation(config, tls, HttpsPolicies.of(config, httpAddress().getPort(), tlsPort, publicHttpsPort,
                hstsRamp, metrics::cookieRewritten, metrics::locationRewritten),
                new RedirectTarget(config.hosts(), config.http().redirect(), publicHttpsPort),
                new AccessLog(config.accessLog().format()));
    }

    /**
     * Binds both listeners and starts serving.
     *
     * @throws BindFailure when a listen address cannot be bound
     */
    public static ProxyServer start(ProxyConfig config, ServerTls tls) throws IOException {
        return new ProxyServer(config, tls, Optional.empty());
    }

    /** {@link #start(ProxyConfig, ServerTls)} with the HSTS ramp's values for every HTTPS response. */
    public static ProxyServer start(ProxyConfig config, ServerTls tls, Optional<HstsRampHandler.Values> hstsRamp)
            throws IOException {
        return new ProxyServer(config, tls, hstsRamp);
    }

    private Channel bind(Transport chosen, ListenAddress address, String what, ServerBootstrap bootstrap)
            throws BindFailure {
        var future = bootstrap.group(group)
                .channel(chosen.serverChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .bind(address.toSocketAddress())
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            String why = future.cause().getMessage().replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
            throw new BindFailure(what + " listener: cannot bind " + address + ": " + why, future.cause());
        }
        return future.channel();
    }

    /** Healthy when the server is not stopping and the backend accepts a connection. */
    private io.netty.util.concurrent.Future<String> health(io.netty.channel.EventLoop loop) {
        if (drained.get()) {
            return loop.newSucceededFuture("stopping");
        }
        return upstream.probe(loop);
    }

    /** The bound admin listener address, when there is one. */
    public java.util.Optional<InetSocketAddress> adminAddress() {
        return java.util.Optional.ofNullable(adminListener).map(ch -> (InetSocketAddress) ch.localAddress());
    }

    /** The bound TLS listener address (with the real port when 0 was configured). */
    public InetSocketAddress httpsAddress() {
        return (InetSocketAddress) httpsListener.localAddress();
    }

    /** The bound plaintext listener address. */
    public InetSocketAddress httpAddress() {
        return (InetSocketAddress) httpListener.localAddress();
    }

    public String transport() {
        return transport;
    }

    /** The metrics, for what reports to them from outside the data path (ACME orders). */
    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Serves new connections with {@code nextTls}, the config unchanged (a certificate was issued). */
    public void replaceTls(ServerTls nextTls) {
        Generation now = current.get();
        current.set(generation(now.config(), nextTls));
    }

    /** The certificates now served to new connections. */
    public ServerTls tls() {
        return current.get().tls();
    }

    /** The config new connections are set up with. */
    public ProxyConfig config() {
        return current.get().config();
    }

    /**
     * Serves new connections with {@code next} and its certificates; connections already open keep
     * what they had; a changed backend server list applies to the running pools at once. Settings
     * that only take effect on a restart are returned (and otherwise ignored): listen addresses, the
     * event loops, the admin listener, the connection limit, ACME and the HSTS ramp.
     */
    public List<String> reload(ProxyConfig next, ServerTls nextTls) {
        ProxyConfig now = current.get().config();
        List<String> needRestart = new ArrayList<>();
        if (!now.https().listen().equals(next.https().listen())) {
            needRestart.add("https.listen");
        }
        if (!now.http().listen().equals(next.http().listen())) {
            needRestart.add("http.listen");
        }
        if (now.server().eventLoops() != next.server().eventLoops()) {
            needRestart.add("server.event_loops");
        }
        if (!now.admin().equals(next.admin())) {
            needRestart.add("admin.listen");
        }
        if (now.limits().maxConnections() != next.limits().maxConnections()) {
            needRestart.add("limits.max_connections");
        }
        if (!now.https().acme().equals(next.https().acme())) {
            needRestart.add("https.acme");
        }
        if (!now.policy().hsts().ramp().equals(next.policy().hsts().ramp())) {
            needRestart.add("https.hsts.ramp");
        }
        if (!now.backend().equals(next.backend())) {
            upstream.reload(next.backend());
        }
        current.set(generation(next, nextTls));
        return needRestart;
    }

    /**
     * Answers the health check with 503 at once; after {@code server.shutdown_delay} (serving as
     * usual meanwhile) stops accepting, lets in-flight exchanges finish (each then closes with
     * {@code Connection: close}), closes idle connections, and closes whatever is left at the deadline.
     *
     * <p>The delay is for a balancer in front: a connection it made just before the listener closed,
     * still in the kernel's accept queue, is reset, and it cannot be retried once its bytes went. With
     * the balancer checking the health endpoint and the delay longer than it takes to see the 503,
     * no such connection is left when the listener closes.
     *
     * @param deadline how long in-flight exchanges may take, counted once the listeners are closed
     * @return true when every exchange finished before the deadline
     */
    public boolean drain(Duration deadline) {
        if (!drained.compareAndSet(false, true)) {
            return true;  // already drained (or draining): once is enough
        }
        Duration delay = config().server().shutdownDelay();
        if (!delay.isZero()) {
            log.info("stopping: health check answers 503; still accepting for {} ms so that a balancer sees it first",
                    delay.toMillis());
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long end = System.nanoTime() + deadline.toNanos();
        httpsListener.close().syncUninterruptibly();
        httpListener.close().syncUninterruptibly();
        httpConnections.close();
        // The admin listener stays up while draining, so health checks see 503 "stopping" rather than nothing.
        for (Channel ch : httpsConnections) {
            ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(DrainRequest.INSTANCE));
        }
        // 0: no limit, as for every timeout: wait for every exchange to finish.
        boolean clean = deadline.isZero() ? httpsConnections.newCloseFuture().awaitUninterruptibly().isDone()
                : httpsConnections.newCloseFuture().awaitUninterruptibly(Math.max(0, end - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
        if (!clean) {
            log.warn("drain deadline of {} ms reached with {} connections still busy; closing them",
                    deadline.toMillis(), httpsConnections.size());
            httpsConnections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        if (adminListener != null) {
            adminListener.close().syncUninterruptibly();
        }
        upstream.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        return clean;
    }

    /** Drains with the configured deadline. */
    @Override
    public void close() {
        drain(config().server().drainTimeout());
    }

    /** A listen address could not be bound (in use, or not permitted). */
    public static final class BindFailure extends IOException {
        BindFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
