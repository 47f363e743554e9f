package dev.tlsfront.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * Closes a keep-alive connection that has had no request in flight for the keep-alive timeout.
 *
 * <p>One timer per connection, rescheduled only when it fires, so a busy connection costs a
 * timestamp per response rather than a timer.
 */
public final class IdleConnectionHandler extends ChannelDuplexHandler {

    private final long timeoutNanos;
    private boolean busy;
    private QuietTimer timer;
    /** One listener for every response of the connection: nothing allocated per request. */
    private final ChannelFutureListener responseWritten = f -> {
        busy = false;
        timer.touch();
    };

    public IdleConnectionHandler(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = new QuietTimer(ctx.executor(), timeoutNanos, () -> busy, ctx::close);
        if (ctx.channel().isActive()) {
            timer.start();  // set up after the TLS handshake
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer.start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            busy = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent) {
            ctx.write(msg, promise.unvoid()).addListener(responseWritten);
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        timer.cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timer.cancel();
        ctx.fireChannelInactive();
    }
}
