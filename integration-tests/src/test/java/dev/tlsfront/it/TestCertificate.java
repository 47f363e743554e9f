package dev.tlsfront.it;

import dev.tlsfront.tls.CertificateInfo;
import dev.tlsfront.tls.SelfSignedCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A certificate made for one test, written as PEM files, and a client context that trusts only it. */
record TestCertificate(Path cert, Path key, X509Certificate certificate) {

    static TestCertificate create(Path dir, String... names) {
        try {
            var generated = SelfSignedCertificates.generate(List.of(names), Instant.now());
            Files.createDirectories(dir);
            Path cert = dir.resolve(names[0] + "-cert.pem");
            Path key = dir.resolve(names[0] + "-key.pem");
            Files.writeString(cert, generated.certificatePem());
            Files.writeString(key, generated.privateKeyPem());
            return new TestCertificate(cert, key, generated.certificate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String fingerprint() {
        return CertificateInfo.fingerprint(certificate);
    }

    /** An SSLContext that trusts this certificate and nothing else. */
    SSLContext trustingContext() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("site", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The YAML of a certificates entry for this certificate. */
    String yamlEntry() {
        return "{ cert: \"" + cert + "\", key: \"" + key + "\" }";
    }
}
