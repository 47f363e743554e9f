package dev.tlsfront.http2;

import dev.tlsfront.http.BodyTimeout;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * {@code limits.body_timeout} on an HTTP/2 stream ({@link BodyTimeout}): a request body that stalls
 * while the proxy asks for it ends the exchange with a 408, or a reset once it was forwarded. (On
 * HTTP/1.1 the strict syntax handler keeps the same clock on the raw bytes.)
 */
public final class StreamBodyTimeoutHandler extends ChannelDuplexHandler {

    private boolean inBody;
    private final BodyTimeout bodyTimeout;

    public StreamBodyTimeoutHandler(long timeoutMillis) {
        this.bodyTimeout = new BodyTimeout(timeoutMillis, () -> inBody, () -> inBody = false);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        bodyTimeout.readRequested(ctx);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inBody = true;
        }
        if (msg instanceof HttpContent) {
            bodyTimeout.dataArrived();
            if (msg instanceof LastHttpContent) {
                inBody = false;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        bodyTimeout.cancel();
    }
}
