package dev.tlsfront.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
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
    private long idleSince;
    private ScheduledFuture<?> timer;
    /** One listener for every response of the connection: nothing allocated per request. */
    private final ChannelFutureListener responseWritten = f -> {
        busy = false;
        idleSince = System.nanoTime();
    };

    public IdleConnectionHandler(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);  // set up after the TLS handshake
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (timer == null) {
            start(ctx);
        }
        ctx.fireChannelActive();
    }

    private void start(ChannelHandlerContext ctx) {
        idleSince = System.nanoTime();
        schedule(ctx, timeoutNanos);
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

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> fire(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void fire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        long idle = System.nanoTime() - idleSince;
        if (busy || idle < timeoutNanos) {
            schedule(ctx, busy ? timeoutNanos : timeoutNanos - idle);
            return;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
