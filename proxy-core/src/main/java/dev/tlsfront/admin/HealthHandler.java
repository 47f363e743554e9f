package dev.tlsfront.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.util.function.Function;

/**
 * Answers {@code GET /healthz}: 200 {@code ok} when the proxy is serving and its backend accepts
 * connections, 503 with the reason otherwise (for Docker's HEALTHCHECK, load balancers and
 * monitoring). Anything else is 404.
 */
public final class HealthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** What health is made of: null when healthy, otherwise why not. */
    public interface Check extends Function<io.netty.channel.EventLoop, Future<String>> {}

    private final Check check;

    public HealthHandler(Check check) {
        this.check = check;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = request.uri().split("\\?", 2)[0];
        if (!path.equals("/healthz")) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "not found\n", keepAlive);
            return;
        }
        if (!(request.method().equals(HttpMethod.GET) || request.method().equals(HttpMethod.HEAD))) {
            FullHttpResponse refused = response(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    request.method() + " is not allowed here (expected: GET or HEAD)\n", keepAlive);
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");  // RFC 9110 §15.5.6
            send(ctx, refused, keepAlive);
            return;
        }
        check.apply(ctx.channel().eventLoop()).addListener(f -> {
            String problem = f.isSuccess() ? (String) f.getNow() : dev.tlsfront.failures.FailureText.describe(f.cause());
            if (problem == null) {
                respond(ctx, HttpResponseStatus.OK, "ok\n", keepAlive);
            } else {
                respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, problem + "\n", keepAlive);
            }
        });
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean keepAlive) {
        send(ctx, response(ctx, status, text, keepAlive), keepAlive);
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, String text,
            boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), text));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
