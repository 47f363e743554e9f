package dev.tlsfront.config;

import java.util.List;
import java.util.Map;

/**
 * The TLS versions and cipher suites a profile allows, after Mozilla's server-side TLS guidelines
 * (version 5.7): only forward-secret (ECDHE) AEAD suites.
 */
public enum TlsProfile {
    /** TLS 1.2 and 1.3 with ECDHE and AES-GCM or ChaCha20-Poly1305: every browser of the last decade. */
    INTERMEDIATE(List.of("TLSv1.3", "TLSv1.2"), List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")),
    /** TLS 1.3 only. */
    MODERN(List.of("TLSv1.3"), List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256"));

    /** OpenSSL's names for the same suites, so that users may write either. */
    static final Map<String, String> OPENSSL_NAMES = Map.of(
            "ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final List<String> protocols;
    private final List<String> ciphers;

    TlsProfile(List<String> protocols, List<String> ciphers) {
        this.protocols = protocols;
        this.ciphers = ciphers;
    }

    /** The protocol versions, in Java's names ({@code TLSv1.3}). */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites, in IANA names, strongest preference first. */
    public List<String> ciphers() {
        return ciphers;
    }
}
