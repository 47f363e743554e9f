package dev.tlsfront.cli;

import dev.tlsfront.server.ProxyServer;
import dev.tlsfront.tls.ServerTls;
import java.net.InetSocketAddress;
import org.slf4j.Logger;

/** The lines {@code run} logs once it listens: where, in front of what, with which certificates. */
final class StartupReport {
    private StartupReport() {}

    /** Certificates first: the "serving" line comes last, once everything is ready. */
    static void log(Logger log, ProxyServer server, String source) {
        for (var certificate : server.tls().certificates()) {
            log.info("certificate {} from {}", certificate.info(), certificate.file());
        }
        for (String host : server.tls().managed().waiting()) {
            log.info("{}: waiting for its ACME certificate; its clients get a TLS alert until it is issued", host);
        }
        log.info("tlsfront {} serving https://{} in front of {} ({} transport, {} TLS); http://{} redirects to it;{} config: {}",
                VersionProvider.version(), address(server.httpsAddress()), server.config().backend().url(),
                server.transport(), ServerTls.PROVIDER, address(server.httpAddress()),
                server.adminAddress().map(a -> " admin http://" + address(a) + " (/healthz, /metrics);").orElse(""), source);
    }

    static String address(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
