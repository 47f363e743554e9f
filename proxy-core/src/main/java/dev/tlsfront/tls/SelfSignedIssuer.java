package dev.tlsfront.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues self-signed certificates with BouncyCastle. A class of its own so that a start that keeps
 * its certificate never loads BouncyCastle: its signed jars take about 0.3 s to verify.
 */
final class SelfSignedIssuer {

    private SelfSignedIssuer() {}

    /** A new self-signed certificate naming {@code hosts} (DNS names and IP addresses). */
    static SelfSignedCertificates.Generated issue(List<String> hosts, Instant now) throws IOException {
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
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SelfSignedCertificates.VALIDITY)), subject,
                    keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            return new SelfSignedCertificates.Generated(cert, pem(cert), pem(keys.getPrivate()));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

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
                    ? new JcaPKCS8Generator(key, null).generate() : object);
        }
        return out.toString();
    }
}
