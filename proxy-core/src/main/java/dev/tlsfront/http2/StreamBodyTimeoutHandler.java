package dev.tlsfront.http2;

import dev.tlsfront.http.MalformedRequest;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code limits.body_timeout} on an HTTP/2 stream: a request body that sends nothing for that long
 * while the proxy is asking for it becomes a {@link MalformedRequest} 408, which ends the exchange
 * (a 408 if nothing was forwarded yet, otherwise the stream is reset). Time spent not reading because
 * the backend is slow does not count. (On HTTP/1.1 the strict syntax handler keeps the same clock on
 * the raw bytes.) One timer per stream at most, rescheduled only when it fires.
 */
public final class StreamBodyTimeoutHandler extends ChannelDuplexHandler {

    private final long timeoutNanos;
    private boolean inBody;
    /** When the read now outstanding was asked for, or 0 when none is. */
    private long readWaitingSince;
    private ScheduledFuture<?> watch;

    public StreamBodyTimeoutHandler(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (inBody && readWaitingSince == 0 && timeoutNanos > 0) {
            readWaitingSince = System.nanoTime();
            if (watch == null) {
                schedule(ctx, timeoutNanos);
            }
        }
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            inBody = true;
        }
        if (msg instanceof HttpContent) {
            readWaitingSince = 0;
            if (msg instanceof LastHttpContent) {
                inBody = false;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        watch = ctx.executor().schedule(() -> {
            watch = null;
            if (!inBody || readWaitingSince == 0 || !ctx.channel().isActive()) {
                return;
            }
            long waited = System.nanoTime() - readWaitingSince;
            if (waited < timeoutNanos) {
                schedule(ctx, timeoutNanos - waited);
                return;
            }
            inBody = false;
            ctx.fireChannelRead(new MalformedRequest(HttpResponseStatus.REQUEST_TIMEOUT,
                    "request body sent nothing for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (watch != null) {
            watch.cancel(false);
            watch = null;
        }
    }
}
