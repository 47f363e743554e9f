package dev.tlsfront.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/1.1 connection the way nginx's lingering close does when a request body is still on
 * its way (a 413, or a redirect answered from the head): closing with unread input makes the kernel
 * reset the connection, and the reset can reach the client before it has read the answer. So such a
 * close first ends the output (TLS close_notify, then FIN), then reads and discards what still
 * arrives until the client closes, or nothing arrives for {@link #QUIET_MILLIS}, or {@link #MAX_MILLIS}
 * have passed. Any other close (idle, timeouts, aborts) is immediate. Placed right after TLS, so the
 * HTTP handlers see nothing of the discarded bytes.
 */
public final class LingeringCloseHandler extends ChannelDuplexHandler {

    static final long QUIET_MILLIS = 2_000;
    static final long MAX_MILLIS = 10_000;

    private boolean lingering;
    private long lastData;
    private long deadline;
    private ChannelPromise closing;
    private ScheduledFuture<?> timer;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering) {
            // Already closing: this one completes with the real close.
            ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            return;
        }
        RequestSyntaxHandler syntax = ctx.pipeline().get(RequestSyntaxHandler.class);
        if (syntax == null || !syntax.bodyPending() || !ctx.channel().isActive()
                || !(ctx.channel() instanceof DuplexChannel duplex) || duplex.isInputShutdown()) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        closing = promise;
        lastData = System.nanoTime();
        deadline = lastData + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        ctx.flush();
        if (tls != null) {
            tls.closeOutbound().addListener(f -> duplex.shutdownOutput());
        } else {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
        }
        ctx.channel().config().setAutoRead(true);
        schedule(ctx, QUIET_MILLIS);
    }

    private void schedule(ChannelHandlerContext ctx, long delayMillis) {
        timer = ctx.executor().schedule(() -> {
            long now = System.nanoTime();
            long quietFor = TimeUnit.NANOSECONDS.toMillis(now - lastData);
            if (now - deadline >= 0 || quietFor >= QUIET_MILLIS) {
                ctx.close(closing);
            } else {
                schedule(ctx, QUIET_MILLIS - quietFor);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            lastData = System.nanoTime();
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!lingering) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (closing != null && !closing.isDone()) {
            closing.trySuccess();
        }
        ctx.fireChannelInactive();
    }
}
