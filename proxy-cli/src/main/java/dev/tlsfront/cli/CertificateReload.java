package dev.tlsfront.cli;

import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.server.ProxyServer;
import dev.tlsfront.tls.ServerTls;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;

/** On SIGHUP: loads the certificates again and serves them to new connections, or keeps the old ones. */
final class CertificateReload implements Runnable {

    private final ProxyServer server;
    private final ProxyConfig config;
    private final Logger log;

    CertificateReload(ProxyServer server, ProxyConfig config, Logger log) {
        this.server = server;
        this.config = config;
        this.log = log;
    }

    @Override
    public void run() {
        try {
            ServerTls next = ServerTls.load(config.https(), config.hosts(), Clock.systemUTC());
            server.replaceTls(next);
            for (var certificate : next.certificates()) {
                log.info("reloaded certificate {} from {}", certificate.info(), certificate.file());
            }
        } catch (IOException | RuntimeException e) {
            log.error("reload failed, still serving the previous certificates: {}", e.getMessage());
        }
    }
}
