package dev.tlsfront.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Removes hop-by-hop headers from each request before it is forwarded (see {@link HopByHopHeaders});
 * a WebSocket upgrade keeps {@code Upgrade: websocket} and {@code Connection: upgrade}, nothing else.
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
        }
        ctx.fireChannelRead(msg);
    }
}
