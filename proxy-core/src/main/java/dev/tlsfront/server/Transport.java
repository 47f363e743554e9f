package dev.tlsfront.server;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import dev.tlsfront.upstream.Connector;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.function.Function;

/** The socket transport: native epoll on Linux where it loads, NIO elsewhere. */
record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
        Class<? extends Channel> socketChannel, Class<? extends Channel> domainSocketChannel,
        Function<Path, SocketAddress> domainSocketAddress) {

    static Transport best() {
        if (Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDomainSocketChannel.class, path -> new DomainSocketAddress(path.toFile()));
        }
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioDomainSocketChannel.class, UnixDomainSocketAddress::of);
    }

    /** Connections to app servers over this transport: TCP, or Unix domain sockets for {@code unix:} servers. */
    Connector connector() {
        return Connector.sockets(socketChannel, domainSocketChannel, domainSocketAddress);
    }

    static String unavailability() {
        return String.valueOf(Epoll.unavailabilityCause());
    }

    MultiThreadIoEventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlers);
    }
}
