package dev.tlsfront.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts for what clients send.
 *
 * @param maxRequestLine the longest request line (then 414)
 * @param maxHeaderBlock the largest header block (then 431)
 * @param maxHeaderFields the most header fields (then 431)
 * @param maxBodySize the largest request body, 0 for no limit (then 413)
 * @param headerTimeout how long a request head may take once its first byte arrived (then 408)
 * @param bodyTimeout how long a request body may send nothing while the proxy waits for it (then 408, or
 *     the connection is closed when the request was already on its way)
 * @param keepAliveTimeout how long an idle keep-alive connection is kept open
 * @param maxConnections open client connections per listener; new ones are closed at once beyond it (0: no limit)
 * @param websocketIdleTimeout a WebSocket (or other upgraded) connection that carries nothing either way
 *     for this long is closed
 */
public record LimitsConfig(int maxRequestLine, int maxHeaderBlock, int maxHeaderFields, long maxBodySize,
        Duration headerTimeout, Duration bodyTimeout, Duration keepAliveTimeout, int maxConnections,
        Duration websocketIdleTimeout) {

    public static final LimitsConfig DEFAULT = new LimitsConfig(8 * 1024, 32 * 1024, 100, 0,
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(75), 10_000, Duration.ofHours(1));

    public LimitsConfig {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        Objects.requireNonNull(websocketIdleTimeout, "websocketIdleTimeout");
        if (maxRequestLine < 64 || maxHeaderBlock < 256 || maxHeaderFields < 1 || maxBodySize < 0 || maxConnections < 0) {
            throw new IllegalArgumentException("limits out of range");
        }
    }
}
