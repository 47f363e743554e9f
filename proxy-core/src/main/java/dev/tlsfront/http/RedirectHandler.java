package dev.tlsfront.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers every request on the plaintext listener with a redirect to HTTPS and forwards nothing.
 *
 * <p>It never sends HSTS (RFC 6797 §7.2: a host must not include it over plain HTTP). A request body
 * is discarded as it arrives, never held; when one was announced the connection is closed after the
 * redirect rather than read to its end.
 */
public final class RedirectHandler extends ChannelInboundHandlerAdapter {

    private final RedirectTarget target;

    public RedirectHandler(RedirectTarget target) {
        this.target = target;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                ctx.writeAndFlush(answer(ctx, request));
            } else if (msg instanceof MalformedRequest bad) {
                ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), bad.status(), true));
            }
            // Anything else is a body piece of a request already answered: dropped.
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private FullHttpResponse answer(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return LocalResponse.of(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, true);
        }
        var outcome = target.decide(request.method().name(), request.uri(), request.headers().get(HttpHeaderNames.HOST));
        if (!(outcome instanceof RedirectTarget.Redirect redirect)) {
            return LocalResponse.of(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, true);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(redirect.status()), ctx.alloc().buffer(0, 0));
        response.headers()
                .set(HttpHeaderNames.LOCATION, redirect.location())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        boolean bodyAnnounced = HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        if (bodyAnnounced) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
