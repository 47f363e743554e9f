package dev.tlsfront.cli.probe;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * What the server's TLS accepts: each protocol version on its own, and whether it takes a CBC or a
 * non-forward-secret suite when that is all the client offers. The handshakes go through BoringSSL
 * (netty-tcnative), which still speaks TLS 1.0 and 1.1 and those suites, whatever the JDK allows.
 */
final class TlsScan {

    static final List<String> VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    /** CBC suites with forward secrecy, ECDSA and RSA (OpenSSL names). */
    static final List<String> CBC = List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
            "ECDHE-RSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA384");
    /** Suites with RSA key transport: no forward secrecy. */
    static final List<String> NO_FORWARD_SECRECY = List.of("AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA",
            "AES256-SHA", "AES128-SHA256");

    private final ProbeClient client;
    private final int port;

    TlsScan(ProbeClient client, int port) {
        this.client = client;
        this.port = port;
    }

    static boolean available() {
        return OpenSsl.isAvailable();
    }

    /** The versions the server completes a handshake with, in order. */
    List<String> acceptedVersions() throws SSLException {
        List<String> accepted = new ArrayList<>();
        for (String version : VERSIONS) {
            List<String> ciphers = version.equals("TLSv1.3") ? null
                    : List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA",
                            "ECDHE-RSA-AES128-SHA", "AES128-SHA", "AES128-GCM-SHA256");
            if (accepts(context(version, ciphers))) {
                accepted.add(version);
            }
        }
        return accepted;
    }

    /** The first of {@code suites} (TLS 1.2) the server accepts, or null. */
    String acceptedSuite(List<String> suites) {
        for (String suite : suites) {
            SslContext context;
            try {
                context = context("TLSv1.2", List.of(suite));
            } catch (SSLException | IllegalArgumentException unsupportedHere) {
                continue;  // a suite this BoringSSL cannot offer cannot be tested
            }
            if (accepts(context)) {
                return suite;
            }
        }
        return null;
    }

    private boolean accepts(SslContext context) {
        try {
            client.handshake(context, port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static SslContext context(String version, List<String> ciphers) throws SSLException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL)
                .protocols(version)
                .ciphers(ciphers)
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null)
                .build();
    }
}
