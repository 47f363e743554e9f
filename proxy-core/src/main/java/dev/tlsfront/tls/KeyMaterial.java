package dev.tlsfront.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key and its certificate chain, leaf first, ready to serve.
 *
 * @param source the file the chain was read from, for logs and metrics
 */
public record KeyMaterial(PrivateKey key, List<X509Certificate> chain, Path source) {
    public KeyMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        Objects.requireNonNull(source, "source");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty chain");
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }
}
