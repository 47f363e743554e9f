package dev.tlsfront.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The app servers behind the proxy, spoken to in plain HTTP/1.1 over keep-alive pools.
 *
 * @param servers the app servers, in the order written; at least one is not a backup
 * @param balance how a request's server is chosen among the eligible ones
 * @param health active health checks, when {@code backend.health.path} is set
 * @param passive taking a server out after failed requests
 * @param retries further servers tried after a failure, where that is safe
 * @param connectTimeout how long to wait for a connection (then another server, or 502)
 * @param responseTimeout how long to wait for the response head, and then between two reads of its
 *     body (then 504, or the client connection is closed when the head was already sent)
 * @param poolIdleTimeout how long an idle pooled connection is kept; below the app server's own
 *     keep-alive timeout (Node's is 5 s), so that the proxy, not the app, closes idle connections
 * @param poolMaxIdle idle connections kept per event loop and server
 * @param requestBuffering which request bodies are read whole before forwarding (with Content-Length)
 * @param requestBufferMemory a buffered body up to this size stays in memory, beyond it in a temporary file
 */
public record BackendConfig(List<BackendServer> servers, Balance balance, Optional<HealthCheckConfig> health,
        PassiveHealthConfig passive, int retries, Duration connectTimeout, Duration responseTimeout,
        Duration poolIdleTimeout, int poolMaxIdle, RequestBuffering requestBuffering, long requestBufferMemory) {

    /** Which request bodies are buffered before forwarding. */
    public enum RequestBuffering {
        /** Stream every body as it arrives. */
        OFF,
        /** Buffer chunked bodies only (WSGI servers read a chunked body as empty); stream the others. */
        CHUNKED,
        /** Buffer every body: the app is never held by a slow upload. */
        ALL
    }

    /** {@code backend.balance}. */
    public enum Balance {
        /** Each server in turn, as often as its weight says (nginx's smooth weighted round robin). */
        ROUND_ROBIN,
        /** The server with the fewest requests in flight for its weight. */
        LEAST_CONN,
        /** The first eligible server in the order written: the others are spares. */
        FIRST
    }

    /** The app a fresh install is put in front of. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8000";
    public static final long DEFAULT_REQUEST_BUFFER_MEMORY = 1 << 20;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(4);
    public static final int DEFAULT_POOL_MAX_IDLE = 256;
    public static final int DEFAULT_RETRIES = 1;
    public static final int MAX_RETRIES = 10;

    public BackendConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty() || servers.stream().allMatch(BackendServer::backup)) {
            throw new IllegalArgumentException("servers: " + servers.size() + " given, all backups"
                    + " (expected: at least one server that is not a backup)");
        }
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(passive, "passive");
        if (retries < 0 || retries > MAX_RETRIES) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: 0-" + MAX_RETRIES + ")");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(poolIdleTimeout, "poolIdleTimeout");
        Objects.requireNonNull(requestBuffering, "requestBuffering");
    }

    /** One server at {@code host:port} with every other setting at its default (tests, the embedded default). */
    public static BackendConfig of(String host, int port) {
        return new BackendConfig(List.of(BackendServer.tcp(host, port)), Balance.ROUND_ROBIN, Optional.empty(),
                PassiveHealthConfig.DEFAULT, DEFAULT_RETRIES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT,
                DEFAULT_POOL_IDLE_TIMEOUT, DEFAULT_POOL_MAX_IDLE, RequestBuffering.CHUNKED, DEFAULT_REQUEST_BUFFER_MEMORY);
    }

    /** The servers' URLs, for logs and messages: {@code http://10.0.0.11:8000, unix:/run/app.sock (backup)}. */
    public String url() {
        return servers.stream().map(s -> s.url() + (s.backup() ? " (backup)" : "")
                + (s.weight() != 1 ? " (weight " + s.weight() + ")" : "")).collect(Collectors.joining(", "));
    }

    /** The same servers with other settings: what a reload can apply to running pools without a restart. */
    public BackendConfig withServers(List<BackendServer> next) {
        return new BackendConfig(next, balance, health, passive, retries, connectTimeout, responseTimeout,
                poolIdleTimeout, poolMaxIdle, requestBuffering, requestBufferMemory);
    }
}
