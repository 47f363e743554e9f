package dev.tlsfront.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How long to wait after consecutive failed orders: one minute, then longer, up to six hours, and
 * never sooner than the CA's own Retry-After (rate limits say when they lift). A CA counts failed
 * validations per hour; retrying every few seconds would only lock the site out for longer.
 */
final class Backoff {

    static final List<Duration> STEPS = List.of(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
            Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
            Duration.ofHours(4), Duration.ofHours(6));

    private Backoff() {}

    /**
     * The next attempt after {@code failures} consecutive failures (1 or more), the latest at {@code
     * now}; {@code retryAfter} is what the CA asked for, if it did.
     */
    static Instant next(Instant now, int failures, Optional<Instant> retryAfter) {
        Duration step = STEPS.get(Math.min(Math.max(failures, 1), STEPS.size()) - 1);
        Instant ours = now.plus(step);
        return retryAfter.filter(ours::isBefore).orElse(ours);
    }
}
