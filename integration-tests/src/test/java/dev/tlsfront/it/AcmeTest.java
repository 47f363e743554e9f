package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.server.Site;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic certificates against a real ACME CA, Debian's pebble: each challenge type issuing on its
 * own, real clients (the JDK's TLS and curl) trusting only pebble's root, a restart with no new order,
 * and the CA unreachable at start while the stored certificate serves.
 */
class AcmeTest {

    @TempDir
    static Path dir;
    static TestBackend backend;

    @BeforeAll
    static void backend() throws IOException {
        backend = new TestBackend();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /** A CA whose validations go to relays that point at whichever tlsfront the test starts. */
    record Ca(Pebble pebble, TcpRelay http, TcpRelay tls) implements AutoCloseable {
        static Ca start(Path dir, Duration validity) throws Exception {
            TcpRelay http = new TcpRelay();
            TcpRelay tls = new TcpRelay();
            return new Ca(new Pebble(dir, http.port(), tls.port(), validity), http, tls);
        }

        @Override
        public void close() throws IOException {
            pebble.close();
            http.close();
            tls.close();
        }
    }

    static String config(String host, String challenges, Path storage, Ca ca) {
        return """
                hosts: [%s]
                http: { listen: "127.0.0.1:0" }
                https:
                  listen: "127.0.0.1:0"
                  acme:
                    email: ops@%s
                    directory: %s
                    directory_trust: %s
                    storage: %s
                    challenges: [%s]
                backend: { url: "%s" }
                server: { drain_timeout: 1s }
                admin: { listen: "127.0.0.1:0" }
                """.formatted(host, host, ca.pebble().directory, ca.pebble().directoryCertificate.cert(), storage,
                challenges, backend.url());
    }

    /** Starts the site in this JVM (its paths are all absolute) and points the CA's validations at it. */
    static Site start(String yaml, Ca ca) throws Exception {
        Site site = startWithDirectoryDown(yaml);
        ca.http().target(site.server().httpAddress().getPort());
        ca.tls().target(site.server().httpsAddress().getPort());
        return site;
    }

    /** Waits until the site serves a certificate for {@code host} other than {@code not}; returns its serial. */
    static BigInteger awaitCertificate(Site site, String host, BigInteger not, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            for (var certificate : site.server().tls().certificates()) {
                X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                        new ByteArrayInputStream(Files.readAllBytes(certificate.file())));
                if (certificate.info().covers(host) && !leaf.getSerialNumber().equals(not)) {
                    return leaf.getSerialNumber();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no certificate for " + host + " within " + deadline);
    }

    /** A JDK TLS client trusting only {@code rootPem}, verifying the name, asking for {@code path}. */
    static Exchange jdkGet(String rootPem, String host, int port, String path) throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket socket = openTls(rootPem, host, plain)) {
            String response = request(socket, host, path, true);
            return new Exchange(response, (X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    /** TLS over {@code plain} to {@code host}, trusting only {@code rootPem} and checking the name. */
    static SSLSocket openTls(String rootPem, String host, Socket plain) throws Exception {
        KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
        roots.load(null, null);
        roots.setCertificateEntry("pebble", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(roots);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, plain.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");  // the name is checked against the certificate
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** One GET on {@code socket}; {@code close} asks for the connection to end after it. */
    static String request(SSLSocket socket, String host, String path, boolean close) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (close) {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        // Keep-alive: read the head and a Content-Length body.
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
    }

    record Exchange(String response, X509Certificate certificate) {}

    static Command curl(Path root, String host, int port, String path) {
        return Command.run("curl", "-sS", "--max-time", "10", "--cacert", root.toString(), "-o", "/dev/null", "-w",
                "%{http_code} %{ssl_verify_result}", "--resolve", host + ":" + port + ":127.0.0.1",
                "https://" + host + ":" + port + path);
    }

    private static Path rootFile(Ca ca, String name) throws Exception {
        return Files.writeString(dir.resolve(name + "-root.pem"), ca.pebble().rootPem());
    }

    @Test
    void http01AloneIssuesACertificateThatRealClientsTrust() throws Exception {
        try (Ca ca = Ca.start(dir.resolve("ca-http"), Duration.ofDays(90));
                Site site = start(config("http.acme.test", "http-01", dir.resolve("store-http"), ca), ca)) {
            long started = System.nanoTime();
            awaitCertificate(site, "http.acme.test", null, Duration.ofSeconds(60));
            System.out.printf("acme: http-01 certificate %d ms after start%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Path root = rootFile(ca, "http");
            int port = site.server().httpsAddress().getPort();

            assertThat(curl(root, "http.acme.test", port, "/echo").output()).isEqualTo("200 0");
            Exchange jdk = jdkGet(ca.pebble().rootPem(), "http.acme.test", port, "/echo");
            assertThat(jdk.response()).startsWith("HTTP/1.1 200 ");
            assertThat(jdk.certificate().getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
                    .containsExactly("http.acme.test");
            assertThat(ca.pebble().issued()).isEqualTo(1);
            assertThat(ca.pebble().log()).contains("Attempting to validate w/ HTTP").doesNotContain("TLS-ALPN-01");
            // Port 80 answers only tokens of orders in progress: none now.
            assertThat(Command.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                    "http://127.0.0.1:" + site.server().httpAddress().getPort() + "/.well-known/acme-challenge/abc123")
                    .output()).isEqualTo("404");
            // Keys readable by their owner only, folders closed to others.
            Path folder = Files.list(dir.resolve("store-http")).findFirst().orElseThrow();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                    .isEqualTo("rwx------");
            for (String file : List.of("account.pem", "http.acme.test.pem", "http.acme.test.state")) {
                assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(folder.resolve(file)))).as(file).isEqualTo("rw-------");
            }
            String metrics = Command.run("curl", "-sS", "--max-time", "10", "http://127.0.0.1:"
                    + site.server().adminAddress().orElseThrow().getPort() + "/metrics").output();
            assertThat(metrics).contains("tlsfront_acme_orders_total{result=\"issued\"} 1.0")
                    .contains("tlsfront_acme_orders_total{result=\"failed\"} 0.0")
                    .containsPattern("tlsfront_acme_next_renewal_timestamp_seconds\\{host=\"http.acme.test\"} \\d")
                    .containsPattern("tlsfront_certificate_expiry_timestamp_seconds\\{file=\"[^\"]+http.acme.test.pem\","
                            + "names=\"http.acme.test\"}");
        }
    }

    @Test
    void tlsAlpn01AloneIssuesACertificateAndOtherClientsSeeNoDifference() throws Exception {
        try (Ca ca = Ca.start(dir.resolve("ca-alpn"), Duration.ofDays(90));
                Site site = start(config("alpn.acme.test", "tls-alpn-01", dir.resolve("store-alpn"), ca), ca)) {
            long started = System.nanoTime();
            awaitCertificate(site, "alpn.acme.test", null, Duration.ofSeconds(60));
            System.out.printf("acme: tls-alpn-01 certificate %d ms after start%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Path root = rootFile(ca, "alpn");
            int port = site.server().httpsAddress().getPort();

            assertThat(curl(root, "alpn.acme.test", port, "/echo").output()).isEqualTo("200 0");
            assertThat(jdkGet(ca.pebble().rootPem(), "alpn.acme.test", port, "/echo").response()).startsWith("HTTP/1.1 200 ");
            assertThat(ca.pebble().issued()).isEqualTo(1);
            // Once validated, a client offering acme-tls/1 gets no challenge certificate: nothing is pending.
            Command probe = Command.run("openssl", "s_client", "-brief", "-connect", "127.0.0.1:" + port, "-servername",
                    "alpn.acme.test", "-alpn", "acme-tls/1", "-CAfile", root.toString(), "-verify_return_error");
            assertThat(probe.output()).doesNotContain("acmeIdentifier");
        }
    }

    @Test
    void aHostWithoutACertificateYetGetsATlsAlertNeverAnotherCertificate() throws Exception {
        // The CA is down for good: the host keeps waiting, and its clients get unrecognized_name.
        Ca ca = Ca.start(dir.resolve("ca-down"), Duration.ofDays(90));
        String yaml = config("waiting.acme.test", "http-01", dir.resolve("store-down"), ca);
        ca.close();
        try (Site site = start(yaml, ca)) {
            Command client = Command.run("openssl", "s_client", "-connect", "127.0.0.1:" + site.server().httpsAddress()
                    .getPort(), "-servername", "waiting.acme.test");
            assertThat(client.exitCode()).isNotZero();
            assertThat(client.output()).contains("unrecognized name", "SSL alert number 112").doesNotContain("BEGIN CERTIFICATE");
            assertThat(site.server().tls().certificates()).isEmpty();
        }
    }

    @Test
    void aRestartOrdersNothingAndTheStoredCertificateServesWhileTheCaIsUnreachable() throws Exception {
        Path storage = dir.resolve("store-restart");
        Path root;
        String yaml;
        BigInteger serial;
        try (Ca ca = Ca.start(dir.resolve("ca-restart"), Duration.ofDays(90))) {
            yaml = config("restart.acme.test", "http-01", storage, ca);
            try (Site site = start(yaml, ca)) {
                serial = awaitCertificate(site, "restart.acme.test", null, Duration.ofSeconds(60));
            }
            root = rootFile(ca, "restart");
            try (Site again = start(yaml, ca)) {
                // Served at once from storage, before the ACME thread could have asked anything.
                assertThat(again.server().tls().certificates()).hasSize(1);
                int port = again.server().httpsAddress().getPort();
                assertThat(curl(root, "restart.acme.test", port, "/echo").output()).isEqualTo("200 0");
                Thread.sleep(2000);  // give a wrong implementation the time to order again
                assertThat(ca.pebble().orders()).as("orders across two starts").isEqualTo(1);
            }
        }
        // The CA is gone now (stopped with its block): the stored certificate still serves.
        try (Site third = startWithDirectoryDown(yaml)) {
            int port = third.server().httpsAddress().getPort();
            assertThat(curl(root, "restart.acme.test", port, "/echo").output()).isEqualTo("200 0");
            assertThat(jdkGet(Files.readString(root), "restart.acme.test", port, "/echo").certificate().getSerialNumber())
                    .isEqualTo(serial);
        }
    }

    @Test
    void aHostAddedByAReloadGetsItsCertificateWithoutARestart() throws Exception {
        try (Ca ca = Ca.start(dir.resolve("ca-reload"), Duration.ofDays(90))) {
            String before = config("first.acme.test", "http-01", dir.resolve("store-reload"), ca);
            Path file = Files.writeString(dir.resolve("reload.yaml"), before);
            ConfigLoader loader = new ConfigLoader(Map.of());
            try (Site site = Site.start(loader.load(file), () -> loader.load(file), Clock.systemUTC())) {
                ca.http().target(site.server().httpAddress().getPort());
                ca.tls().target(site.server().httpsAddress().getPort());
                awaitCertificate(site, "first.acme.test", null, Duration.ofSeconds(60));

                Files.writeString(file, before.replace("hosts: [first.acme.test]", "hosts: [first.acme.test, second.acme.test]"));
                assertThat(site.reloader().reload()).isTrue();
                awaitCertificate(site, "second.acme.test", null, Duration.ofSeconds(60));

                Path root = rootFile(ca, "reload");
                int port = site.server().httpsAddress().getPort();
                assertThat(curl(root, "second.acme.test", port, "/echo").output()).isEqualTo("200 0");
                assertThat(curl(root, "first.acme.test", port, "/echo").output()).isEqualTo("200 0");
                assertThat(ca.pebble().issued()).isEqualTo(2);
            }
        }
    }

    /** The same config, with the CA process stopped: its directory URL (and so its storage folder) unchanged. */
    private static Site startWithDirectoryDown(String yaml) throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of());
        Path here = Path.of(".").toAbsolutePath();
        ProxyConfig config = loader.parse(yaml, "test.yaml", here);
        return Site.start(config, () -> loader.parse(yaml, "test.yaml", here), Clock.systemUTC());
    }
}
