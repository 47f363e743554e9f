package dev.tlsfront.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Removes what describes the client's connection rather than the request before it is forwarded,
 * in this order: the hop-by-hop headers ({@link HopByHopHeaders}; a WebSocket upgrade keeps
 * {@code Upgrade: websocket} and {@code Connection: upgrade}, nothing else), then the underscore
 * look-alikes of framing and connection fields ({@link LookalikeFields}).
 */
@Sharable
public final class HopByHopHeadersHandler extends ChannelInboundHandlerAdapter {

    public static final HopByHopHeadersHandler INSTANCE = new HopByHopHeadersHandler();

    private HopByHopHeadersHandler() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            boolean websocket = WebSocketUpgrade.isRequested(request);
            HopByHopHeaders.removeFrom(request.headers());
            if (websocket) {
                WebSocketUpgrade.restoreFor(request.headers());
            }
            LookalikeFields.removeFrom(request.headers());
        }
        ctx.fireChannelRead(msg);
    }
}
