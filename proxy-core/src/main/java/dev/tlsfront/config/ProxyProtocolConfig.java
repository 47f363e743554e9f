package dev.tlsfront.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The PROXY protocol (HAProxy's, v1 and v2) on a listener: every connection must come from one of
 * {@code trusted} and begin with a PROXY header within {@code timeout}; the address it carries is
 * the client from then on.
 *
 * @param trusted the networks of the balancers that may send PROXY headers
 * @param timeout how long a connection may take to send its header
 */
public record ProxyProtocolConfig(List<Cidr> trusted, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public ProxyProtocolConfig {
        trusted = List.copyOf(trusted);
        Objects.requireNonNull(timeout, "timeout");
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("trusted: empty (expected: the balancers' networks)");
        }
    }
}
