package dev.tlsfront.tls;

import dev.tlsfront.config.HttpsListenerConfig.SessionTickets;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The keys that encrypt and decrypt TLS session tickets; the first encrypts, all decrypt.
 *
 * <p>Without key files tlsfront makes its own: a new encrypting key every {@link #ROTATION}, the two
 * before it kept for decryption, so a ticket decrypts for at least its {@link #TICKET_LIFETIME}. With
 * key files (nginx's 48-byte format, so existing rotation tools work) the keys are the files', read
 * at every load: instances sharing the files resume each other's sessions.
 */
public final class TicketKeys {

    /** How often a new encrypting key is made, when tlsfront makes its own. */
    public static final Duration ROTATION = Duration.ofHours(12);
    /** How long a session may be resumed: within the time its ticket's key still decrypts. */
    static final Duration TICKET_LIFETIME = Duration.ofHours(12);
    private static final int KEPT = 3;

    private final SecureRandom random = new SecureRandom();
    private volatile List<OpenSslSessionTicketKey> own = List.of(newKey(random));

    /** The current keys of tlsfront's own, newest first. */
    public List<OpenSslSessionTicketKey> own() {
        return own;
    }

    /** A new encrypting key; the oldest beyond the last {@value #KEPT} is forgotten. */
    public synchronized void rotate() {
        List<OpenSslSessionTicketKey> next = new ArrayList<>();
        next.add(newKey(random));
        next.addAll(own.subList(0, Math.min(own.size(), KEPT - 1)));
        own = List.copyOf(next);
    }

    /** The keys for {@code config}: none when tickets are off, the files' when given, else tlsfront's own. */
    List<OpenSslSessionTicketKey> keysFor(SessionTickets config) throws IOException {
        if (!config.enabled()) {
            return List.of();
        }
        if (config.keyFiles().isEmpty()) {
            return own;
        }
        List<OpenSslSessionTicketKey> keys = new ArrayList<>();
        for (Path file : config.keyFiles()) {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length != OpenSslSessionTicketKey.TICKET_KEY_SIZE) {
                throw new IOException("https.session_tickets.key_files: '" + file + "' holds " + bytes.length
                        + " bytes (expected: 48)");
            }
            // nginx's layout: the key name, then the HMAC secret, then the AES key.
            keys.add(new OpenSslSessionTicketKey(Arrays.copyOfRange(bytes, 0, 16), Arrays.copyOfRange(bytes, 16, 32),
                    Arrays.copyOfRange(bytes, 32, 48)));
        }
        return List.copyOf(keys);
    }

    private static OpenSslSessionTicketKey newKey(SecureRandom random) {
        byte[] name = new byte[16];
        byte[] hmac = new byte[16];
        byte[] aes = new byte[16];
        random.nextBytes(name);
        random.nextBytes(hmac);
        random.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
