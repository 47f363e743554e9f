package dev.tlsfront.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS listener.
 *
 * @param listen where it binds
 * @param certificates the certificates, chosen by SNI; the first one also serves clients without SNI
 * @param selfSignedDir when present, a self-signed certificate for {@code hosts} is made on first
 *     start and kept in this directory (development only), and {@code certificates} is empty
 * @param tls protocol versions, cipher suites and timeouts
 * @param acme automatic certificates for the hosts no certificate file covers, when on
 * @param proxyProtocol the PROXY protocol, when the listener is behind a balancer that speaks it
 * @param sessionTickets TLS session tickets: off, keys of tlsfront's own, or keys from files
 * @param anyHost forward requests for any host (unsafe); by default a host that is not in {@code hosts}
 *     or not covered by the connection's certificate gets 421
 */
public record HttpsListenerConfig(
        ListenAddress listen, List<CertificateConfig> certificates, Optional<Path> selfSignedDir, TlsConfig tls,
        Optional<AcmeConfig> acme, Optional<ProxyProtocolConfig> proxyProtocol, SessionTickets sessionTickets,
        boolean anyHost) {

    public static final ListenAddress DEFAULT_LISTEN = new ListenAddress("0.0.0.0", 443);

    public HttpsListenerConfig {
        Objects.requireNonNull(listen, "listen");
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(selfSignedDir, "selfSignedDir");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(acme, "acme");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(sessionTickets, "sessionTickets");
        if (selfSignedDir.isPresent() ? !certificates.isEmpty() || acme.isPresent() : certificates.isEmpty() && acme.isEmpty()) {
            throw new IllegalArgumentException("expected: certificates and/or acme, or a self-signed directory alone");
        }
    }

    /**
     * TLS session tickets (RFC 5077, and TLS 1.3's resumption tickets).
     *
     * @param enabled whether tickets are issued at all
     * @param keyFiles when not empty, the keys come from these files, nginx's 48-byte format: the first
     *     encrypts new tickets, all decrypt (several instances share them); when empty, tlsfront makes
     *     its own and rotates them every 12 hours
     */
    public record SessionTickets(boolean enabled, List<Path> keyFiles) {
        public static final SessionTickets AUTOMATIC = new SessionTickets(true, List.of());
        public static final SessionTickets OFF = new SessionTickets(false, List.of());

        public SessionTickets {
            keyFiles = List.copyOf(keyFiles);
            if (!enabled && !keyFiles.isEmpty()) {
                throw new IllegalArgumentException("key_files given with session tickets off");
            }
        }
    }

    /**
     * One certificate chain and its private key, both PEM.
     *
     * @param cert the chain, leaf first
     * @param key the private key: PKCS#8, PKCS#1 or SEC1, optionally encrypted PKCS#8
     * @param keyPasswordFile a file holding the key's passphrase (first line)
     * @param keyPassword the key's passphrase, taken from the environment variable the config names
     * @param where the entry's place in the config, {@code FILE:LINE:COLUMN: https.certificates[N]},
     *     which every message about this certificate starts with
     */
    public record CertificateConfig(Path cert, Path key, Optional<Path> keyPasswordFile, Optional<String> keyPassword,
            String where) {
        public CertificateConfig {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(keyPasswordFile, "keyPasswordFile");
            Objects.requireNonNull(keyPassword, "keyPassword");
            Objects.requireNonNull(where, "where");
        }

        public static CertificateConfig of(Path cert, Path key) {
            return new CertificateConfig(cert, key, Optional.empty(), Optional.empty(), "https.certificates");
        }

        @Override
        public String toString() {
            return "{cert: " + cert + ", key: " + key + (keyPassword.isPresent() ? ", passphrase from env" : "")
                    + keyPasswordFile.map(f -> ", passphrase file: " + f).orElse("") + "}";
        }
    }

    /**
     * What TLS allows.
     *
     * @param profile the profile the lists come from
     * @param protocols the protocol versions allowed, a subset of the profile's
     * @param ciphers the TLS 1.2 cipher suites allowed (IANA names), a subset of the profile's
     * @param handshakeTimeout how long a client may take to finish the handshake
     * @param alpn the application protocols offered by ALPN, most preferred first: {@value #H2} and/or
     *     {@value #HTTP_1_1}; a client that offers none of them (or no ALPN) gets HTTP/1.1
     */
    public record TlsConfig(TlsProfile profile, List<String> protocols, List<String> ciphers, Duration handshakeTimeout,
            List<String> alpn) {
        public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
        public static final String H2 = "h2";
        public static final String HTTP_1_1 = "http/1.1";
        public static final List<String> DEFAULT_ALPN = List.of(H2, HTTP_1_1);

        public TlsConfig {
            Objects.requireNonNull(profile, "profile");
            protocols = List.copyOf(protocols);
            ciphers = List.copyOf(ciphers);
            Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
            alpn = List.copyOf(alpn);
            if (alpn.isEmpty() || !DEFAULT_ALPN.containsAll(alpn)) {
                throw new IllegalArgumentException("alpn: " + alpn + " (expected: h2 and/or http/1.1)");
            }
            if (!profile.protocols().containsAll(protocols) || !profile.ciphers().containsAll(ciphers)) {
                throw new IllegalArgumentException("protocols and ciphers may only narrow the " + profile + " profile");
            }
        }

        public static TlsConfig of(TlsProfile profile) {
            return new TlsConfig(profile, profile.protocols(), profile.ciphers(), DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_ALPN);
        }
    }
}
