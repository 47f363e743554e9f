package dev.tlsfront.acme;

import dev.tlsfront.tls.PemFiles;
import dev.tlsfront.tls.ServerTls;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers to the challenges of orders in progress: http-01 key authorizations by token, and
 * tls-alpn-01 contexts by host. Written by the ACME thread for the time of one validation, and into
 * the storage folder as well: behind a balancer the CA may reach another instance than the one that
 * ordered, and that instance finds the answer there. Read by the event loops; a token or host of no
 * order in progress has no answer.
 */
final class ChallengeAnswers {

    private static final Logger log = LoggerFactory.getLogger(ChallengeAnswers.class);

    private final AcmeStorage storage;
    private final Map<String, byte[]> http01 = new ConcurrentHashMap<>();
    private final Map<String, SslContext> tlsAlpn01 = new ConcurrentHashMap<>();
    /** tls-alpn-01 answers another instance wrote, built once per version of the file. */
    private final Map<String, Shared> shared = new ConcurrentHashMap<>();

    private record Shared(long stamp, SslContext context) {}

    ChallengeAnswers(AcmeStorage storage) {
        this.storage = storage;
    }

    void answerHttp01(String token, String keyAuthorization) throws IOException {
        http01.put(token, keyAuthorization.getBytes(StandardCharsets.US_ASCII));
        storage.writeChallenge(token, keyAuthorization);
    }

    void answerTlsAlpn01(String host, PrivateKey key, X509Certificate certificate) throws IOException {
        tlsAlpn01.put(host, ServerTls.tlsAlpnChallengeContext(key, certificate));
        storage.writeChallenge(host + ".tls-alpn-01", AcmeStorage.pemOf(key, certificate));
    }

    void withdraw(String host, String token) {
        if (token != null) {
            http01.remove(token);
            storage.deleteChallenge(token);
        }
        if (tlsAlpn01.remove(host) != null) {
            storage.deleteChallenge(host + ".tls-alpn-01");
        }
    }

    /** The key authorization for {@code token} (RFC 8555 §8.3), or null when no order in progress has it. */
    byte[] http01(String token) {
        byte[] own = http01.get(token);
        if (own != null) {
            return own;
        }
        return storage.readChallenge(token).map(text -> text.getBytes(StandardCharsets.US_ASCII)).orElse(null);
    }

    /** The context answering {@code host}'s tls-alpn-01 challenge, or null. */
    SslContext tlsAlpn01(String host) {
        SslContext own = tlsAlpn01.get(host);
        if (own != null) {
            return own;
        }
        String name = host + ".tls-alpn-01";
        long stamp = storage.challengeStamp(name);
        if (stamp < 0) {
            shared.remove(host);
            return null;
        }
        Shared known = shared.get(host);
        if (known != null && known.stamp() == stamp) {
            return known.context();
        }
        try {
            Path file = storage.challengeFile(name);
            SslContext context = ServerTls.tlsAlpnChallengeContext(PemFiles.readPrivateKey(file, Optional.empty()),
                    PemFiles.readCertificates(file).get(0));
            shared.put(host, new Shared(stamp, context));
            return context;
        } catch (IOException | RuntimeException e) {
            log.debug("{}: the shared tls-alpn-01 answer cannot be read: {}", host, e.getMessage());
            return null;
        }
    }
}
