package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the TLS listener allows, as openssl s_client sees it; and SNI certificate choice. */
class TlsListenerTest {

    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        TestCertificate first = TestCertificate.create(dir, "a.test", "localhost");
        TestCertificate second = TestCertificate.create(dir, "b.test", "*.wild.test");
        // An RSA certificate and key as openssl writes them, next to the ECDSA ones made in Java.
        Command rsa = Command.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=rsa.test", "-addext", "subjectAltName=DNS:rsa.test",
                "-keyout", dir.resolve("rsa-key.pem").toString(), "-out", dir.resolve("rsa-cert.pem").toString());
        assertThat(rsa.exitCode()).as(rsa.output()).isZero();
        // One name with an ECDSA and an RSA certificate, as openssl writes them.
        for (String[] kind : new String[][] {{"ec", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}, {"rsa", "rsa:2048"}}) {
            List<String> command = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey", kind[1]));
            if (kind.length > 2) {
                command.addAll(List.of(kind[2], kind[3]));
            }
            command.addAll(List.of("-nodes", "-days", "2", "-subj", "/CN=dual-" + kind[0],
                    "-addext", "subjectAltName=DNS:dual.test", "-keyout", dir.resolve("dual-" + kind[0] + "-key.pem").toString(),
                    "-out", dir.resolve("dual-" + kind[0] + "-cert.pem").toString()));
            Command made = Command.run(command);
            assertThat(made.exitCode()).as(made.output()).isZero();
        }
        proxy = RunningProxy.start("""
                hosts: [a.test, b.test, localhost, dual.test]
                http: { listen: "127.0.0.1:0" }
                https:
                  listen: "127.0.0.1:0"
                  certificates: [%s, %s, { cert: rsa-cert.pem, key: rsa-key.pem },
                    { cert: dual-ec-cert.pem, key: dual-ec-key.pem }, { cert: dual-rsa-cert.pem, key: dual-rsa-key.pem }]
                  tls: { handshake_timeout: 700ms }
                backend: { url: "%s" }
                """.formatted(first.yamlEntry(), second.yamlEntry(), backend.url()), dir);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    private Command sClient(String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-brief", "-connect",
                "127.0.0.1:" + proxy.httpsPort()));
        command.addAll(List.of(options));
        return Command.run(command);
    }

    @Test
    void plainHttpSentToTheTlsPortGetsA400NamingTheHttpsAddressAndTheConnectionCloses() {
        int forwardedBefore = backend.clientPorts.size();
        Command curl = Command.run("curl", "-sS", "-i", "--max-time", "10",
                "http://127.0.0.1:" + proxy.httpsPort() + "/login", "-H", "Host: evil.example");

        assertThat(curl.exitCode()).as(curl.output()).isZero();
        assertThat(curl.output()).startsWith("HTTP/1.1 400 Bad Request")
                .contains("Connection: close")
                .contains("This port speaks HTTPS only: use https://a.test:" + proxy.httpsPort() + "/")
                .doesNotContain("evil.example");
        assertThat(backend.clientPorts).as("nothing forwarded").hasSize(forwardedBefore);
        // TLS clients are unaffected.
        assertThat(sClient("-servername", "a.test").exitCode()).isZero();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        // a default client takes ECDSA
        "-tls1_3||dual-ec",
        "-tls1_2||dual-ec",
        // signature algorithms without ECDSA: the RSA certificate
        "-tls1_3|-sigalgs RSA-PSS+SHA256:rsa_pss_pss_sha256|dual-rsa",
        "-tls1_2|-sigalgs RSA-PSS+SHA256:RSA+SHA256|dual-rsa",
        // TLS 1.2 with only ECDHE-RSA suites: the RSA certificate
        "-tls1_2|-cipher ECDHE-RSA-AES128-GCM-SHA256|dual-rsa",
        "-tls1_2|-cipher ECDHE-ECDSA-AES128-GCM-SHA256|dual-ec",
    })
    void aNameWithAnEcdsaAndAnRsaCertificateServesEachClientOneItCanTake(String version, String options,
            String served) {
        List<String> args = new ArrayList<>(List.of(version, "-servername", "dual.test"));
        if (options != null) {
            args.addAll(List.of(options.split(" ")));
        }
        Command result = sClient(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Peer certificate: CN = " + served);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void tls12And13AreAccepted(String version) {
        Command result = sClient(version, "-servername", "a.test");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Protocol version: TLSv1." + version.charAt(version.length() - 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1", "-tls1_1"})
    void tls10And11AreRefused(String version) {
        // SECLEVEL=0 lets this openssl offer the old versions at all; the server must still refuse.
        Command result = sClient(version, "-cipher", "DEFAULT:@SECLEVEL=0", "-servername", "a.test");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).doesNotContain("Protocol version: TLSv1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"AES128-GCM-SHA256", "AES256-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES128-SHA256",
        "DHE-RSA-AES128-GCM-SHA256"})
    void nonForwardSecretAndCbcCiphersAreRefused(String cipher) {
        Command result = sClient("-tls1_2", "-cipher", cipher, "-servername", "a.test");
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).doesNotContain("Ciphersuite:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"})
    void forwardSecretAeadCiphersAreAccepted(String cipher) {
        Command result = sClient("-tls1_2", "-cipher", cipher, "-servername", "a.test");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Ciphersuite: " + cipher);
    }

    @Test
    void sniPicksTheCertificateThatNamesTheHost() {
        assertThat(sClient("-servername", "b.test").output()).contains("CN = b.test");
        assertThat(sClient("-servername", "x.wild.test").output()).contains("CN = b.test");
        assertThat(sClient("-servername", "a.test").output()).contains("CN = a.test");
    }

    @Test
    void rsaCertificateIsServedForItsName() {
        Command result = sClient("-servername", "rsa.test", "-tls1_2");
        assertThat(result.output()).contains("CN = rsa.test").contains("Ciphersuite: ECDHE-RSA-AES128-GCM-SHA256");
    }

    @Test
    void clientWithoutSniGetsTheFirstCertificate() {
        assertThat(sClient("-noservername").output()).contains("CN = a.test");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--tlsv1.2", "--tlsv1.3"})
    void secondConnectionResumesTheSession(String version) {
        // curl keeps the session of the first connection and offers it on the second.
        Command curl = Command.run("curl", "--http1.1", "-sk", "-v", version, "--tls-max", version.substring(6),
                "--resolve", "a.test:" + proxy.httpsPort() + ":127.0.0.1", "-H", "Connection: close",
                "-o", "/dev/null", "-o", "/dev/null", "https://a.test:" + proxy.httpsPort() + "/",
                "https://a.test:" + proxy.httpsPort() + "/");
        assertThat(curl.output()).contains("re-using session");
        assertThat(curl.output().split("TLS handshake, Server hello", -1)).hasSize(3);
        // Only the first, full handshake sends the certificate.
        assertThat(curl.output().split("TLS handshake, Certificate \\(11\\)", -1)).hasSize(2);
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() {
        // "R" on its own line makes s_client renegotiate.
        Command result = Command.run(List.of("openssl", "s_client", "-tls1_2", "-connect",
                "127.0.0.1:" + proxy.httpsPort(), "-servername", "a.test"), List.of("R\n"));
        assertThat(result.output()).contains("RENEGOTIATING").contains("no renegotiation");
    }

    @Test
    void silentClientIsDisconnectedAtTheHandshakeTimeout() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.httpsPort())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).isBetween(600L, 5000L);
        }
    }

    @Test
    void alpnPrefersH2AndServesHttp11ToClientsWithoutIt() {
        assertThat(Command.run("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.httpsPort(),
                "-alpn", "http/1.1,h2", "-servername", "a.test").output()).contains("ALPN protocol: h2");
        assertThat(Command.run("openssl", "s_client", "-connect", "127.0.0.1:" + proxy.httpsPort(),
                "-alpn", "http/1.1", "-servername", "a.test").output()).contains("ALPN protocol: http/1.1");
        // No ALPN at all: HTTP/1.1.
        assertThat(Command.run("curl", "-sk", "-i", "--no-alpn", "--max-time", "10",
                "https://127.0.0.1:" + proxy.httpsPort() + "/").output()).startsWith("HTTP/1.1 ");
    }
}
