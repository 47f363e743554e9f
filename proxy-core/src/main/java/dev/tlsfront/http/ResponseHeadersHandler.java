package dev.tlsfront.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * Sets the operator's extra headers ({@code https.response_headers}, e.g.
 * {@code X-Content-Type-Options: nosniff}) on every HTTPS response, once: a backend's own header of
 * the same name is replaced, so none is ever duplicated.
 */
@Sharable
public final class ResponseHeadersHandler extends ChannelOutboundHandlerAdapter {

    private final AsciiString[] names;
    private final AsciiString[] values;

    public ResponseHeadersHandler(Map<String, String> headers) {
        this.names = headers.keySet().stream().map(AsciiString::cached).toArray(AsciiString[]::new);
        this.values = headers.values().stream().map(AsciiString::cached).toArray(AsciiString[]::new);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            for (int i = 0; i < names.length; i++) {
                response.headers().set(names[i], values[i]);
            }
        }
        ctx.write(msg, promise);
    }
}
