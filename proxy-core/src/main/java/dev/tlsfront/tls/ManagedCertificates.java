package dev.tlsfront.tls;

import io.netty.handler.ssl.SslContext;
import java.util.Map;
import java.util.Set;

/**
 * Certificates that something other than files provides (ACME): finished key material per host, the
 * hosts still waiting for one, and the answers to pending tls-alpn-01 challenges.
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
}
