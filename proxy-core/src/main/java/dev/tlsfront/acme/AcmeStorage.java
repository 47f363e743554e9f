package dev.tlsfront.acme;

import dev.tlsfront.tls.KeyMaterial;
import dev.tlsfront.tls.PemFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The storage folder: the account key, each host's key and chain, and each host's order state, one
 * folder per CA directory (staging and production never mix). Every file is written whole or not
 * at all (a temporary file, fsync, rename), files 0600 and folders 0700. Several instances may share
 * the folder: a lock file per host lets one order while the others wait for its result.
 *
 * <p>A host's key and chain are one PEM file, so that no reader ever sees a new chain with an old key.
 */
final class AcmeStorage {

    private static final String OWNER_ONLY_FILE = "rw-------";
    private static final String OWNER_ONLY_FOLDER = "rwx------";
    private static final Base64.Encoder PEM = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private final Path folder;

    private AcmeStorage(Path folder) {
        this.folder = folder;
    }

    /** The folder for {@code directory} under {@code storage}, created (0700) when missing. */
    static AcmeStorage open(Path storage, URI directory) throws IOException {
        Path folder = storage.resolve(slug(directory));
        createFolder(storage);
        createFolder(folder);
        return new AcmeStorage(folder);
    }

    /** The same folder, for reading only: nothing is created. */
    static AcmeStorage inspect(Path storage, URI directory) {
        return new AcmeStorage(storage.resolve(slug(directory)));
    }

    /** {@code acme-v02.api.letsencrypt.org-directory}: the directory's host, port and path as one name. */
    static String slug(URI directory) {
        String text = directory.getHost() + (directory.getPort() > 0 ? "-" + directory.getPort() : "")
                + (directory.getPath() == null ? "" : directory.getPath());
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
    }

    Path folder() {
        return folder;
    }

    Path certificateFile(String host) {
        return folder.resolve(host + ".pem");
    }

    // --- account

    Optional<KeyPair> accountKey() throws IOException {
        Path file = folder.resolve("account.pem");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        PrivateKey key = PemFiles.readPrivateKey(file, Optional.empty());
        return Optional.of(new KeyPair(publicKeyIn(file), key));
    }

    void writeAccountKey(KeyPair pair) throws IOException {
        writeAtomically(folder.resolve("account.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded())
                + pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    // --- certificates

    /** The host's stored key and chain, if there are any and they read. */
    Optional<KeyMaterial> certificate(String host) throws IOException {
        Path file = certificateFile(host);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<X509Certificate> chain = PemFiles.readCertificates(file);
        if (chain.isEmpty()) {
            throw new IOException(file + ": no certificate in it");
        }
        return Optional.of(new KeyMaterial(PemFiles.readPrivateKey(file, Optional.empty()), chain, file));
    }

    void writeCertificate(String host, PrivateKey key, List<X509Certificate> chain) throws IOException {
        StringBuilder text = new StringBuilder();
        try {
            for (X509Certificate certificate : chain) {
                text.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IOException("cannot encode the certificate for " + host + ": " + e.getMessage(), e);
        }
        text.append(pem("PRIVATE KEY", key.getEncoded()));
        writeAtomically(certificateFile(host), text.toString());
    }

    // --- order state

    /** What is known of the host's orders (empty when none was made). */
    Properties state(String host) throws IOException {
        Properties state = new Properties();
        Path file = folder.resolve(host + ".state");
        if (Files.isRegularFile(file)) {
            state.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        }
        return state;
    }

    void writeState(String host, Properties state) throws IOException {
        StringWriter text = new StringWriter();
        state.store(text, "tlsfront ACME state of " + host);
        writeAtomically(folder.resolve(host + ".state"), text.toString());
    }

    // --- challenge answers, shared so that whichever instance the CA reaches can answer

    Path challengeFile(String name) {
        return challenge(name);
    }

    private Path challenge(String name) {
        return folder.resolve("challenges").resolve(name);
    }

    void writeChallenge(String name, String text) throws IOException {
        createFolder(folder.resolve("challenges"));
        writeAtomically(challenge(name), text);
    }

    /** The answer another instance (or this one) wrote, if it is there now. */
    Optional<String> readChallenge(String name) {
        Path file = challenge(name);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** When the answer file was last written, or -1 when there is none: a cheap look before reading it. */
    long challengeStamp(String name) {
        try {
            return Files.getLastModifiedTime(challenge(name)).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    void deleteChallenge(String name) {
        try {
            Files.deleteIfExists(challenge(name));
        } catch (IOException e) {
            // left for the next order to overwrite; it answers nothing once the order is done
        }
    }

    /** A private key and certificate as one PEM text (a tls-alpn-01 answer). */
    static String pemOf(PrivateKey key, X509Certificate certificate) throws IOException {
        try {
            return pem("CERTIFICATE", certificate.getEncoded()) + pem("PRIVATE KEY", key.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    // --- coordination

    /**
     * The host's order lock, when no other instance (or another thread of this one) holds it.
     * Released by closing it; the operating system releases it too when a process dies.
     */
    Optional<AutoCloseable> tryLock(String host) throws IOException {
        FileChannel channel = FileChannel.open(folder.resolve(host + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(channel::close);
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        }
    }

    // --- files

    private void writeAtomically(Path target, String text) throws IOException {
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString(OWNER_ONLY_FILE)))) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true);  // the rename itself survives a crash
        } catch (IOException e) {
            // not every file system lets a folder be synced; the file itself was
        }
    }

    private static void createFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString(OWNER_ONLY_FOLDER)));
        }
        if (!Files.isWritable(folder)) {
            throw new IOException("'" + folder + "' is not writable");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + PEM.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static PublicKey publicKeyIn(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = text.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + ": no public key in it (expected: the account key pair tlsfront wrote)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 26, end));
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next
            }
        }
        throw new IOException(file + ": the public key is neither EC nor RSA");
    }
}
