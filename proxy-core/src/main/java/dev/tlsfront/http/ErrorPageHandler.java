package dev.tlsfront.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Gives a client that accepts HTML an HTML page ({@link ErrorPages}) for an error tlsfront answers
 * itself ({@link LocalResponse.Made}); every other client, and every response of the app's, passes
 * as it is. One per connection (or HTTP/2 stream): it remembers whether the request it last saw
 * accepts HTML; an answer to a request that could not be parsed stays plain text.
 */
public final class ErrorPageHandler extends ChannelDuplexHandler {

    private final ErrorPages pages;
    private boolean acceptsHtml;

    public ErrorPageHandler(ErrorPages pages) {
        this.pages = pages;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            String accept = request.headers().get(HttpHeaderNames.ACCEPT);
            acceptsHtml = accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof LocalResponse.Made made) || !acceptsHtml || made.status().code() < 400) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf page = ByteBufUtil.writeUtf8(ctx.alloc(), pages.html(made.status().code(), made.status().reasonPhrase()));
        FullHttpResponse html = made.replace(page);
        made.release();
        html.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, page.readableBytes());
        ctx.write(html, promise);
    }
}
