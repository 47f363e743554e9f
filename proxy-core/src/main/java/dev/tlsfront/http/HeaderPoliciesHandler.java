package dev.tlsfront.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Runs the header policies ({@link HeaderPolicies}, in their written-down order) on each request head
 * going to the app and each response head coming back. One handler for the whole list rather than a
 * handler each: every HTTP/2 stream builds a pipeline of its own, and each handler in it is a context
 * made per stream and a hop per message. One per connection (or HTTP/2 stream).
 */
public final class HeaderPoliciesHandler extends ChannelDuplexHandler {

    private final HeaderPolicies policies;
    private ExchangeFacts exchange;

    public HeaderPoliciesHandler(HeaderPolicies policies) {
        this.policies = policies;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        exchange = new ExchangeFacts(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            exchange.requestHost(request.headers().get(HttpHeaderNames.HOST));
            for (RequestPolicy policy : policies.requests()) {
                policy.apply(request, exchange);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            for (ResponsePolicy policy : policies.responses()) {
                policy.apply(response, exchange);
            }
        }
        ctx.write(msg, promise);
    }
}
