package dev.tlsfront.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads PEM certificate chains and private keys in every form certbot, openssl and cloud consoles
 * write: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY},
 * with or without an {@code EC PARAMETERS} block), encrypted PKCS#8 and legacy OpenSSL-encrypted keys.
 * Certificates and plain PKCS#8 keys are read by the JDK, every other key form by {@link PemKeyForms}.
 */
public final class PemFiles {

    private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
    private static final String END_CERTIFICATE = "-----END CERTIFICATE-----";
    private static final String BEGIN_PKCS8 = "-----BEGIN PRIVATE KEY-----";
    private static final String END_PKCS8 = "-----END PRIVATE KEY-----";
    /** The key types a site certificate has, most common first. */
    private static final List<String> PKCS8_ALGORITHMS = List.of("EC", "RSA", "Ed25519");

    private PemFiles() {}

    /**
     * The certificates in the file, in file order (leaf first for a full chain); other PEM blocks (a
     * key in a combined file) are skipped. Parsed by the JDK: BouncyCastle's signed jars cost about a
     * quarter of a second of start-up to verify and load, and the JDK reads X.509 as well.
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int at = text.indexOf(BEGIN_CERTIFICATE); at >= 0; at = text.indexOf(BEGIN_CERTIFICATE, at)) {
                int end = text.indexOf(END_CERTIFICATE, at);
                if (end < 0) {
                    throw new IOException(file + ": certificate " + (chain.size() + 1)
                            + " is cut short (expected: " + END_CERTIFICATE + ")");
                }
                end += END_CERTIFICATE.length();
                byte[] block = text.substring(at, end).getBytes(StandardCharsets.ISO_8859_1);
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block)));
                at = end;
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(file + ": no PEM certificate found (expected: " + BEGIN_CERTIFICATE + ")");
        }
        return chain;
    }

    /** The private key in the file, decrypted with {@code password} when it is encrypted. */
    public static PrivateKey readPrivateKey(Path file, Optional<char[]> password) throws IOException {
        PrivateKey plain = readPlainPkcs8(file);
        if (plain != null) {
            return plain;
        }
        return PemKeyForms.read(file, password);
    }

    /**
     * The key of an unencrypted PKCS#8 block (what certbot, {@code openssl genpkey} and tlsfront
     * write), read by the JDK to spare the start-up BouncyCastle's loading; null for every other form,
     * which BouncyCastle reads.
     */
    private static PrivateKey readPlainPkcs8(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        int begin = text.indexOf(BEGIN_PKCS8);
        int end = begin < 0 ? -1 : text.indexOf(END_PKCS8, begin);
        if (end < 0) {
            return null;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN_PKCS8.length(), end));
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (String algorithm : PKCS8_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm's key: try the next
            }
        }
        return null;
    }
}
