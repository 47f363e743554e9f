package dev.tlsfront.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes self-signed ECDSA P-256 certificates for development, and keeps one per state directory so
 * that a browser exception granted once stays valid across restarts.
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
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + hosts.get(0).replaceAll("[,+=\"\\\\<>;]", "_") + ",O=tlsfront self-signed");
            List<GeneralName> names = new ArrayList<>();
            for (String host : hosts) {
                names.add(isIpAddress(host) ? new GeneralName(GeneralName.iPAddress, host)
                        : new GeneralName(GeneralName.dNSName, host));
            }
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new Generated(cert, pem(cert), pem(keys.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
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

    private static boolean isIpAddress(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        if (!host.matches("[0-9.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static String pem(Object object) throws IOException {
        Writer out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof java.security.PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null).generate() : object);
        }
        return out.toString();
    }
}
