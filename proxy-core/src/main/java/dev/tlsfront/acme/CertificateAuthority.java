package dev.tlsfront.acme;

import dev.tlsfront.failures.FailureText;
import dev.tlsfront.config.AcmeConfig;
import dev.tlsfront.config.AcmeConfig.Challenge;
import dev.tlsfront.tls.PemFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.RenewalInfo;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.connector.Resource;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CA, spoken to through acme4j: the account (made on first use, its key kept in storage), an
 * order for one host's certificate with the challenge answered in-process, and the CA's renewal
 * window (ARI) for a certificate it issued. Used on the ACME thread only.
 */
final class CertificateAuthority {

    private static final Logger log = LoggerFactory.getLogger(CertificateAuthority.class);
    static final Duration VALIDATION_TIMEOUT = Duration.ofMinutes(2);

    /** An order that did not produce a certificate: why, in plain words, and when the CA allows a retry. */
    static final class OrderFailure extends Exception {
        final Optional<Instant> retryAfter;

        OrderFailure(String why, Optional<Instant> retryAfter) {
            super(why);
            this.retryAfter = retryAfter;
        }
    }

    /** A certificate and the key it was issued for. */
    record Issued(KeyPair key, List<X509Certificate> chain) {}

    private final AcmeConfig config;
    private final AcmeStorage storage;
    private final ChallengeAnswers answers;
    private Session session;
    private Login login;

    CertificateAuthority(AcmeConfig config, AcmeStorage storage, ChallengeAnswers answers) {
        this.config = config;
        this.storage = storage;
        this.answers = answers;
    }

    /**
     * Orders a certificate for {@code host} with a new key, trying the challenge types from {@code
     * first} on in the configured order; {@code replacing} is the certificate it renews, if any.
     */
    Issued order(String host, int first, Optional<X509Certificate> replacing) throws OrderFailure, InterruptedException {
        try {
            Login account = login();
            OrderBuilder builder = account.newOrder().domain(host);
            if (replacing.isPresent() && session.resourceUrlOptional(Resource.RENEWAL_INFO).isPresent()) {
                builder.replaces(replacing.get());  // RFC 9773 §5: tells the CA which certificate this renews
            }
            Order order = builder.create();
            for (Authorization authorization : order.getAuthorizations()) {
                if (authorization.getStatus() != Status.VALID) {
                    validate(host, authorization, first);
                }
            }
            Status ready = await(order, Set.of(Status.READY, Status.INVALID, Status.VALID));
            if (ready != Status.READY) {
                throw failure("the order for " + host + " is " + ready.name().toLowerCase(), order.getError());
            }
            KeyPair key = newKey(config.keyType());
            order.execute(key);
            Status done = await(order, Set.of(Status.VALID, Status.INVALID));
            if (done != Status.VALID) {
                throw failure("the CA did not issue the certificate for " + host + " (order "
                        + done.name().toLowerCase() + ")", order.getError());
            }
            return new Issued(key, order.getCertificate().getCertificateChain());
        } catch (AcmeRateLimitedException e) {
            throw new OrderFailure(ProblemText.describe(ProblemText.Doc.of(e.getProblem())), e.getRetryAfter());
        } catch (AcmeServerException e) {
            throw new OrderFailure(ProblemText.describe(ProblemText.Doc.of(e.getProblem())), Optional.empty());
        } catch (AcmeNetworkException e) {
            forget();
            throw new OrderFailure("cannot reach the CA at " + config.directory() + ": " + FailureText.describe(e),
                    Optional.empty());
        } catch (AcmeException | IOException | GeneralSecurityException | RuntimeException e) {
            log.debug("{}: order failed", host, e);
            forget();
            throw new OrderFailure("the order failed: " + FailureText.describe(e), Optional.empty());
        }
    }

    /** The CA's suggested renewal window for {@code certificate}, when the CA offers renewal information. */
    Optional<RenewalTime.Window> renewalWindow(X509Certificate certificate) {
        try {
            Login account = login();
            if (session.resourceUrlOptional(Resource.RENEWAL_INFO).isEmpty()) {
                return Optional.empty();
            }
            RenewalInfo info = account.bindRenewalInfo(certificate);
            return Optional.of(new RenewalTime.Window(info.getSuggestedWindowStart(), info.getSuggestedWindowEnd()));
        } catch (AcmeException | IOException | GeneralSecurityException | RuntimeException e) {
            log.debug("no renewal information for {}: {}", certificate.getSubjectX500Principal(), FailureText.describe(e));
            return Optional.empty();
        }
    }

