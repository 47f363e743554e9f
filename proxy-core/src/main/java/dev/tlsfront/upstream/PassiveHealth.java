package dev.tlsfront.upstream;

import dev.tlsfront.config.PassiveHealthConfig;
import java.util.concurrent.atomic.AtomicReference;

/**
 * nginx's max_fails and fail_timeout: {@code max_fails} failed requests within {@code fail_timeout}
 * take a server out for {@code fail_timeout}; a request that succeeds starts the count again. Times
 * are {@link System#nanoTime()} values, passed in so that the rule is tested without waiting.
 */
final class PassiveHealth {

    /** Failures counted since {@code windowStart}; out of rotation until {@code outUntil}. */
    private record State(int fails, long windowStart, long outUntil, boolean out) {}

    private static final State CLEAR = new State(0, 0, 0, false);

    private final AtomicReference<State> state = new AtomicReference<>(CLEAR);

    /** Whether the server takes requests at {@code now} as far as failed requests go. */
    boolean in(long now) {
        State s = state.get();
        return !s.out || now - s.outUntil >= 0;
    }

    /**
     * A request to the server failed at {@code now}.
     *
     * @return true when this failure took the server out
     */
    boolean failed(PassiveHealthConfig config, long now) {
        if (config.maxFails() == 0) {
            return false;
        }
        long window = config.failTimeout().toNanos();
        while (true) {
            State s = state.get();
            if (s.out && now - s.outUntil < 0) {
                return false;  // already out: the failures of requests sent before it went out do not extend it
            }
            int fails = s.fails > 0 && now - s.windowStart < window && !s.out ? s.fails + 1 : 1;
            long start = fails == 1 ? now : s.windowStart;
            State next = fails >= config.maxFails() ? new State(0, now, now + window, true) : new State(fails, start, 0, false);
            if (state.compareAndSet(s, next)) {
                return next.out;
            }
        }
    }

    /**
     * A request to the server succeeded.
     *
     * @return true when the server was out (its time is over, and it answered)
     */
    boolean succeeded() {
        State s = state.get();
        if (s == CLEAR) {
            return false;
        }
        return state.compareAndSet(s, CLEAR) && s.out;
    }
}
