package dev.tlsfront.http;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs an action once nothing has happened for a timeout: one scheduled task at most, rescheduled
 * only when it fires early, so that marking activity costs a clock read and never a scheduler call.
 * Used on one event loop by its owner; a timeout of 0 means no limit (the action never runs).
 */
public final class QuietTimer {

    private final EventExecutor executor;
    private final long timeoutNanos;
    private final BooleanSupplier busy;
    private final Runnable onQuiet;
    private boolean running;
    private long lastActivity;
    private ScheduledFuture<?> task;

    /**
     * @param busy while true the time does not count (checked when the timer fires)
     * @param onQuiet what to do once the time is up
     */
    public QuietTimer(EventExecutor executor, long timeoutNanos, BooleanSupplier busy, Runnable onQuiet) {
        this.executor = executor;
        this.timeoutNanos = timeoutNanos;
        this.busy = busy;
        this.onQuiet = onQuiet;
    }

    public QuietTimer(EventExecutor executor, long timeoutNanos, Runnable onQuiet) {
        this(executor, timeoutNanos, () -> false, onQuiet);
    }

    /** Counts from now; the timer runs until {@link #stop()} or until it fires. */
    public void start() {
        lastActivity = executor.ticker().nanoTime();
        running = true;
        if (task == null && timeoutNanos > 0) {
            task = executor.schedule(this::fire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Something happened: the quiet period starts again. */
    public void touch() {
        lastActivity = executor.ticker().nanoTime();
    }

    /** No more timing until the next {@link #start()}; the scheduled task, if any, finds nothing to do. */
    public void stop() {
        running = false;
    }

    /** Stops and cancels the scheduled task (the owner is going away). */
    public void cancel() {
        running = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    public long timeoutNanos() {
        return timeoutNanos;
    }

    private void fire() {
        task = null;
        if (!running) {
            return;
        }
        long quiet = executor.ticker().nanoTime() - lastActivity;
        if (busy.getAsBoolean() || quiet < timeoutNanos) {
            task = executor.schedule(this::fire, busy.getAsBoolean() ? timeoutNanos : timeoutNanos - quiet,
                    TimeUnit.NANOSECONDS);
            return;
        }
        running = false;
        onQuiet.run();
    }
}
