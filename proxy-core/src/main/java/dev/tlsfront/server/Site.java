package dev.tlsfront.server;

import dev.tlsfront.acme.AutomaticCertificates;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.tls.ManagedCertificates;
import dev.tlsfront.tls.ServerTls;
import dev.tlsfront.tls.TicketKeys;
import dev.tlsfront.tls.TlsRuntime;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The whole running site, assembled in order: the automatic certificates read from storage (when
 * ACME is on), the TLS contexts, the listeners, the reloader, and then the ACME thread started,
 * whose new certificates the reloader installs.
 */
public final class Site implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Site.class);

    /** The config names something that cannot be used (a certificate, a key, an ACME host or storage). */
    public static final class ConfigProblem extends IOException {
        ConfigProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ProxyServer server;
    private final Reloader reloader;
    private final Optional<AutomaticCertificates> acme;
    private final Optional<HstsRampProgress> ramp;
    private final Clock clock;
    private final TlsRuntime runtime;
    private final java.util.concurrent.ScheduledExecutorService timers;
    static final int RAMP_LOOK_SECONDS = 60;

    private Site(ProxyServer server, Reloader reloader, Optional<AutomaticCertificates> acme,
            Optional<HstsRampProgress> ramp, Clock clock, TlsRuntime runtime) {
        this.runtime = runtime;
        this.server = server;
        this.reloader = reloader;
        this.acme = acme;
        this.ramp = ramp;
        this.clock = clock;
        this.timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "site-timers");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts serving {@code config}; {@code source} is where a reload reads the config again.
     *
     * @throws ConfigProblem when a certificate, key, ACME host or the ACME storage cannot be used
     * @throws ProxyServer.BindFailure when a listen address cannot be bound
     */
    public static Site start(ProxyConfig config, Reloader.Source source, Clock clock) throws IOException {
        Optional<AutomaticCertificates> acme;
        try {
            acme = AutomaticCertificates.forConfig(config, clock);
        } catch (IOException e) {
            throw new ConfigProblem(e.getMessage(), e);
        }
        TlsRuntime runtime = TlsRuntime.serving(clock);
        ServerTls tls;
        try {
            tls = ServerTls.load(config, clock, acme.<ManagedCertificates>map(a -> a).orElse(ManagedCertificates.NONE),
                    runtime);
        } catch (IOException e) {
            acme.ifPresent(AutomaticCertificates::close);
            runtime.close();
            throw new ConfigProblem(e.getMessage(), e);
        }
        tls.warnings().forEach(log::warn);
        Optional<HstsRampProgress> ramp;
        try {
            ramp = config.policy().hsts().ramp().isPresent()
                    ? Optional.of(HstsRampProgress.open(config.policy().hsts(), config.hosts(), clock.instant()))
                    : Optional.empty();
        } catch (IOException e) {
            acme.ifPresent(AutomaticCertificates::close);
            runtime.close();
            throw new ConfigProblem("https.hsts.ramp: cannot keep its progress in '"
                    + config.policy().hsts().ramp().get() + "': " + e.getMessage(), e);
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(config, tls, ramp.map(r -> r));
        } catch (IOException e) {
            acme.ifPresent(AutomaticCertificates::close);
            runtime.close();
            throw e;
        }
        Reloader reloader = new Reloader(server, source, clock, acme, runtime);
        acme.ifPresent(service -> service.start(new AutomaticCertificates.Listener() {
            @Override
            public void certificatesChanged() {
                reloader.installManagedCertificates();
            }

            @Override
            public void orderEnded(boolean issued) {
                server.metrics().acmeOrderEnded(issued);
            }
        }));
        Site site = new Site(server, reloader, acme, ramp, clock, runtime);
        ramp.ifPresent(r -> site.timers.scheduleWithFixedDelay(site::advanceHstsRamp, 0, RAMP_LOOK_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS));
        site.timers.scheduleAtFixedRate(site::warnOfExpiry, 1, 1, java.util.concurrent.TimeUnit.DAYS);
        long rotation = TicketKeys.ROTATION.toMinutes();
        site.timers.scheduleAtFixedRate(() -> site.rotateTicketKeys(runtime.tickets()), rotation, rotation,
                java.util.concurrent.TimeUnit.MINUTES);
        return site;
    }

    /** Every 12 hours: a new encrypting ticket key of tlsfront's own (with key files, those are used instead). */
    void rotateTicketKeys(TicketKeys tickets) {
        tickets.rotate();
        var config = server.config().https().sessionTickets();
        if (config.enabled() && config.keyFiles().isEmpty()) {
            server.tls().useTicketKeys(tickets.own());
        }
    }

    /** Once a day: a WARN for each served certificate that expires within 14 days (next to the expiry gauge). */
    void warnOfExpiry() {
        java.time.Instant now = clock.instant();
        for (var certificate : server.tls().certificates()) {
            java.time.Instant expiry = certificate.info().notAfter();
            if (now.plus(dev.tlsfront.tls.CertificateChecks.EXPIRY_WARNING).isAfter(expiry)) {
                log.warn("certificate {} from {} expires in {} days, on {}", String.join(", ", certificate.info().names()),
                        certificate.file(), java.time.Duration.between(now, expiry).toDays(), expiry);
            }
        }
    }

    /**
     * One look at the HSTS ramp (done once a minute): a host whose served certificate is valid now
     * climbs when its step has lasted long enough.
     */
    public void advanceHstsRamp() {
        java.time.Instant now = clock.instant();
        ramp.ifPresent(r -> r.advance(now, host -> server.tls().certificates().stream()
                .anyMatch(c -> c.info().covers(host) && c.info().notAfter().isAfter(now))));
    }

    /** The HSTS ramp, when it is on. */
    public Optional<HstsRampProgress> hstsRamp() {
        return ramp;
    }

    public ProxyServer server() {
        return server;
    }

    public Reloader reloader() {
        return reloader;
    }

    public Optional<AutomaticCertificates> acme() {
        return acme;
    }

    /** Stops ordering, then drains the listeners (see {@link ProxyServer#drain}). */
    public boolean drain(Duration deadline) {
        acme.ifPresent(AutomaticCertificates::close);
        timers.shutdownNow();
        runtime.close();
        return server.drain(deadline);
    }

    @Override
    public void close() {
        drain(server.config().server().drainTimeout());
    }
}