    private void validate(String host, Authorization authorization, int first)
            throws AcmeException, OrderFailure, InterruptedException, IOException, GeneralSecurityException {
        List<Challenge> preference = new ArrayList<>(config.challenges());
        java.util.Collections.rotate(preference, -(first % preference.size()));
        for (Challenge type : preference) {
            Optional<org.shredzone.acme4j.challenge.Challenge> offered = authorization.findChallenge(type.label());
            if (offered.isEmpty()) {
                continue;
            }
            String token = null;
            if (offered.get() instanceof Http01Challenge http) {
                token = http.getToken();
                answers.answerHttp01(token, http.getAuthorization());
            } else if (offered.get() instanceof TlsAlpn01Challenge alpn) {
                // RSA: acme4j 4.0 signs the challenge certificate with SHA256withRSA whatever the key.
                KeyPair challengeKey = newKey(AcmeConfig.KeyType.RSA2048);
                X509Certificate certificate = alpn.createCertificate(challengeKey, authorization.getIdentifier());
                answers.answerTlsAlpn01(host, challengeKey.getPrivate(), certificate);
            } else {
                continue;
            }
            try {
                log.info("{}: answering the CA's {} challenge", host, type.label());
                offered.get().trigger();
                Status status = await(offered.get(), Set.of(Status.VALID, Status.INVALID));
                if (status != Status.VALID) {
                    throw failure(host + " failed " + type.label() + " validation", offered.get().getError());
                }
                return;
            } finally {
                answers.withdraw(host, token);
            }
        }
        throw new OrderFailure("the CA offers none of the configured challenges (" + String.join(", ",
                config.challenges().stream().map(Challenge::label).toList()) + ") for " + host, Optional.empty());
    }

    /**
     * Polls until {@code resource} reaches one of {@code done} or {@link #VALIDATION_TIMEOUT} passes:
     * from a fifth of a second, doubling to three seconds, never sooner than the CA's Retry-After.
     * (acme4j's own wait starts at three seconds, which is most of a first issuance.)
     */
    private static Status await(PollableResource resource, Set<Status> done) throws AcmeException, InterruptedException {
        Instant end = Instant.now().plus(VALIDATION_TIMEOUT);
        Duration pause = Duration.ofMillis(200);
        while (true) {
            Optional<Instant> retryAfter = resource.fetch();
            Status status = resource.getStatus();
            if (done.contains(status) || Instant.now().isAfter(end)) {
                return status;
            }
            long asked = retryAfter.map(at -> Duration.between(Instant.now(), at).toMillis()).orElse(0L);
            Thread.sleep(Math.max(pause.toMillis(), Math.min(asked, 30_000)));
            pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(3)) > 0 ? Duration.ofSeconds(3) : pause.multipliedBy(2);
        }
    }

    private static OrderFailure failure(String what, Optional<Problem> problem) {
        return new OrderFailure(what + problem.map(p -> ": " + ProblemText.describe(ProblemText.Doc.of(p))).orElse(""),
                Optional.empty());
    }

    /** The account, registered on first use with the email and the CA's terms accepted (as with Caddy). */
    private Login login() throws AcmeException, IOException, GeneralSecurityException {
        if (login != null) {
            return login;
        }
        if (session == null) {
            session = new Session(config.directory(), new Provider(config));
        }
        Optional<KeyPair> stored = storage.accountKey();
        KeyPair key = stored.isPresent() ? stored.get() : newKey(AcmeConfig.KeyType.EC256);
        if (stored.isEmpty()) {
            storage.writeAccountKey(key);
        }
        login = new AccountBuilder().addEmail(config.email()).agreeToTermsOfService().useKeyPair(key)
                .createLogin(session);
        if (stored.isEmpty()) {
            log.info("registered an ACME account for {} at {} (its key is in {})", config.email(), config.directory(),
                    storage.folder());
        }
        return login;
    }

    /** After a network failure: the next order fetches the directory and logs in again. */
    private void forget() {
        session = null;
        login = null;
    }

    static KeyPair newKey(AcmeConfig.KeyType type) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type == AcmeConfig.KeyType.RSA2048 ? "RSA" : "EC");
        switch (type) {
            case EC256 -> generator.initialize(new ECGenParameterSpec("secp256r1"));
            case EC384 -> generator.initialize(new ECGenParameterSpec("secp384r1"));
            case RSA2048 -> generator.initialize(2048);
        }
        return generator.generateKeyPair();
    }

    /** The generic provider, trusting {@code https.acme.directory_trust} for the directory's HTTPS when given. */
    private static final class Provider extends GenericAcmeProvider {
        private final AcmeConfig config;

        Provider(AcmeConfig config) {
            this.config = config;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            if (config.directoryTrust().isEmpty()) {
                return super.createHttpClient(settings);
            }
            try {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                int i = 0;
                for (X509Certificate certificate : PemFiles.readCertificates(config.directoryTrust().get())) {
                    trusted.setCertificateEntry("ca" + i++, certificate);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                return HttpClient.newBuilder()
                        .connectTimeout(settings.getTimeout())
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .proxy(settings.getProxySelector())
                        .sslContext(context)
                        .build();
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("https.acme.directory_trust: " + e.getMessage(), e);
            }
        }
    }

    URI directory() {
        return config.directory();
    }
}
