package dev.tlsfront.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The process as a whole.
 *
 * @param eventLoops event-loop threads; 0 means one per available core
 * @param drainTimeout on shutdown, how long in-flight requests may take to finish
 * @param logLevel the root log level: error, warn, info, debug or trace
 * @param logJson the server's own log as one JSON object per line (for pipelines), not text lines
 */
public record ServerConfig(int eventLoops, Duration drainTimeout, String logLevel, boolean logJson) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final int MAX_EVENT_LOOPS = 1024;
    public static final ServerConfig DEFAULT = new ServerConfig(0, DEFAULT_DRAIN_TIMEOUT, "info", false);

    public ServerConfig {
        if (eventLoops < 0 || eventLoops > MAX_EVENT_LOOPS) {
            throw new IllegalArgumentException("event_loops: " + eventLoops + " (expected: 0-" + MAX_EVENT_LOOPS + ")");
        }
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(logLevel, "logLevel");
    }
}
