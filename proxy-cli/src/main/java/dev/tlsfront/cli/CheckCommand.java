package dev.tlsfront.cli;

import dev.tlsfront.acme.AutomaticCertificates;
import dev.tlsfront.config.AcmeConfig;
import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.DurationSyntax;
import dev.tlsfront.config.HttpsListenerConfig.TlsConfig;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.http.HstsRamp;
import dev.tlsfront.server.HstsRampProgress;
import dev.tlsfront.tls.ManagedCertificates;
import dev.tlsfront.tls.TlsRuntime;
import dev.tlsfront.tls.SelfSignedCertificates;
import dev.tlsfront.tls.ServerTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tlsfront check}: loads everything {@code run} would, binds nothing, and says what it found. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Load the config, the certificates and the keys; bind nothing.",
            "Print the effective settings and each certificate's names and expiry; exit 0, or 78 on any problem."},
        footer = {"", ExitCodes.CHECK_HELP})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    private final Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProxyConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        out.println("config: " + config.describe());
        out.println("hosts: " + String.join(", ", loaded.hosts()) + " (canonical: " + loaded.canonicalHost() + ")");
        out.println("http: listen " + loaded.http().listen() + ", redirect " + loaded.http().redirect().status()
                .name().toLowerCase() + ", keep_path " + loaded.http().redirect().keepPath()
                + loaded.http().acmeWebroot().map(p -> ", acme_webroot " + p).orElse(""));
        TlsConfig tls = loaded.https().tls();
        out.println("https: listen " + loaded.https().listen() + ", profile " + tls.profile().name().toLowerCase()
                + ", protocols " + String.join(" ", tls.protocols()) + ", handshake_timeout " + DurationSyntax.format(tls.handshakeTimeout())
                + ", alpn " + String.join(" ", tls.alpn()));
        out.println("https ciphers: " + String.join(" ", tls.ciphers()));
        var backend = loaded.backend();
        out.println("backend: " + backend.url() + (backend.servers().size() > 1
                ? "; balance " + backend.balance().name().toLowerCase() + ", retries " + backend.retries() : ""));
        out.println("health: " + backend.health().map(h -> "GET " + h.path() + " every " + DurationSyntax.format(h.interval())
                + ", timeout " + DurationSyntax.format(h.timeout()) + ", rise " + h.rise() + ", fall " + h.fall() + ", expect "
                + h.expect()).orElse("no active checks") + "; passive " + (backend.passive().maxFails() == 0 ? "off"
                : "max_fails " + backend.passive().maxFails() + " in " + DurationSyntax.format(backend.passive().failTimeout())));
        out.println("backend timeouts: connect_timeout " + DurationSyntax.format(loaded.backend().connectTimeout())
                + ", response_timeout " + DurationSyntax.format(loaded.backend().responseTimeout()) + ", pool idle_timeout "
                + DurationSyntax.format(loaded.backend().poolIdleTimeout()) + ", max_idle " + loaded.backend().poolMaxIdle());

        var policy = loaded.policy();
        out.println("hsts: " + policy.hsts().headerValue() + "; cookies: Secure"
                + (policy.cookies().httpOnly() ? ", HttpOnly" : "") + policy.cookies().sameSite().map(v -> ", SameSite=" + v).orElse("")
                + "; upgrade_insecure_requests " + policy.upgradeInsecureRequests()
                + (policy.responseHeaders().isEmpty() ? "" : "; response_headers " + String.join(", ", policy.responseHeaders().keySet())));
        out.println("forwarding: trusted_proxies " + (policy.trustedProxies().isEmpty() ? "none" : policy.trustedProxies())
                + ", forwarded " + policy.forwarded() + ", request_buffering "
                + loaded.backend().requestBuffering().name().toLowerCase());
        var limits = loaded.limits();
        out.println("limits: request line " + limits.maxRequestLine() + " B, header block " + limits.maxHeaderBlock()
                + " B, " + limits.maxHeaderFields() + " fields, body " + (limits.maxBodySize() == 0 ? "unlimited" : limits.maxBodySize() + " B")
                + ", header_timeout " + DurationSyntax.format(limits.headerTimeout()) + ", body_timeout "
                + DurationSyntax.format(limits.bodyTimeout()) + ", keepalive_timeout " + DurationSyntax.format(limits.keepAliveTimeout())
                + ", max_connections " + limits.maxConnections());
        out.println("admin: " + loaded.admin().listen().map(a -> "listen " + a + " (GET /healthz, GET /metrics)").orElse("off"));
        out.println("access_log: " + (loaded.accessLog().enabled()
                ? loaded.accessLog().format().name().toLowerCase() + " to "
                        + loaded.accessLog().path().map(Path::toString).orElse("standard output")
                : "off"));
        out.println("server: event_loops " + (loaded.server().eventLoops() == 0 ? "one per core" : loaded.server().eventLoops())
                + ", drain_timeout " + DurationSyntax.format(loaded.server().drainTimeout())
                + (loaded.server().shutdownDelay().isZero() ? ""
                        : ", shutdown_delay " + DurationSyntax.format(loaded.server().shutdownDelay()))
                + ", log_level "
                + loaded.server().logLevel() + (loaded.server().logJson() ? ", log_format json" : ""));

        if (loaded.https().selfSignedDir().isPresent()) {
            Path dir = loaded.https().selfSignedDir().get();
            if (!Files.exists(dir.resolve(SelfSignedCertificates.CERT_FILE))) {
                out.println("certificate: self-signed, made on first start in " + dir);
                return ExitCodes.OK;
            }
        }
        ServerTls served;
        List<String> managed;
        try {
            managed = loaded.https().acme().isPresent() ? AutomaticCertificates.managedHosts(loaded) : List.of();
        } catch (IOException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        try {
            served = ServerTls.load(loaded, clock, ManagedCertificates.NONE, TlsRuntime.loadingOnly(clock));
        } catch (IOException e) {
            err.println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        for (var certificate : served.certificates()) {
            out.println("certificate: " + certificate.info() + " from " + certificate.file());
        }
        served.warnings().forEach(err::println);
        loaded.https().acme().ifPresent(acme -> reportAcme(out, acme, managed, loaded.hosts()));
        if (loaded.policy().hsts().ramp().isPresent()) {
            try {
                reportRamp(out, loaded);
            } catch (IOException e) {
                err.println(config.describe() + ": https.hsts.ramp: " + e.getMessage());
                return ExitCodes.CONFIG;
            }
        }
        out.println("ok");
        return ExitCodes.OK;
    }

    /** Per host: the max-age the ramp has reached, and the step. */
    private static void reportRamp(PrintWriter out, ProxyConfig loaded) throws IOException {
        var hsts = loaded.policy().hsts();
        var kept = HstsRampProgress.read(hsts.ramp().get());
        int steps = HstsRamp.ladder(hsts.maxAge()).size();
        for (String host : loaded.hosts()) {
            var progress = kept.get(host);
            out.println("hsts ramp " + host + ": " + (progress == null
                    ? "not started (max-age " + HstsRamp.ladder(hsts.maxAge()).get(0).toSeconds() + " s from the first start)"
                    : "max-age " + HstsRamp.maxAge(progress, hsts.maxAge()).toSeconds() + " s, step "
                            + (Math.min(progress.step(), steps - 1) + 1) + " of " + steps + " since " + progress.since()));
        }
    }

    /** Per host: where its certificate comes from; for ACME, its expiry, next renewal and last error. */
    private void reportAcme(PrintWriter out, AcmeConfig acme, List<String> managed, List<String> hosts) {
        out.println("acme: " + acme.email() + " at " + acme.directory() + ", storage " + acme.storage()
                + ", challenges " + String.join(" ", acme.challenges().stream().map(AcmeConfig.Challenge::label).toList())
                + ", key_type " + acme.keyType().name().toLowerCase());
        for (String host : hosts) {
            if (!managed.contains(host)) {
                out.println("host " + host + ": certificate from a file");
            }
        }
        for (AutomaticCertificates.HostStatus status : AutomaticCertificates.inspect(acme, managed, clock)) {
            out.println("host " + status.host() + ": certificate from ACME, " + status.certificate()
                    .map(info -> "expires " + info.notAfter()).orElse("none yet (ordered when tlsfront starts)")
                    + status.nextRenewal().map(at -> ", next renewal " + at).orElse("")
                    + status.lastError().map(e -> ", last error: " + e).orElse(""));
        }
    }
}
