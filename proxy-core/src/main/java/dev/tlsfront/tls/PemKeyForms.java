package dev.tlsfront.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads private keys in the PEM forms the JDK cannot (PKCS#1, SEC1, encrypted) with BouncyCastle. A
 * class of its own so that a start with a plain PKCS#8 key never loads BouncyCastle: its signed jars
 * take about 0.3 s to verify.
 */
final class PemKeyForms {

    /**
     * Decrypts keys; not registered as a JCA provider, so the JDK's own providers stay in charge.
     * Made on first use only: building it takes about half a second, and most keys are not encrypted.
     */
    private static final class Decryption {
        static final Provider BC = new BouncyCastleProvider();
    }

    private PemKeyForms() {}

    /** The private key in the file, decrypted with {@code password} when it is encrypted. */
    static PrivateKey read(Path file, Optional<char[]> password) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object;
            ASN1ObjectIdentifier curve = null;
            while ((object = parser.readObject()) != null) {
                if (object instanceof ASN1ObjectIdentifier oid) {
                    curve = oid;  // an "EC PARAMETERS" block naming the curve of the key that follows
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    // SEC1's public key and curve fields are optional; the curve may come from EC PARAMETERS.
                    PrivateKeyInfo info = pair.getPrivateKeyInfo();
                    if (info.getPrivateKeyAlgorithm().getParameters() == null && curve != null) {
                        info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve),
                                info.parsePrivateKey());
                    }
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    char[] secret = password.orElseThrow(() -> needsPassword(file));
                    var decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Decryption.BC).build(secret);
                    return converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(decryptor));
                }
                if (object instanceof PEMEncryptedKeyPair encrypted) {
                    char[] secret = password.orElseThrow(() -> needsPassword(file));
                    var decryptor = new JcePEMDecryptorProviderBuilder().setProvider(Decryption.BC).build(secret);
                    return converter.getPrivateKey(encrypted.decryptKeyPair(decryptor).getPrivateKeyInfo());
                }
            }
        } catch (PKCSException | PEMException e) {
            throw new IOException(file + ": cannot read the private key: " + e.getMessage()
                    + " (expected: an unencrypted key, or the right passphrase)", e);
        } catch (OperatorCreationException e) {
            throw new IOException(file + ": unsupported key encryption: " + e.getMessage(), e);
        }
        throw new IOException(file + ": no PEM private key found (expected: -----BEGIN PRIVATE KEY-----,"
                + " RSA PRIVATE KEY, EC PRIVATE KEY or ENCRYPTED PRIVATE KEY)");
    }

    private static IOException needsPassword(Path file) {
        return new IOException(file + ": the private key is encrypted"
                + " (expected: key_password_file or key_password_env in its certificates entry)");
    }
}
