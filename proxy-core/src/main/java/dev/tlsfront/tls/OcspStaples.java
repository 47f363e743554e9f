package dev.tlsfront.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCSP staples for the certificates that name a responder (commercial CAs; Let's Encrypt ended OCSP
 * in 2025): fetched in the background, never on the handshake path; checked (the signature by the
 * issuer or a responder it delegated to, the certificate's own entry, status good, current); then
 * stapled to every handshake with that certificate. Refreshed at half its validity; a failing
 * responder keeps the last good answer until it expires, and then nothing is stapled. Outlives
 * reloads: a certificate it already knows keeps its staple. (The OCSP work itself, which needs
 * BouncyCastle, is in {@link OcspFetch}, loaded only on its own thread when a certificate names a
 * responder: a start loads no BouncyCastle class.)
 */
public final class OcspStaples implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OcspStaples.class);
    static final Duration RETRY_FIRST = Duration.ofMinutes(1);
    static final Duration RETRY_MAX = Duration.ofHours(1);
    /** Authority Information Access (RFC 5280 §4.2.2.1), looked for with the JDK alone: no BouncyCastle at start. */
    private static final String AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";

    /** A checked response and how long it may be stapled. */
    record Staple(byte[] der, Instant nextUpdate) {}

    private final Clock clock;
    private final Map<BigInteger, Staple> staples = new ConcurrentHashMap<>();
    private final Map<BigInteger, Boolean> tracked = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ocsp");
        t.setDaemon(true);
        return t;
    });

    private final boolean fetching;

    /** @param fetching false for {@code tlsfront check}, which asks no responder */
    public OcspStaples(Clock clock, boolean fetching) {
        this.clock = clock;
        this.fetching = fetching;
    }

    /** The staple for {@code leaf} now, or null (none fetched, or the last one has expired). */
    byte[] stapleFor(X509Certificate leaf) {
        Staple staple = staples.get(leaf.getSerialNumber());
        return staple != null && clock.instant().isBefore(staple.nextUpdate()) ? staple.der() : null;
    }

    /** Starts fetching for each chain whose leaf names a responder and that comes with its issuer. */
    void track(List<X509Certificate> chain) {
        if (!fetching || chain.size() < 2 || chain.get(0).getExtensionValue(AUTHORITY_INFO_ACCESS) == null) {
            return;
        }
        if (tracked.putIfAbsent(chain.get(0).getSerialNumber(), true) == null) {
            thread.execute(() -> refresh(chain, RETRY_FIRST));
        }
    }

    private void refresh(List<X509Certificate> chain, Duration retry) {
        X509Certificate leaf = chain.get(0);
        Optional<URI> named = OcspFetch.responder(leaf);
        if (named.isEmpty()) {
            return;  // an Authority Information Access with no OCSP responder in it
        }
        URI responder = named.get();
        Instant now = clock.instant();
        try {
            Staple staple = OcspFetch.fetch(http, leaf, chain.get(1), responder, now);
            staples.put(leaf.getSerialNumber(), staple);
            Duration half = Duration.between(now, staple.nextUpdate()).dividedBy(2);
            log.info("OCSP staple for {} from {}: good until {}; next fetch in {} s", leaf.getSubjectX500Principal()
                    .getName(), responder, staple.nextUpdate(), half.toSeconds());
            thread.schedule(() -> refresh(chain, RETRY_FIRST), Math.max(1, half.toMillis()), TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            Staple last = staples.get(leaf.getSerialNumber());
            log.warn("OCSP responder {} for {}: {}; {}; retrying in {} s", responder, leaf.getSubjectX500Principal().getName(),
                    e.getMessage(), last != null && now.isBefore(last.nextUpdate())
                            ? "still stapling the last good answer until " + last.nextUpdate() : "stapling nothing",
                    retry.toSeconds());
            Duration next = retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : retry.multipliedBy(2);
            thread.schedule(() -> refresh(chain, next), retry.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
