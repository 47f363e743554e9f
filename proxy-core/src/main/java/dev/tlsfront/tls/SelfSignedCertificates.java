package dev.tlsfront.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Makes self-signed ECDSA P-256 certificates for development (through {@link SelfSignedIssuer}), and
 * keeps one per state directory so that a browser exception granted once stays valid across restarts.
 */
public final class SelfSignedCertificates {

    public static final String CERT_FILE = "self-signed-cert.pem";
    public static final String KEY_FILE = "self-signed-key.pem";
    static final Duration VALIDITY = Duration.ofDays(365);
    /** A kept certificate this close to expiry is replaced on start. */
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private SelfSignedCertificates() {}

    /** A certificate and its key, written as PEM. */
    public record Generated(X509Certificate certificate, String certificatePem, String privateKeyPem) {}

    /** A new self-signed certificate naming {@code hosts} (DNS names and IP addresses). */
    public static Generated generate(List<String> hosts, Instant now) throws IOException {
        return SelfSignedIssuer.issue(hosts, now);
    }

    /** Writes a new certificate and key into {@code dir} (the key readable by its owner only). */
    public static void write(Generated generated, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path key = dir.resolve(KEY_FILE);
        Files.deleteIfExists(key);
        try {
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(key);
        }
        Files.writeString(key, generated.privateKeyPem(), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(dir.resolve(CERT_FILE), generated.certificatePem(), StandardCharsets.US_ASCII);
    }

    /**
     * The certificate kept in {@code dir}, made now if there is none, if it lacks one of
     * {@code hosts}, or if it expires within 30 days. The boolean says whether it was made now.
     */
    public static Kept ensure(Path dir, List<String> hosts, Clock clock) throws IOException {
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        Optional<X509Certificate> existing = Optional.empty();
        if (Files.isReadable(cert) && Files.isReadable(key)) {
            X509Certificate kept = PemFiles.readCertificates(cert).get(0);
            CertificateInfo info = CertificateInfo.of(kept);
            boolean fresh = info.notAfter().isAfter(clock.instant().plus(RENEW_BEFORE));
            if (fresh && info.names().containsAll(hosts)) {
                existing = Optional.of(kept);
            }
        }
        if (existing.isPresent()) {
            return new Kept(cert, key, false);
        }
        write(generate(hosts, clock.instant()), dir);
        return new Kept(cert, key, true);
    }

    /** Where {@link #ensure} keeps the files, and whether it made them just now. */
    public record Kept(Path certificate, Path privateKey, boolean created) {}
}
