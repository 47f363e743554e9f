package dev.tlsfront.server;

import dev.tlsfront.acme.AutomaticCertificates;
import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.tls.CertificateFiles;
import dev.tlsfront.tls.ManagedCertificates;
import dev.tlsfront.tls.ServerTls;
import dev.tlsfront.tls.TlsRuntime;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config and certificates into a running proxy (SIGHUP, or certificate files replaced
 * by a renewal). Either everything loads and applies to new connections, or nothing changes and the
 * reason is logged: a broken file never takes the site down.
 */
public final class Reloader {

    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    /** Where the config comes from: the file given, or the embedded default. */
    public interface Source {
        ProxyConfig load() throws ConfigException;
    }

    private final ProxyServer server;
    private final Source source;
    private final Clock clock;
    private final Optional<AutomaticCertificates> acme;
    private final TlsRuntime runtime;
    private CertificateFiles watched;

    public Reloader(ProxyServer server, Source source, Clock clock) {
        this(server, source, clock, Optional.empty(), TlsRuntime.loadingOnly(clock));
    }

    /**
     * @param acme the automatic certificates started with the server, when ACME is on
     * @param runtime what the TLS listener keeps across reloads (ticket keys, OCSP staples)
     */
    public Reloader(ProxyServer server, Source source, Clock clock, Optional<AutomaticCertificates> acme,
            TlsRuntime runtime) {
        this.server = server;
        this.source = source;
        this.clock = clock;
        this.acme = acme;
        this.runtime = runtime;
        this.watched = CertificateFiles.of(server.config().https());
    }

    /**
     * Serves the managed certificates as they are now (one was issued or renewed), with the config
     * unchanged; connections already open keep theirs. A failure keeps what is served and is logged.
     */
    public synchronized void installManagedCertificates() {
        ProxyConfig config = server.config();
        try {
            server.replaceTls(ServerTls.load(config, clock, managed(), runtime));
        } catch (IOException | RuntimeException e) {
            log.error("a new certificate could not be installed, still serving the previous ones: {}", e.getMessage());
        }
    }

    private ManagedCertificates managed() {
        return acme.<ManagedCertificates>map(a -> a).orElse(ManagedCertificates.NONE);
    }

    /** Loads and applies; returns true when the new config and certificates are now served. */
    public synchronized boolean reload() {
        ProxyConfig before = server.config();
        List<String> certificatesBefore = fingerprints(server.tls());
        ProxyConfig next;
        ServerTls tls;
        List<String> managedHosts = List.of();
        try {
            next = source.load();
            if (acme.isPresent() && next.https().acme().isPresent()) {
                managedHosts = AutomaticCertificates.managedHosts(next);
            }
            tls = ServerTls.load(next, clock, managed(), runtime);
        } catch (ConfigException | IOException | RuntimeException e) {
            // One record, one line: every problem, joined.
            log.error("reload failed, still serving the previous config and certificates: {}",
                    String.join("; ", String.valueOf(e.getMessage()).split("\\R")));
            server.metrics().reloaded(false);
            return false;
        }
        if (acme.isPresent() && next.https().acme().isPresent()) {
            acme.get().hosts(managedHosts);
        }
        tls.warnings().forEach(log::warn);
        List<String> needRestart = server.reload(next, tls);
        watched = CertificateFiles.of(next.https());
        List<String> changed = new ArrayList<>(ConfigChanges.between(before, next));
        if (!fingerprints(tls).equals(certificatesBefore)) {
            changed.add("certificates served (" + String.join("; ", tls.certificates().stream()
                    .map(c -> c.info() + " from " + c.file()).toList()) + ")");
        }
        log.info("reloaded: {}{}", changed.isEmpty() ? "nothing changed" : "changed " + String.join(", ", changed),
                needRestart.isEmpty() ? "" : "; " + String.join(", ", needRestart) + " take effect only on a restart");
        server.metrics().reloaded(true);
        return true;
    }

    private static List<String> fingerprints(ServerTls tls) {
        return tls.certificates().stream().map(c -> c.info().sha256()).toList();
    }

    /** Reloads when a certificate or key file changed since the last look; true when it did and applied. */
    public synchronized boolean reloadIfCertificatesChanged() {
        CertificateFiles now = CertificateFiles.of(server.config().https());
        if (now.equals(watched)) {
            return false;
        }
        log.info("certificate files changed on disk; reloading");
        watched = now;  // a broken renewal is reported once, not every few seconds
        return reload();
    }
}
