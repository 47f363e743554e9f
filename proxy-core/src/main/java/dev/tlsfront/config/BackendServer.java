package dev.tlsfront.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One app server of {@code backend.servers} (or the one of {@code backend.url}).
 *
 * @param host its address or name (empty for a Unix socket)
 * @param port its port (0 for a Unix socket)
 * @param socket the path of its Unix socket, when it listens on one (gunicorn's and puma's usual bind)
 * @param weight its share of requests against the others' (round_robin and least_conn)
 * @param backup used only when no other server is eligible
 */
public record BackendServer(String host, int port, Optional<Path> socket, int weight, boolean backup) {

    public static final int MAX_WEIGHT = 1000;

    public BackendServer {
        Objects.requireNonNull(socket, "socket");
        if (socket.isEmpty() && !HostName.isValid(host)) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a host name or IP address)");
        }
        if (socket.isEmpty() && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (socket.isPresent() && !socket.get().isAbsolute()) {
            throw new IllegalArgumentException("socket: '" + socket.get() + "' (expected: an absolute path)");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-" + MAX_WEIGHT + ")");
        }
    }

    /** A server on a TCP address, weight 1, not a backup. */
    public static BackendServer tcp(String host, int port) {
        return new BackendServer(host, port, Optional.empty(), 1, false);
    }

    /** The server as written in the config: {@code http://HOST:PORT} or {@code unix:/PATH}; for logs and metrics. */
    public String url() {
        return socket.map(path -> "unix:" + path)
                .orElseGet(() -> "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
    }

    /** The same server: the same address, whatever its weight or role. */
    public boolean sameAddress(BackendServer other) {
        return host.equals(other.host) && port == other.port && socket.equals(other.socket);
    }
}
