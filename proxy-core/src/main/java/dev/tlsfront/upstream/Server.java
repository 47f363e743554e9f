package dev.tlsfront.upstream;

import dev.tlsfront.config.BackendConfig;
import dev.tlsfront.config.BackendServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app server while it is in the config: its connections, whether it takes requests, and its
 * counts for the metrics.
 */
public final class Server {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final BackendServer config;
    /** Named in every exchange's notes (the access log's up=): made once, not per request. */
    private final String url;
    private final BackendConfig backend;
    private final Connector connector;
    private final boolean lone;
    private final ServerPool pool;
    private final PassiveHealth passive = new PassiveHealth();
    /** Set by the active health check (one event loop), read by every loop. */
    private volatile boolean checkedUp = true;
    /** The last failed health check's reason while checks hold the server out; the last failed request's while failures do. */
    private volatile String checkFailure = "";
    private volatile String requestFailure = "";
    private volatile boolean retired;
    /** Whether the passive rule may take this server out: never for a lone server. */
    private final boolean passiveApplies;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();

    Server(BackendServer config, BackendConfig backend, Connector connector, boolean lone) {
        this.url = config.url();
        this.config = config;
        this.backend = backend;
        this.connector = connector;
        this.pool = new ServerPool(backend.poolIdleTimeout().toNanos(), backend.poolMaxIdle());
        this.passiveApplies = !lone;
        this.lone = lone;
    }

    /** Whether this server was made with the settings a reload gives it now (then it carries over). */
    boolean madeWith(BackendConfig next, boolean nextLone) {
        return lone == nextLone && backend.connectTimeout().equals(next.connectTimeout())
                && backend.poolIdleTimeout().equals(next.poolIdleTimeout()) && backend.poolMaxIdle() == next.poolMaxIdle()
                && backend.passive().equals(next.passive());
    }

    public BackendServer config() {
        return config;
    }

    /** {@code http://HOST:PORT} or {@code unix:/PATH}. */
    public String url() {
        return url;
    }

    /** Whether the server takes new requests now. */
    public boolean eligible(long now) {
        return !retired && checkedUp && passive.in(now);
    }

    /** Whether the server takes requests, for /healthz and the metrics. */
    public boolean up() {
        return eligible(System.nanoTime());
    }

    /** An idle connection to this server on {@code loop}, or null. */
    public Channel pollIdle(EventLoop loop) {
        return pool.poll(loop);
    }

    /** A new connection to this server on {@code loop} with {@code handler} as its pipeline. */
    public ChannelFuture connect(EventLoop loop, ChannelHandler handler) {
        ChannelFuture connecting = connector.connect(config, loop, backend.connectTimeout(), handler);
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                open.incrementAndGet();
                pool.track(connecting.channel());
                connecting.channel().closeFuture().addListener(closed -> open.decrementAndGet());
            }
        });
        return connecting;
    }

    /** A connection of the health check's own: not pooled, not counted. */
    ChannelFuture connectForCheck(EventLoop loop, ChannelHandler handler, java.time.Duration timeout) {
        java.time.Duration connect = timeout.compareTo(backend.connectTimeout()) < 0 ? timeout : backend.connectTimeout();
        return connector.connect(config, loop, connect, handler);
    }

    java.time.Duration connectTimeout() {
        return backend.connectTimeout();
    }

    /** A connection whose exchange completed cleanly: kept for the next one, unless the server left the config. */
    public void release(Channel channel) {
        if (retired) {
            channel.close();
        } else {
            pool.release(channel);
        }
    }

    /** An exchange starts on this server. */
    public void exchangeStarted() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    /** The exchange that started on this server ended, whatever its outcome. */
    public void exchangeEnded() {
        inFlight.decrementAndGet();
    }

    /** A request to this server failed (no connection, no or no valid answer in time). */
    public void failed(String why) {
        failures.increment();
        if (passiveApplies && passive.failed(backend.passive(), System.nanoTime())) {
            requestFailure = why;
            log.warn("backend server {} taken out for {} s: {} ({} failed request{} within {} s)", url(),
                    backend.passive().failTimeout().toSeconds(), why, backend.passive().maxFails(),
                    backend.passive().maxFails() == 1 ? "" : "s", backend.passive().failTimeout().toSeconds());
        }
    }

    /** A request to this server was answered. */
    public void succeeded() {
        if (passive.succeeded()) {
            log.info("backend server {} answers again", url());
        }
    }

    /**
     * The active health check's verdict changed; coming up also ends a time out for failed requests.
     *
     * @param why the last failed check's reason when {@code up} is false
     */
    void checked(boolean up, String why) {
        if (up && !checkedUp) {
            passive.succeeded();
        }
        checkFailure = why;
        checkedUp = up;
    }

    /** Why the server takes no new requests now, in an operator's words; empty while it takes them. */
    public String whyOut(long now) {
        if (retired) {
            return "left the config";
        }
        if (!checkedUp) {
            return "health check failed: " + checkFailure;
        }
        if (!passive.in(now)) {
            return "taken out by failed requests: " + requestFailure;
        }
        return "";
    }

    /** Whether failed requests have taken the server out now. */
    boolean outForFailures() {
        return !passive.in(System.nanoTime());
    }

    /** Ends a time out for failed requests early: health checks say it answers. True when it was out. */
    boolean answersAgain() {
        return passive.succeeded();
    }

    boolean checkedUp() {
        return checkedUp;
    }

    /** The server left the config: no new requests; its idle connections close, in-flight ones finish. */
    void retire() {
        retired = true;
    }

    boolean retired() {
        return retired;
    }

    /** Closes this event loop's idle connections; run on each loop after {@link #retire()}. */
    void closeIdle() {
        pool.closeIdle();
    }

    int inFlight() {
        return inFlight.get();
    }

    public int openConnections() {
        return open.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    @Override
    public String toString() {
        return url();
    }
}
