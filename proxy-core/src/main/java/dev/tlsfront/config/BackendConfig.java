package dev.tlsfront.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The app behind the proxy, spoken to in plain HTTP/1.1 over a keep-alive pool.
 *
 * @param host the backend's address or name
 * @param port its port
 * @param connectTimeout how long to wait for a connection (then 502)
 * @param responseTimeout how long to wait for the response head, and then between two reads of its
 *     body (then 504, or the client connection is closed when the head was already sent)
 * @param poolIdleTimeout how long an idle pooled connection is kept; below the app server's own
 *     keep-alive timeout (Node's is 5 s), so that the proxy, not the app, closes idle connections
 * @param poolMaxIdle idle connections kept per event loop
 * @param requestBuffering which request bodies are read whole before forwarding (with Content-Length)
 * @param requestBufferMemory a buffered body up to this size stays in memory, beyond it in a temporary file
 */
public record BackendConfig(String host, int port, Duration connectTimeout, Duration responseTimeout,
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

    /** The app a fresh install is put in front of. */
    public static final String DEFAULT_URL = "http://127.0.0.1:8000";
    public static final long DEFAULT_REQUEST_BUFFER_MEMORY = 1 << 20;

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_POOL_IDLE_TIMEOUT = Duration.ofSeconds(4);
    public static final int DEFAULT_POOL_MAX_IDLE = 256;

    public BackendConfig {
        if (!HostName.isValid(host)) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(poolIdleTimeout, "poolIdleTimeout");
        Objects.requireNonNull(requestBuffering, "requestBuffering");
    }


    /** The backend as a URL, for logs and error messages. */
    public String url() {
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
