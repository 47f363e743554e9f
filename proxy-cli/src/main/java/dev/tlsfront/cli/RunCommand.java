package dev.tlsfront.cli;

import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.server.ProxyServer;
import dev.tlsfront.server.Reloader;
import dev.tlsfront.server.Site;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code tlsfront run}: serves in the foreground until SIGTERM or SIGINT, then drains and exits 0. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Serve in the foreground, logging to stdout.",
            "SIGTERM or SIGINT: stop accepting, let in-flight requests finish (server.drain_timeout), exit 0.",
            "SIGHUP: reload the config and certificates; if anything fails to load, the old ones are kept.",
            "Certificate and key files are also checked every 5 s and reloaded when replaced (certbot renewals)."},
        footer = {"", ExitCodes.HELP})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("tlsfront");
    static final int CERTIFICATE_CHECK_SECONDS = 5;
    /** Netty's own switch for its buffer leak detector, for a run that should track leaks. */
    static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Netty samples one buffer in 128 for leaks by default, recording a stack trace each time:
        // 5-10% of the CPU per request at full load (A/B in integration-tests/bench/RESULTS.md). The tests run it at "paranoid"; a daemon runs
        // without it unless the operator asks (-Dio.netty.leakDetection.level=simple in JAVA_OPTS).
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        ProxyConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.CONFIG;
        }
        ServerLogging.apply(loaded.server());
        try {
            AccessLogging.apply(loaded.accessLog());
        } catch (IOException e) {
            spec.commandLine().getErr().println("tlsfront: " + e.getMessage());
            return ExitCodes.IOERR;
        }
        Site site;
        try {
            site = Site.start(loaded, config::load, Clock.systemUTC());
        } catch (Site.ConfigProblem e) {
            spec.commandLine().getErr().println(e.getMessage().startsWith("https.") ? config.describe() + ": "
                    + e.getMessage() : e.getMessage());
            return ExitCodes.CONFIG;
        } catch (ProxyServer.BindFailure e) {
            spec.commandLine().getErr().println("tlsfront: " + e.getMessage());
            return ExitCodes.IOERR;
        } catch (IOException e) {
            spec.commandLine().getErr().println("tlsfront: " + e.getMessage());
            return ExitCodes.SOFTWARE;
        }
        ProxyServer server = site.server();

        CountDownLatch stop = new CountDownLatch(1);
        Reloader reloader = site.reloader();
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Runnable reload = () -> {
            if (reloader.reload()) {
                ServerLogging.apply(server.config().server());
                try {
                    AccessLogging.apply(server.config().accessLog());  // reopens the file after rotation
                } catch (IOException e) {
                    log.error("{}; the access log goes on where it went before", e.getMessage());
                }
            }
        };
        boolean hangupIgnored = SignalMask.hangupIgnoredAtStart();  // read before a handler is asked for
        Signal.handle(new Signal("HUP"), s -> reload.run());
        if (hangupIgnored) {
            log.warn("SIGHUP was ignored when this process started (nohup, or a supervisor that ignores it), and the"
                    + " JVM cannot catch it then: kill -HUP will not reload; start tlsfront through ./tlsfront, or with"
                    + " env --default-signal=HUP (config and certificate files are still watched every {} s)",
                    CERTIFICATE_CHECK_SECONDS);
        }
        // "serving" only once SIGTERM drains: a supervisor (or test) that stops it on that line gets a drain,
        // not the JVM's default exit 143 (seen once when the report came before the handlers).
        StartupReport.log(log, server, config.describe());
        // certbot renewals replace the files without telling anyone: look every few seconds.
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "certificate-watcher");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(reloader::reloadIfCertificatesChanged, CERTIFICATE_CHECK_SECONDS,
                CERTIFICATE_CHECK_SECONDS, TimeUnit.SECONDS);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watcher.shutdownNow();
        log.info("stopping: draining in-flight requests for up to {} s", loaded.server().drainTimeout().toSeconds());
        boolean clean = site.drain(loaded.server().drainTimeout());
        AccessLogging.close();  // the lines still queued go out before the last line says so
        log.info(clean ? "stopped" : "stopped at the drain deadline");
        ((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory()).stop();
        return ExitCodes.OK;
    }
}
