package dev.tlsfront.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * Rewrites the {@code http://} URLs of this site in a response's Location, Content-Location and
 * Refresh headers to {@code https://} (see {@link LocationRewriter}).
 *
 * <p>It remembers the Host of the request being answered: exchanges on a connection are one at a
 * time, so the response written next belongs to the request read last.
 */
public final class LocationRewriteHandler extends ChannelDuplexHandler {

    private static final AsciiString REFRESH = AsciiString.cached("refresh");

    private final LocationRewriter rule;
    private final Runnable onRewrite;
    private String requestHost;

    /**
     * @param onRewrite told of each header rewritten (for the metrics)
     */
    public LocationRewriteHandler(LocationRewriter rule, Runnable onRewrite) {
        this.rule = rule;
        this.onRewrite = onRewrite;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            requestHost = request.headers().get(HttpHeaderNames.HOST);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            HttpHeaders headers = response.headers();
            rewrite(headers, HttpHeaderNames.LOCATION, false);
            rewrite(headers, HttpHeaderNames.CONTENT_LOCATION, false);
            rewrite(headers, REFRESH, true);
        }
        ctx.write(msg, promise);
    }

    private void rewrite(HttpHeaders headers, AsciiString name, boolean refresh) {
        String value = headers.get(name);
        if (value == null) {
            return;
        }
        String rewritten = refresh ? rule.rewriteRefresh(value, requestHost) : rule.rewrite(value, requestHost);
        if (rewritten != null) {
            headers.set(name, rewritten);
            onRewrite.run();
        }
    }
}
