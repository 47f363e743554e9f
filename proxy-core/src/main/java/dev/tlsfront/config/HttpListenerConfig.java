package dev.tlsfront.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The plaintext listener, which only redirects to HTTPS.
 *
 * @param listen where it binds
 * @param redirect how it redirects
 * @param acmeWebroot where {@code /.well-known/acme-challenge/} files are served from (certbot
 *     {@code --webroot}), if anywhere
 * @param proxyProtocol the PROXY protocol, when the listener is behind a balancer that speaks it
 */
public record HttpListenerConfig(ListenAddress listen, RedirectConfig redirect, Optional<Path> acmeWebroot,
        Optional<ProxyProtocolConfig> proxyProtocol) {

    public static final ListenAddress DEFAULT_LISTEN = new ListenAddress("0.0.0.0", 80);

    public HttpListenerConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(redirect, "redirect");
        Objects.requireNonNull(acmeWebroot, "acmeWebroot");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
    }

    /**
     * How to redirect.
     *
     * @param status the status code rule
     * @param keepPath whether the path and query are kept ({@code false}: always to {@code /})
     * @param httpsPort the port written in the Location; 0 means the TLS listener's own port (set it
     *     when a NAT or container publishes the TLS port under another number)
     */
    public record RedirectConfig(RedirectStatus status, boolean keepPath, int httpsPort) {
        public static final RedirectConfig DEFAULT = new RedirectConfig(RedirectStatus.AUTO, true, 0);

        public RedirectConfig {
            Objects.requireNonNull(status, "status");
            if (httpsPort < 0 || httpsPort > 65535) {
                throw new IllegalArgumentException("https_port: " + httpsPort + " (expected: 0-65535)");
            }
        }
    }
}
