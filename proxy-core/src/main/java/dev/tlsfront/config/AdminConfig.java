package dev.tlsfront.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The admin listener: health (and, later, metrics) for the operator's tools, plain HTTP, off by
 * default; bind it to loopback or a private network only.
 *
 * @param listen where it binds, if anywhere
 */
public record AdminConfig(Optional<ListenAddress> listen) {

    public static final AdminConfig OFF = new AdminConfig(Optional.empty());

    public AdminConfig {
        Objects.requireNonNull(listen, "listen");
    }
}
