package dev.tlsfront.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code backend.health}: active checks, a GET of {@code path} on every server every {@code interval}.
 *
 * @param path the path to ask for, such as {@code /healthz}
 * @param interval time between two checks of one server
 * @param timeout how long one check may take (connect to the end of the response head)
 * @param rise consecutive passes that bring a server back
 * @param fall consecutive failures that take it out
 * @param expectFrom the lowest status that passes
 * @param expectTo the highest status that passes
 */
public record HealthCheckConfig(String path, Duration interval, Duration timeout, int rise, int fall, int expectFrom,
        int expectTo) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final int MAX_COUNT = 100;
    public static final String DEFAULT_EXPECT = "200-399";

    public HealthCheckConfig {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: a path starting with /)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: more than 0)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than 0)");
        }
        if (rise < 1 || rise > MAX_COUNT || fall < 1 || fall > MAX_COUNT) {
            throw new IllegalArgumentException("rise/fall: " + rise + "/" + fall + " (expected: 1-" + MAX_COUNT + ")");
        }
        if (expectFrom < 100 || expectTo > 599 || expectFrom > expectTo) {
            throw new IllegalArgumentException("expect: " + expectFrom + "-" + expectTo + " (expected: a range within 100-599)");
        }
    }

    /** Whether a check answered with {@code status} passes. */
    public boolean passes(int status) {
        return status >= expectFrom && status <= expectTo;
    }

    /** {@code 200-399}, or {@code 200} for a single status. */
    public String expect() {
        return expectFrom == expectTo ? Integer.toString(expectFrom) : expectFrom + "-" + expectTo;
    }
}
