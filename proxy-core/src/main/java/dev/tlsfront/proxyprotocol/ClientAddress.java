package dev.tlsfront.proxyprotocol;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/**
 * Who the client of a connection is: the address a PROXY header carried, or else the socket's peer.
 * X-Forwarded-For, Forwarded, {@code trusted_proxies} and the access log all ask here.
 */
public final class ClientAddress {

    static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf(ClientAddress.class, "client");

    private ClientAddress() {}

    /** The client of {@code channel}'s connection (an HTTP/2 stream's is its parent's), or null when it has none. */
    public static InetSocketAddress of(Channel channel) {
        Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        InetSocketAddress carried = connection.attr(KEY).get();
        if (carried != null) {
            return carried;
        }
        return connection.remoteAddress() instanceof InetSocketAddress peer ? peer : null;
    }
}
