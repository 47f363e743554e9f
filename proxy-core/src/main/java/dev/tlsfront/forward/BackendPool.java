package dev.tlsfront.forward;

import dev.tlsfront.config.BackendConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to the backend, one idle list per event loop.
 *
 * <p>An idle connection keeps a read outstanding, so that the backend closing it (or sending bytes
 * nobody asked for) is seen at once and the connection leaves the pool. Idle time is a timestamp,
 * not a timer per release: a connection idle beyond {@link BackendConfig#poolIdleTimeout()} is
 * skipped when polled, and one sweeper per event loop closes such connections while any are idle.
 */
public final class BackendPool {

    static final String CODEC = "http-client-codec";
    static final String RELAY = "backend-relay";

    private final BackendConfig config;
    private final Class<? extends Channel> channelType;
    private final InetSocketAddress address;
    private final long idleTimeoutNanos;
    private final FastThreadLocal<ArrayDeque<Channel>> idle = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
        }
    };
    /** Whether this event loop's sweeper is scheduled. */
    private final FastThreadLocal<boolean[]> sweeping = new FastThreadLocal<>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };

    /**
     * @param channelType the socket channel class of the transport in use (epoll or NIO)
     */
    public BackendPool(BackendConfig config, Class<? extends Channel> channelType) {
        this.config = config;
        this.channelType = channelType;
        this.address = InetSocketAddress.createUnresolved(config.host(), config.port());
        this.idleTimeoutNanos = config.poolIdleTimeout().toNanos();
    }

    public BackendConfig config() {
        return config;
    }

    /** An idle, open connection of this event loop's pool, or null when there is none. */
    Channel pollIdle(EventLoop loop) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> channels = idle.get();
        Channel channel;
        long now = System.nanoTime();
        while ((channel = channels.pollFirst()) != null) {
            if (channel.isActive() && now - relay(channel).idleSince() < idleTimeoutNanos) {
                return channel;
            }
            channel.close();
        }
        return null;
    }

    /** Opens a new connection on {@code loop}. */
    ChannelFuture connect(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.closeFuture().addListener(f -> idle.get().remove(ch));
                        ch.pipeline()
                                .addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(8192)
                                        .setMaxHeaderSize(64 * 1024)
                                        .setMaxChunkSize(64 * 1024), false, false))
                                .addLast(RELAY, new BackendRelayHandler());
                    }
                })
                .connect(address);
    }

    /**
     * Whether the backend accepts a connection now: null when it does, otherwise why not. The probe
     * connection is closed at once.
     */
    public io.netty.util.concurrent.Future<String> probe(EventLoop loop) {
        io.netty.util.concurrent.Promise<String> result = loop.newPromise();
        ChannelFuture connecting = connect(loop);
        connecting.addListener(f -> {
            connecting.channel().close();
            result.setSuccess(f.isSuccess() ? null : "backend " + config.url() + " unreachable: "
                    + dev.tlsfront.observe.FailureText.describe(f.cause()));
        });
        return result;
    }

    /** Keeps a connection whose last exchange completed cleanly, or closes it when the pool is full. */
    void release(Channel channel) {
        assert channel.eventLoop().inEventLoop();
        ArrayDeque<Channel> channels = idle.get();
        if (!channel.isActive() || channels.size() >= config.poolMaxIdle()) {
            channel.close();
            return;
        }
        relay(channel).enterPool(System.nanoTime());
        channels.addFirst(channel);
        channel.read();
        boolean[] scheduled = sweeping.get();
        if (!scheduled[0] && idleTimeoutNanos > 0) {  // 0: no limit, kept until the app closes them
            scheduled[0] = true;
            EventLoop loop = channel.eventLoop();
            loop.schedule(() -> sweep(loop, channels, scheduled), idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes this loop's connections idle beyond the timeout (the oldest are at the end). */
    private void sweep(EventLoop loop, ArrayDeque<Channel> channels, boolean[] scheduled) {
        long now = System.nanoTime();
        Channel oldest;
        while ((oldest = channels.peekLast()) != null && now - relay(oldest).idleSince() >= idleTimeoutNanos) {
            channels.pollLast().close();
        }
        if (channels.isEmpty()) {
            scheduled[0] = false;
            return;
        }
        long wait = idleTimeoutNanos - (now - relay(channels.peekLast()).idleSince());
        loop.schedule(() -> sweep(loop, channels, scheduled), Math.max(wait, 1), TimeUnit.NANOSECONDS);
    }

    private static BackendRelayHandler relay(Channel channel) {
        return (BackendRelayHandler) channel.pipeline().context(RELAY).handler();  // by name: no scan by type
    }
}
