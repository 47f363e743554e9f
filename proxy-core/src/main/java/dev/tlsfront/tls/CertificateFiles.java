package dev.tlsfront.tls;

import dev.tlsfront.config.HttpsListenerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the certificate, key and session ticket key files look like on disk now: each path with the file it resolves to
 * (certbot's live/ names are symlinks into archive/), its size and modification time. Two snapshots
 * differ when a renewal has replaced any of them.
 */
public record CertificateFiles(List<String> state) {

    public static CertificateFiles of(HttpsListenerConfig https) {
        List<String> state = new ArrayList<>();
        for (var certificate : https.certificates()) {
            state.add(describe(certificate.cert()));
            state.add(describe(certificate.key()));
        }
        for (Path keyFile : https.sessionTickets().keyFiles()) {
            state.add(describe(keyFile));  // rotated by the operator's tooling: reloaded like a certificate
        }
        return new CertificateFiles(List.copyOf(state));
    }

    private static String describe(Path path) {
        try {
            Path real = path.toRealPath();
            return path + " -> " + real + " " + Files.size(real) + " " + Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
            return path + " unreadable: " + e.getMessage();
        }
    }
}
