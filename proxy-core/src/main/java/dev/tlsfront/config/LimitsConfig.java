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

    /** The values each limit may take: the loader's messages and this record's checks both use them. */
    public record Range(long min, long max) {
        boolean holds(long value) {
            return value >= min && value <= max;
        }
    }

    public static final Range REQUEST_LINE = new Range(64, 1 << 20);
    public static final Range HEADER_BLOCK = new Range(256, 1 << 20);
    public static final Range HEADER_FIELDS = new Range(1, 10_000);
    public static final Range CONNECTIONS = new Range(0, 10_000_000);

    public static final LimitsConfig DEFAULT = new LimitsConfig(8 * 1024, 32 * 1024, 100, 0,
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(75), 10_000, Duration.ofHours(1));

    public LimitsConfig {
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        Objects.requireNonNull(websocketIdleTimeout, "websocketIdleTimeout");
        check("max_request_line", maxRequestLine, REQUEST_LINE);
        check("max_header_block", maxHeaderBlock, HEADER_BLOCK);
        check("max_header_fields", maxHeaderFields, HEADER_FIELDS);
        check("max_connections", maxConnections, CONNECTIONS);
        check("max_body_size", maxBodySize, new Range(0, Long.MAX_VALUE));
    }

    private static void check(String key, long value, Range range) {
        if (!range.holds(value)) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: " + range.min() + "-" + range.max() + ")");
        }
    }
}
