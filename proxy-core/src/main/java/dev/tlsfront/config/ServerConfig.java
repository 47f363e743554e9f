package dev.tlsfront.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The process as a whole.
 *
 * @param eventLoops event-loop threads; 0 means one per available core
 * @param drainTimeout on shutdown, how long in-flight requests may take to finish
 * @param shutdownDelay on shutdown, how long to go on accepting, with the health check answering 503,
 *     before the listeners close: the time a balancer in front needs to see the 503 and send no more
 * @param logLevel the root log level: error, warn, info, debug or trace
 * @param logJson the server's own log as one JSON object per line (for pipelines), not text lines
 */
public record ServerConfig(int eventLoops, Duration drainTimeout, Duration shutdownDelay, String logLevel,
        boolean logJson) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_EVENT_LOOPS = 1024;
    public static final ServerConfig DEFAULT = new ServerConfig(0, DEFAULT_DRAIN_TIMEOUT, Duration.ZERO, "info", false);

    public ServerConfig {
        if (eventLoops < 0 || eventLoops > MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("event_loops: " + eventLoops + " (expected: 0-" + MAX_EVENT_LOOPS + ")");
        }
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(shutdownDelay, "shutdownDelay");
        Objects.requireNonNull(logLevel, "logLevel");
    }
}
