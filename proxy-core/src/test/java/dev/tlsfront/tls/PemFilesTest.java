package dev.tlsfront.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Optional;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private Path write(String name, Object... objects) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        Path file = dir.resolve(name);
        Files.writeString(file, out.toString());
        return file;
    }

    @Test
    void readsPkcs8() throws Exception {
        KeyPair keys = ec();
        Path file = write("pkcs8.pem", new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(PemFiles.readPrivateKey(file, Optional.empty()).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void readsPkcs1Rsa() throws Exception {
        KeyPair keys = rsa();
        Path file = write("rsa.pem", keys);
        assertThat(Files.readString(file)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PemFiles.readPrivateKey(file, Optional.empty()).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void readsSec1EcWithParametersBlockFirst() throws Exception {
        KeyPair keys = ec();
        Path sec1 = write("ec.pem", keys);
        String text = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + Files.readString(sec1);
        Files.writeString(sec1, text);
        assertThat(text).contains("-----BEGIN EC PRIVATE KEY-----");
        assertThat(PemFiles.readPrivateKey(sec1, Optional.empty()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void readsEncryptedPkcs8WithThePassphrase() throws Exception {
        KeyPair keys = rsa();
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                .setProvider(new BouncyCastleProvider()).setPassword("s3cret".toCharArray()).build();
        Path file = write("enc.pem", new JcaPKCS8Generator(keys.getPrivate(), encryptor).generate());
        assertThat(Files.readString(file)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");

        assertThat(PemFiles.readPrivateKey(file, Optional.of("s3cret".toCharArray())).getEncoded())
                .isEqualTo(keys.getPrivate().getEncoded());
        assertThatThrownBy(() -> PemFiles.readPrivateKey(file, Optional.empty()))
                .hasMessageContaining("the private key is encrypted (expected: key_password_file or key_password_env");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(file, Optional.of("wrong".toCharArray())))
                .hasMessageContaining("(expected: an unencrypted key, or the right passphrase)");
    }

    @Test
    void readsLegacyOpensslEncryptedKey() throws Exception {
        KeyPair keys = rsa();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(keys, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider())
                    .build("pw".toCharArray()));
        }
        Path file = dir.resolve("legacy.pem");
        Files.writeString(file, out.toString());
        assertThat(out.toString()).contains("Proc-Type: 4,ENCRYPTED");
        assertThat(PemFiles.readPrivateKey(file, Optional.of("pw".toCharArray())).getEncoded())
                .isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void fileWithoutAKeySaysWhatWasExpected() throws Exception {
        Path file = dir.resolve("empty.pem");
        Files.writeString(file, "not pem\n");
        assertThatThrownBy(() -> PemFiles.readPrivateKey(file, Optional.empty()))
                .hasMessage(file + ": no PEM private key found (expected: -----BEGIN PRIVATE KEY-----,"
                        + " RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
        assertThatThrownBy(() -> PemFiles.readCertificates(file))
                .hasMessage(file + ": no PEM certificate found (expected: -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void readsAChainInOrder() throws Exception {
        var leaf = SelfSignedCertificates.generate(java.util.List.of("a.test"), java.time.Instant.now());
        var other = SelfSignedCertificates.generate(java.util.List.of("b.test"), java.time.Instant.now());
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, leaf.certificatePem() + other.certificatePem());
        assertThat(PemFiles.readCertificates(chain)).extracting(c -> CertificateInfo.of(c).names())
                .containsExactly(java.util.List.of("a.test"), java.util.List.of("b.test"));
    }

    @Test
    void readsRsaPkcs8() throws Exception {
        KeyPair keys = rsa();
        Path file = write("rsa-pkcs8.pem", new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        assertThat(PemFiles.readPrivateKey(file, Optional.empty()).getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void readsKeyAndChainFromOneCombinedFile() throws Exception {
        var leaf = SelfSignedCertificates.generate(java.util.List.of("a.test"), java.time.Instant.now());
        var other = SelfSignedCertificates.generate(java.util.List.of("b.test"), java.time.Instant.now());
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, leaf.privateKeyPem() + "subject=CN = a.test\n" + leaf.certificatePem()
                + other.certificatePem());
        assertThat(PemFiles.readCertificates(combined)).extracting(c -> CertificateInfo.of(c).names())
                .containsExactly(java.util.List.of("a.test"), java.util.List.of("b.test"));
        assertThat(PemFiles.readPrivateKey(combined, Optional.empty()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void certificateCutShortSaysWhichAndWhatWasExpected() throws Exception {
        var leaf = SelfSignedCertificates.generate(java.util.List.of("a.test"), java.time.Instant.now());
        String pem = leaf.certificatePem();
        Path file = dir.resolve("cut.pem");
        Files.writeString(file, pem + pem.substring(0, pem.length() / 2));
        assertThatThrownBy(() -> PemFiles.readCertificates(file))
                .hasMessage(file + ": certificate 2 is cut short (expected: -----END CERTIFICATE-----)");
    }
}
