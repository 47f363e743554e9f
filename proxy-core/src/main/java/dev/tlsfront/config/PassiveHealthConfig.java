package dev.tlsfront.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code backend.passive}: a server that fails {@code maxFails} requests within {@code failTimeout}
 * gets no requests for {@code failTimeout} (nginx's max_fails and fail_timeout). A lone server is
 * never taken out this way: there would be nothing to send its requests to instead.
 *
 * @param maxFails failures that take a server out; 0 never does
 * @param failTimeout the window the failures are counted in, and how long the server is then out
 */
public record PassiveHealthConfig(int maxFails, Duration failTimeout) {

    public static final int MAX_FAILS = 1000;
    public static final PassiveHealthConfig DEFAULT = new PassiveHealthConfig(1, Duration.ofSeconds(10));

    public PassiveHealthConfig {
        Objects.requireNonNull(failTimeout, "failTimeout");
        if (maxFails < 0 || maxFails > MAX_FAILS) {
            throw new IllegalArgumentException("max_fails: " + maxFails + " (expected: 0-" + MAX_FAILS + ")");
        }
    }
}
