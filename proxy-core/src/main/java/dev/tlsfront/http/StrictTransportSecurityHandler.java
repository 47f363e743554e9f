package dev.tlsfront.http;

import dev.tlsfront.config.PolicyConfig;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;

/**
 * Sets exactly one Strict-Transport-Security header on every HTTPS response, the backend's own
 * replaced: redirects, errors tlsfront makes itself and 304s included (RFC 6797 §7.1). Interim 1xx
 * responses carry none. Never installed on the plaintext listener (RFC 6797 §7.2).
 */
@Sharable
public final class StrictTransportSecurityHandler extends ChannelOutboundHandlerAdapter {

    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    private final AsciiString value;

    public StrictTransportSecurityHandler(PolicyConfig.Hsts hsts) {
        this.value = AsciiString.cached(hsts.headerValue());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            response.headers().set(STRICT_TRANSPORT_SECURITY, value);
        }
        ctx.write(msg, promise);
    }
}
