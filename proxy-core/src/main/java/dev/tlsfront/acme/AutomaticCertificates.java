package dev.tlsfront.acme;

import dev.tlsfront.failures.FailureText;
import dev.tlsfront.config.AcmeConfig;
import dev.tlsfront.tls.CertificateInfo;
import dev.tlsfront.tls.KeyMaterial;
import dev.tlsfront.tls.ManagedCertificates;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets and renews a certificate for each host it is given, for ever.
 *
 * <p>At {@link #open} the stored certificates are read, and a host whose certificate is valid is
 * served from it at once, without asking the CA. {@link #start} then checks each host on the ACME
 * thread: a host without a certificate is ordered at once; one with a certificate is renewed at its
 * {@link RenewalTime}; a failure waits by {@link Backoff}, kept in storage so that a restart (or a
 * container in a crash loop) does not ask again sooner. Before ordering, a host's lock in the storage
 * folder is taken, so that of several instances sharing the folder one orders and the others pick
 * up its result. Each new certificate is handed to the listener given to {@link #start}, which
 * installs it without dropping a connection.
 */
public final class AutomaticCertificates implements ManagedCertificates, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AutomaticCertificates.class);
    /** How often a host whose lock another instance holds looks for that instance's result. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(5);
    /** How often the CA's renewal information (ARI) is asked again (RFC 9773 §4.3 suggests hours). */
    static final Duration RENEWAL_INFO_REFRESH = Duration.ofHours(6);

    /** What the service tells the rest of tlsfront. */
    public interface Listener {
        /** The set of issued certificates changed: install them. */
        void certificatesChanged();

        /** An order ended, {@code succeeded} or not. */
        default void orderEnded(boolean succeeded) {}
    }

    /** One host as {@code tlsfront check} and the metrics show it. */
    public record HostStatus(String host, Optional<CertificateInfo> certificate, Optional<Instant> nextRenewal,
            Optional<String> lastError) {}

    private final AcmeConfig config;
    private final AcmeStorage storage;
    private final Clock clock;
    private final RandomGenerator random;
    private final ChallengeAnswers answers;
    private final CertificateAuthority ca;
    private final ScheduledExecutorService thread;
    private final Map<String, KeyMaterial> issued = new ConcurrentHashMap<>();
    private final Map<String, Instant> nextRenewal = new ConcurrentHashMap<>();
    private final Map<String, String> lastError = new ConcurrentHashMap<>();
    private volatile Set<String> hosts;
    // ACME thread only:
    private final Map<String, ScheduledFuture<?>> scheduled = new HashMap<>();
    /** The renewal time chosen for each host's current certificate, and when the CA was last asked. */
    private final Map<String, Planned> renewAt = new HashMap<>();
    private final Set<String> waitingForLock = new java.util.HashSet<>();
    private Listener listener;

    private AutomaticCertificates(AcmeConfig config, AcmeStorage storage, List<String> hosts, Clock clock,
            RandomGenerator random) {
        this.config = config;
        this.storage = storage;
        this.clock = clock;
        this.random = random;
        this.answers = new ChallengeAnswers(storage);
        this.ca = new CertificateAuthority(config, storage, answers);
        this.hosts = Set.copyOf(hosts);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "acme");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The service for the hosts of {@code config} that no certificate file covers, when ACME is on.
     *
     * @throws IOException when such a host is an IP address (ACME's http-01 and tls-alpn-01 validate
     *     DNS names only), a certificate file cannot be read, or the storage cannot be written
     */
    public static Optional<AutomaticCertificates> forConfig(dev.tlsfront.config.ProxyConfig config, Clock clock)
            throws IOException {
        if (config.https().acme().isEmpty()) {
            return Optional.empty();
        }
        List<String> hosts = managedHosts(config);
        return Optional.of(open(config.https().acme().get(), hosts, clock));
    }

    /** The hosts ACME must get certificates for: those no certificate file covers. */
    public static List<String> managedHosts(dev.tlsfront.config.ProxyConfig config) throws IOException {
        List<String> hosts = dev.tlsfront.tls.ServerTls.uncovered(config.https(), config.hosts());
        for (String host : hosts) {
            if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
                throw new IOException(config.at(host) + "hosts: '" + host + "' is an IP address, which ACME's"
                        + " http-01 and tls-alpn-01 challenges cannot validate (expected: a DNS name, or a certificate in"
                        + " https.certificates that covers it)");
            }
        }
        return hosts;
    }

    /**
     * Opens the storage (creating it) and reads the certificates kept there for {@code hosts};
     * contacts no CA.
     *
     * @throws IOException when the storage folder cannot be created or written
     */
    public static AutomaticCertificates open(AcmeConfig config, List<String> hosts, Clock clock) throws IOException {
        return open(config, hosts, clock, RandomGenerator.getDefault());
    }

    static AutomaticCertificates open(AcmeConfig config, List<String> hosts, Clock clock, RandomGenerator random)
            throws IOException {
        AcmeStorage storage;
        try {
            storage = AcmeStorage.open(config.storage(), config.directory());
        } catch (IOException e) {
            throw new IOException("https.acme.storage: cannot keep certificates in '" + config.storage() + "': "
                    + FailureText.describe(e) + " (expected: a folder tlsfront's user can create and write)", e);
        }
        AutomaticCertificates service = new AutomaticCertificates(config, storage, hosts, clock, random);
        for (String host : hosts) {
            service.stored(host).ifPresent(material -> service.issued.put(host, material));
        }
        return service;
    }

    /** What the storage says of each host, for {@code tlsfront check}; creates nothing and contacts no CA. */
    public static List<HostStatus> inspect(AcmeConfig config, List<String> hosts, Clock clock) {
        AcmeStorage storage = AcmeStorage.inspect(config.storage(), config.directory());
        return hosts.stream().map(host -> {
            Optional<CertificateInfo> info = Optional.empty();
            Optional<Instant> next = Optional.empty();
            Optional<String> error = Optional.empty();
            try {
                Optional<KeyMaterial> material = storage.certificate(host);
                info = material.map(m -> CertificateInfo.of(m.leaf()));
                next = material.map(m -> RenewalTime.choose(m.leaf().getNotBefore().toInstant(),
                        m.leaf().getNotAfter().toInstant(), Optional.empty(), clock.instant(), RandomGenerator.getDefault()));
                Properties state = storage.state(host);
                error = Optional.ofNullable(state.getProperty("lastError"));
                if (state.getProperty("nextAttempt") != null && error.isPresent()) {
                    next = Optional.of(Instant.parse(state.getProperty("nextAttempt")));
                }
            } catch (IOException | RuntimeException e) {
                error = Optional.of("cannot read the stored certificate: " + FailureText.describe(e));
            }
            return new HostStatus(host, info, next, error);
        }).toList();
    }

    /** Starts checking every host; {@code listener} hears of each new certificate. */
    public void start(Listener listener) {
        thread.execute(() -> {
            this.listener = listener;
            for (String host : hosts) {
                if (!issued.containsKey(host)) {
                    log.info("{}: no certificate yet; ordering one from {} (until then its clients get a TLS alert)",
                            host, config.directory());
                }
                schedule(host, Duration.ZERO);
            }
        });
    }

    /**
     * After a reload: the hosts to manage now. A new one counts as waiting at once, then is read
     * from storage or ordered; a dropped one is forgotten.
     */
    public void hosts(List<String> now) {
        Set<String> next = Set.copyOf(now);
        Set<String> before = this.hosts;
        this.hosts = next;
        thread.execute(() -> {
            for (String gone : before) {
                if (!next.contains(gone)) {
                    Optional.ofNullable(scheduled.remove(gone)).ifPresent(f -> f.cancel(false));
                    issued.remove(gone);
                    nextRenewal.remove(gone);
                    renewAt.remove(gone);
                }
            }
            for (String added : next) {
                if (!before.contains(added) && listener != null) {
                    log.info("{}: added to hosts; ordering a certificate unless one is stored", added);
                    schedule(added, Duration.ZERO);
                }
            }
        });
    }

    private void schedule(String host, Duration delay) {
        Optional.ofNullable(scheduled.remove(host)).ifPresent(f -> f.cancel(false));
        scheduled.put(host, thread.schedule(() -> check(host), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS));
    }

    /** One look at one host: pick up what storage has, then order if it is time. Runs on the ACME thread. */
    private void check(String host) {
        if (!hosts.contains(host)) {
            return;
        }
        Instant now = clock.instant();
        Optional<KeyMaterial> stored = stored(host);
        stored.ifPresent(material -> install(host, material));
        Properties state = readState(host);
        Instant nextAttempt = Optional.ofNullable(state.getProperty("nextAttempt")).map(Instant::parse).orElse(now);
        if (stored.isPresent()) {
            Instant due = renewalTime(host, stored.get(), now);
            nextRenewal.put(host, due.isAfter(nextAttempt) ? due : nextAttempt);
            if (due.isAfter(now)) {
                schedule(host, Duration.between(now, min(due, now.plus(RENEWAL_INFO_REFRESH))));
                return;
            }
        }
        if (nextAttempt.isAfter(now)) {
            schedule(host, Duration.between(now, nextAttempt));  // a recent failure, here or before a restart
            return;
        }
        Optional<AutoCloseable> lock;
        try {
            lock = storage.tryLock(host);
        } catch (IOException e) {
            failed(host, state, stored, "cannot take the order lock in " + storage.folder() + ": " + FailureText.describe(e),
                    Optional.empty());
            return;
        }
        if (lock.isEmpty()) {
            if (waitingForLock.add(host)) {
                log.info("{}: another instance is ordering its certificate (it holds the lock in {}); waiting for it",
                        host, storage.folder());
            }
            schedule(host, LOCK_WAIT);
            return;
        }
        waitingForLock.remove(host);
        try (AutoCloseable held = lock.get()) {
            // Another instance may have finished while this one waited for the lock.
            Optional<KeyMaterial> latest = stored(host);
            if (latest.isPresent() && !latest.equals(stored)) {
                install(host, latest.get());
                schedule(host, Duration.ZERO);
                return;
            }
            order(host, state, stored);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed(host, state, stored, "releasing the order lock failed: " + FailureText.describe(e), Optional.empty());
        }
    }

    private void order(String host, Properties state, Optional<KeyMaterial> current) throws InterruptedException {
        int failures = Integer.parseInt(state.getProperty("failures", "0"));
        Instant started = clock.instant();
        CertificateAuthority.Issued result;
        try {
            log.info("{}: ordering a certificate from {}{}", host, config.directory(),
                    current.map(m -> " to renew the one expiring " + m.leaf().getNotAfter().toInstant()).orElse(""));
            result = ca.order(host, failures, current.map(KeyMaterial::leaf));
        } catch (CertificateAuthority.OrderFailure e) {
            failed(host, state, current, e.getMessage(), e.retryAfter);
            return;
        }
        try {
            storage.writeCertificate(host, result.key().getPrivate(), result.chain());
            state.remove("failures");
            state.remove("nextAttempt");
            state.remove("lastError");
            state.setProperty("lastOrder", clock.instant().toString());
            storage.writeState(host, state);
        } catch (IOException e) {
            failed(host, state, current, "the certificate was issued but cannot be stored in " + storage.folder() + ": "
                    + FailureText.describe(e), Optional.empty());
            return;
        }
        lastError.remove(host);
        X509Certificate leaf = result.chain().get(0);
        log.info("{}: certificate issued in {} ms, valid until {}", host,
                Duration.between(started, clock.instant()).toMillis(), leaf.getNotAfter().toInstant());
        renewAt.remove(host);
        if (listener != null) {
            listener.orderEnded(true);
        }
        stored(host).ifPresent(material -> install(host, material));
        schedule(host, Duration.ZERO);
    }

    private void failed(String host, Properties state, Optional<KeyMaterial> current, String why,
            Optional<Instant> retryAfter) {
        int failures = Integer.parseInt(state.getProperty("failures", "0")) + 1;
        Instant now = clock.instant();
        Instant next = Backoff.next(now, failures, retryAfter);
        state.setProperty("failures", Integer.toString(failures));
        state.setProperty("nextAttempt", next.toString());
        state.setProperty("lastError", why);
        state.setProperty("lastErrorAt", now.toString());
        try {
            storage.writeState(host, state);
        } catch (IOException e) {
            log.warn("{}: cannot record the failure in {}: {}", host, storage.folder(), FailureText.describe(e));
        }
        lastError.put(host, why);
        nextRenewal.put(host, next);
        if (current.isPresent() && RenewalTime.inLastTenth(current.get().leaf().getNotBefore().toInstant(),
                current.get().leaf().getNotAfter().toInstant(), now)) {
            log.warn("{}: the certificate expires at {} and renewing it keeps failing ({} attempts): {}; next attempt at {}",
                    host, current.get().leaf().getNotAfter().toInstant(), failures, why, next);
        } else {
            log.warn("{}: {} {}: {}; next attempt at {}", host, current.isPresent() ? "renewal" : "order",
                    "failed", why, next);
        }
        if (listener != null) {
            listener.orderEnded(false);
        }
        schedule(host, Duration.between(now, next));
    }

    private record Planned(X509Certificate certificate, Instant at, Instant asked) {}

    /** When to renew the host's current certificate: chosen once, and again when the CA's window may have moved. */
    private Instant renewalTime(String host, KeyMaterial material, Instant now) {
        X509Certificate leaf = material.leaf();
        Planned planned = renewAt.get(host);
        if (planned != null && planned.certificate().equals(leaf) && planned.asked().plus(RENEWAL_INFO_REFRESH).isAfter(now)) {
            return planned.at();
        }
        Optional<RenewalTime.Window> window = ca.renewalWindow(leaf);
        Instant at = planned != null && planned.certificate().equals(leaf) && window.isEmpty() ? planned.at()
                : RenewalTime.choose(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), window, now, random);
        renewAt.put(host, new Planned(leaf, at, now));
        return at;
    }

    /** The stored certificate when it is valid now and covers the host; otherwise empty (and why, logged once). */
    private Optional<KeyMaterial> stored(String host) {
        try {
            Optional<KeyMaterial> material = storage.certificate(host);
            if (material.isEmpty()) {
                return Optional.empty();
            }
            CertificateInfo info = CertificateInfo.of(material.get().leaf());
            Instant now = clock.instant();
            if (!info.covers(host) || info.notAfter().isBefore(now)) {
                return Optional.empty();
            }
            KeyMaterial current = issued.get(host);
            return Optional.of(current != null && current.leaf().equals(material.get().leaf()) ? current : material.get());
        } catch (IOException | RuntimeException e) {
            log.warn("{}: the stored certificate in {} cannot be read ({}); ordering a new one", host,
                    storage.folder(), FailureText.describe(e));
            return Optional.empty();
        }
    }

    private void install(String host, KeyMaterial material) {
        KeyMaterial before = issued.put(host, material);
        if (before != material && listener != null) {
            listener.certificatesChanged();
        }
    }

    private Properties readState(String host) {
        try {
            return storage.state(host);
        } catch (IOException e) {
            return new Properties();
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public Map<String, KeyMaterial> issued() {
        return Map.copyOf(issued);
    }

    @Override
    public Set<String> waiting() {
        return hosts.stream().filter(host -> !issued.containsKey(host)).collect(java.util.stream.Collectors.toSet());
    }

    @Override
    public SslContext tlsAlpnChallenge(String host) {
        return answers.tlsAlpn01(host);
    }

    @Override
    public byte[] http01Answer(String token) {
        return answers.http01(token);
    }

    @Override
    public Map<String, Instant> nextRenewals() {
        return Map.copyOf(nextRenewal);
    }

    /** Each host's last order error, while it has not succeeded since. */
    public Map<String, String> lastErrors() {
        return Map.copyOf(lastError);
    }

    /** The hosts in the order they were given, with their state (for logs at start). */
    public Map<String, Optional<KeyMaterial>> hostsAndCertificates() {
        Map<String, Optional<KeyMaterial>> out = new LinkedHashMap<>();
        hosts.forEach(host -> out.put(host, Optional.ofNullable(issued.get(host))));
        return out;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
