package dev.tlsfront.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Automatic certificates (ACME, RFC 8555) for every host that no certificate file covers.
 *
 * @param email the account's contact, to which the CA writes about expiring certificates and policy
 * @param directory the CA's directory URL (Let's Encrypt's production directory by default)
 * @param directoryTrust CA certificates trusted for the directory's own HTTPS instead of the JDK's
 *     store (a private CA, or a test CA such as pebble)
 * @param storage where the account key and each host's key and chain are kept (0700, files 0600)
 * @param challenges the challenge types offered to answer, in order of preference
 * @param keyType the key type of the certificates' keys
 */
public record AcmeConfig(String email, URI directory, Optional<Path> directoryTrust, Path storage,
        List<Challenge> challenges, KeyType keyType) {

    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");
    public static final List<Challenge> DEFAULT_CHALLENGES = List.of(Challenge.TLS_ALPN_01, Challenge.HTTP_01);

    public AcmeConfig {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(directoryTrust, "directoryTrust");
        Objects.requireNonNull(storage, "storage");
        challenges = List.copyOf(challenges);
        Objects.requireNonNull(keyType, "keyType");
        if (challenges.isEmpty()) {
            throw new IllegalArgumentException("challenges: empty (expected: tls-alpn-01 and/or http-01)");
        }
    }

    /** A challenge type tlsfront can answer itself. */
    public enum Challenge {
        /** RFC 8737: answered on the TLS listener, to ClientHellos that offer {@code acme-tls/1}. */
        TLS_ALPN_01("tls-alpn-01"),
        /** RFC 8555 §8.3: answered on the plaintext listener under {@code /.well-known/acme-challenge/}. */
        HTTP_01("http-01");

        private final String label;

        Challenge(String label) {
            this.label = label;
        }

        /** The name the CA and the config use. */
        public String label() {
            return label;
        }
    }

    /** The key type of certificate keys. */
    public enum KeyType { EC256, EC384, RSA2048 }
}
