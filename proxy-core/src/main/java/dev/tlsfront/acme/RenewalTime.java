package dev.tlsfront.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to renew a certificate: at a random moment of the CA's suggested window when it gives one
 * (ARI, RFC 9773 §4.2), otherwise once two thirds of its lifetime have passed, give or take a
 * thirtieth of it so that many instances do not all ask at once. Scheduled by fraction of lifetime,
 * never by a fixed number of days: lifetimes are shrinking (Let's Encrypt: 90 days, then 64 from
 * 2027 and 45 from 2028).
 */
final class RenewalTime {

    /** A renewal window the CA suggested. */
    record Window(Instant start, Instant end) {}

    private RenewalTime() {}

    /** The moment to renew, never before {@code now}. */
    static Instant choose(Instant notBefore, Instant notAfter, Optional<Window> suggested, Instant now,
            RandomGenerator random) {
        if (suggested.isPresent() && suggested.get().end().isAfter(suggested.get().start())) {
            Window window = suggested.get();
            if (!window.end().isAfter(now)) {
                return now;  // RFC 9773 §4.2: the window has passed, renew at once
            }
            Instant start = window.start().isAfter(now) ? window.start() : now;
            return start.plusMillis(random.nextLong(Math.max(1, Duration.between(start, window.end()).toMillis())));
        }
        Duration lifetime = Duration.between(notBefore, notAfter);
        long jitter = Math.max(1, lifetime.toMillis() / 15);  // +/- a thirtieth
        Instant at = notBefore.plus(lifetime.multipliedBy(2).dividedBy(3))
                .plusMillis(random.nextLong(jitter) - jitter / 2);
        return at.isAfter(now) ? at : now;
    }

    /** Whether the certificate is in the last tenth of its lifetime, when a failing renewal must be loud. */
    static boolean inLastTenth(Instant notBefore, Instant notAfter, Instant now) {
        Duration lifetime = Duration.between(notBefore, notAfter);
        return !now.isBefore(notAfter.minus(lifetime.dividedBy(10)));
    }
}
