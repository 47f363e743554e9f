package dev.tlsfront.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One server's keep-alive connections, one idle list per event loop.
 *
 * <p>An idle connection keeps a read outstanding, so that the server closing it (or sending bytes
 * nobody asked for) is seen at once and the connection leaves the pool. Idle time is a timestamp,
 * not a timer per release: a connection idle beyond the timeout is skipped when polled, and one
 * sweeper per event loop closes such connections while any are idle.
 */
final class ServerPool {

    private record Idle(Channel channel, long since) {}

    /** One event loop's idle connections, the most recently released first. */
    private static final class Loop {
        final ArrayDeque<Idle> idle = new ArrayDeque<>();
        boolean sweeping;
    }

    private final long idleTimeoutNanos;
    private final int maxIdle;
    private final FastThreadLocal<Loop> loops = new FastThreadLocal<>() {
        @Override
        protected Loop initialValue() {
            return new Loop();
        }
    };

    /**
     * @param idleTimeoutNanos how long a connection may stay idle; 0 for as long as the server keeps it
     * @param maxIdle idle connections kept per event loop
     */
    ServerPool(long idleTimeoutNanos, int maxIdle) {
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.maxIdle = maxIdle;
    }

    /** An idle, open connection of this event loop's list, or null when there is none. */
    Channel poll(EventLoop loop) {
        assert loop.inEventLoop();
        ArrayDeque<Idle> idle = loops.get().idle;
        long now = System.nanoTime();
        Idle entry;
        while ((entry = idle.pollFirst()) != null) {
            if (entry.channel.isActive() && (idleTimeoutNanos == 0 || now - entry.since < idleTimeoutNanos)) {
                return entry.channel;
            }
            entry.channel.close();
        }
        return null;
    }

    /** A new connection: it leaves the idle list whenever it closes. */
    void track(Channel channel) {
        channel.closeFuture().addListener(f -> loops.get().idle.removeIf(i -> i.channel == channel));
    }

    /** Keeps a connection whose last exchange completed cleanly, or closes it when the list is full. */
    void release(Channel channel) {
        assert channel.eventLoop().inEventLoop();
        Loop loop = loops.get();
        if (!channel.isActive() || loop.idle.size() >= maxIdle) {
            channel.close();
            return;
        }
        loop.idle.addFirst(new Idle(channel, System.nanoTime()));
        channel.read();
        if (!loop.sweeping && idleTimeoutNanos > 0) {
            loop.sweeping = true;
            EventLoop executor = channel.eventLoop();
            executor.schedule(() -> sweep(executor, loop), idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes this event loop's idle connections (the server left the config). */
    void closeIdle() {
        Idle entry;
        while ((entry = loops.get().idle.pollFirst()) != null) {
            entry.channel.close();
        }
    }

    /** Closes this loop's connections idle beyond the timeout (the oldest are at the end). */
    private void sweep(EventLoop executor, Loop loop) {
        long now = System.nanoTime();
        Idle oldest;
        while ((oldest = loop.idle.peekLast()) != null && now - oldest.since >= idleTimeoutNanos) {
            loop.idle.pollLast().channel.close();
        }
        if (loop.idle.isEmpty()) {
            loop.sweeping = false;
            return;
        }
        long wait = idleTimeoutNanos - (now - loop.idle.peekLast().since);
        executor.schedule(() -> sweep(executor, loop), Math.max(wait, 1), TimeUnit.NANOSECONDS);
    }
}
