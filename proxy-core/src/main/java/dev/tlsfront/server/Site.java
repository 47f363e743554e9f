package dev.tlsfront.server;

import dev.tlsfront.acme.AutomaticCertificates;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.tls.ManagedCertificates;
import dev.tlsfront.tls.ServerTls;
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

    /** The config names something that cannot be used (a certificate, a key, an ACME host or storage). */
    public static final class ConfigProblem extends IOException {
        ConfigProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ProxyServer server;
    private final Reloader reloader;
    private final Optional<AutomaticCertificates> acme;

    private Site(ProxyServer server, Reloader reloader, Optional<AutomaticCertificates> acme) {
        this.server = server;
        this.reloader = reloader;
        this.acme = acme;
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
        ServerTls tls;
        try {
            tls = ServerTls.load(config.https(), config.hosts(), clock,
                    acme.<ManagedCertificates>map(a -> a).orElse(ManagedCertificates.NONE));
        } catch (IOException e) {
            acme.ifPresent(AutomaticCertificates::close);
            throw new ConfigProblem("https.certificates: " + e.getMessage(), e);
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(config, tls);
        } catch (IOException e) {
            acme.ifPresent(AutomaticCertificates::close);
            throw e;
        }
        Reloader reloader = new Reloader(server, source, clock, acme);
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
        return new Site(server, reloader, acme);
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
        return server.drain(deadline);
    }

    @Override
    public void close() {
        drain(server.config().server().drainTimeout());
    }
}
