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
 * nobody asked for) is seen at once and the connection leaves the pool; it is also closed after
 * {@link BackendConfig#poolIdleTimeout()}.
 */
public final class BackendPool {

    static final String CODEC = "http-client-codec";
    static final String RELAY = "backend-relay";

    private final BackendConfig config;
    private final Class<? extends Channel> channelType;
    private final InetSocketAddress address;
    private final FastThreadLocal<ArrayDeque<Channel>> idle = new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<Channel> initialValue() {
            return new ArrayDeque<>();
        }
    };

    /**
     * @param channelType the socket channel class of the transport in use (epoll or NIO)
     */
    public BackendPool(BackendConfig config, Class<? extends Channel> channelType) {
        this.config = config;
        this.channelType = channelType;
        this.address = InetSocketAddress.createUnresolved(config.host(), config.port());
    }

    public BackendConfig config() {
        return config;
    }

    /** An idle, open connection of this event loop's pool, or null when there is none. */
    Channel pollIdle(EventLoop loop) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> channels = idle.get();
        Channel channel;
        while ((channel = channels.pollFirst()) != null) {
            if (channel.isActive()) {
                channel.pipeline().get(BackendRelayHandler.class).leave();
                return channel;
            }
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

    /** Keeps a connection whose last exchange completed cleanly, or closes it when the pool is full. */
    void release(Channel channel) {
        assert channel.eventLoop().inEventLoop();
        ArrayDeque<Channel> channels = idle.get();
        if (!channel.isActive() || channels.size() >= config.poolMaxIdle()) {
            channel.close();
            return;
        }
        BackendRelayHandler relay = channel.pipeline().get(BackendRelayHandler.class);
        relay.enterPool(channel.eventLoop().schedule(() -> {
            if (channels.remove(channel)) {
                channel.close();
            }
        }, config.poolIdleTimeout().toNanos(), TimeUnit.NANOSECONDS));
        channels.addFirst(channel);
        channel.read();
    }

    /** Idle connections of the calling event loop's pool, for tests. */
    int idleCount() {
        return idle.get().size();
    }
}
