package dev.tlsfront.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code limits.body_timeout}: a request body may send nothing for so long while the proxy is asking
 * for it. Only time with a read outstanding counts; while the backend is slow the proxy reads nothing
 * and the clock stands still. At the timeout a {@link MalformedRequest} 408 goes down the pipeline,
 * which ends the exchange. One timer at most, rescheduled only when it fires. Used by the HTTP/1.1
 * syntax handler (on raw bytes) and by each HTTP/2 stream (on decoded content).
 */
public final class BodyTimeout {

    private final long timeoutNanos;
    private final BooleanSupplier inBody;
    private final Runnable beforeVerdict;
    /** When the read now outstanding was asked for, or 0 when none is. */
    private long readWaitingSince;
    private ScheduledFuture<?> watch;

    /**
     * @param timeoutMillis 0 for no limit
     * @param inBody whether a request body is being received now
     * @param beforeVerdict run at the timeout, before the 408 is passed on (the owner's own state)
     */
    public BodyTimeout(long timeoutMillis, BooleanSupplier inBody, Runnable beforeVerdict) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.inBody = inBody;
        this.beforeVerdict = beforeVerdict;
    }

    /** A read is being asked of the connection (call from the handler's {@code read}). */
    public void readRequested(ChannelHandlerContext ctx) {
        if (readWaitingSince == 0 && timeoutNanos > 0 && inBody.getAsBoolean()) {
            readWaitingSince = System.nanoTime();
            if (watch == null) {
                schedule(ctx, timeoutNanos);
            }
        }
    }

    /** Something arrived from the client. */
    public void dataArrived() {
        readWaitingSince = 0;
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        watch = ctx.executor().schedule(() -> {
            watch = null;
            if (!inBody.getAsBoolean() || readWaitingSince == 0 || !ctx.channel().isActive()) {
                return;
            }
            long waited = System.nanoTime() - readWaitingSince;
            if (waited < timeoutNanos) {
                schedule(ctx, timeoutNanos - waited);
                return;
            }
            beforeVerdict.run();
            ctx.fireChannelRead(new MalformedRequest(HttpResponseStatus.REQUEST_TIMEOUT,
                    "request body sent nothing for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    public void cancel() {
        if (watch != null) {
            watch.cancel(false);
            watch = null;
        }
    }
}
