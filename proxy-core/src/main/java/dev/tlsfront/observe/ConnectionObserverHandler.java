package dev.tlsfront.observe;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import javax.net.ssl.SSLSession;

/**
 * Counts a client connection while it is open and its TLS handshake, and leaves the negotiated
 * protocol and cipher on the connection for the access log of each exchange on it (HTTP/1.1 or
 * HTTP/2 streams alike). Placed right after TLS, before the protocol is known.
 */
public final class ConnectionObserverHandler extends ChannelInboundHandlerAdapter {

    /** What TLS negotiated, on the connection's channel. */
    public record TlsSummary(String protocol, String cipher) {
        static final TlsSummary NONE = new TlsSummary("-", "-");
    }

    static final AttributeKey<TlsSummary> TLS = AttributeKey.valueOf(ConnectionObserverHandler.class, "tls");

    private final Listener listener;
    private final ProxyMetrics metrics;

    public ConnectionObserverHandler(Listener listener, ProxyMetrics metrics) {
        this.listener = listener;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.connectionOpened(listener);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (handshake.isSuccess() && tls != null) {
                SSLSession session = tls.engine().getSession();
                TlsSummary summary = new TlsSummary(session.getProtocol(), session.getCipherSuite());
                ctx.channel().attr(TLS).set(summary);
                metrics.handshake(summary.protocol(), summary.cipher());
            } else {
                metrics.handshakeFailed();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed(listener);
        ctx.fireChannelInactive();
    }
}
