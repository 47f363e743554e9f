package dev.tlsfront.tls;

import io.netty.handler.ssl.SslContext;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Certificates that something other than files provides (ACME): finished key material per host, the
 * hosts still waiting for one, and the answers to the CA's pending challenges, tls-alpn-01 on the TLS
 * listener and http-01 on the plaintext one.
 */
public interface ManagedCertificates {

    /** Nothing managed: every certificate comes from files. */
    ManagedCertificates NONE = new ManagedCertificates() {
        @Override
        public Map<String, KeyMaterial> issued() {
            return Map.of();
        }

        @Override
        public Set<String> waiting() {
            return Set.of();
        }

        @Override
        public SslContext tlsAlpnChallenge(String host) {
            return null;
        }

        @Override
        public byte[] http01Answer(String token) {
            return null;
        }
    };

    /** Each host's current certificate, for the hosts that have one. */
    Map<String, KeyMaterial> issued();

    /** The hosts that have none yet: their clients get a TLS alert, never another host's certificate. */
    Set<String> waiting();

    /**
     * The context that answers a pending tls-alpn-01 challenge for {@code host} (RFC 8737), or null.
     * Asked on the event loop, only for ClientHellos that offer {@code acme-tls/1}.
     */
    SslContext tlsAlpnChallenge(String host);

    /** The key authorization answering the http-01 challenge {@code token} (RFC 8555 §8.3), or null. */
    byte[] http01Answer(String token);

    /** When each host's certificate is next renewed (or its order retried). */
    default Map<String, Instant> nextRenewals() {
        return Map.of();
    }
}
