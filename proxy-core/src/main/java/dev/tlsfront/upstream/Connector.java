package dev.tlsfront.upstream;

import dev.tlsfront.config.BackendServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Opens connections to a server: the seam between the servers and the sockets, so that the
 * exchange can be tested with in-memory channels.
 */
@FunctionalInterface
public interface Connector {

    /**
     * A new connection to {@code server} on {@code loop}, with {@code handler} as its pipeline and
     * auto-read off.
     */
    ChannelFuture connect(BackendServer server, EventLoop loop, Duration timeout, ChannelHandler handler);

    /**
     * Real sockets: TCP for {@code http://} servers, Unix domain sockets for {@code unix:} ones.
     *
     * @param tcp the transport's socket channel class
     * @param unix the transport's domain socket channel class
     * @param unixAddress the transport's address type for a socket path
     */
    static Connector sockets(Class<? extends Channel> tcp, Class<? extends Channel> unix,
            Function<Path, SocketAddress> unixAddress) {
        return (server, loop, timeout, handler) -> {
            Bootstrap bootstrap = new Bootstrap().group(loop)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .handler(handler);
            if (server.socket().isPresent()) {
                return bootstrap.channel(unix).connect(unixAddress.apply(server.socket().get()));
            }
            return bootstrap.channel(tcp).option(ChannelOption.TCP_NODELAY, true)
                    .connect(InetSocketAddress.createUnresolved(server.host(), server.port()));
        };
    }
}
