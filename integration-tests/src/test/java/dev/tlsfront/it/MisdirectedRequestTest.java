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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Over HTTPS a request may name only a listed host that the connection's certificate covers;
 * anything else is 421 Misdirected Request from tlsfront and never reaches the app (curl, HTTP/1.1 and h2).
 */
class MisdirectedRequestTest {

    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningProxy proxy;
    static TestCertificate site;
    static TestCertificate other;
    static Path bundle;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        site = TestCertificate.create(dir, "mysite.test", "www.mysite.test");
        other = TestCertificate.create(dir, "other.test");
        bundle = java.nio.file.Files.writeString(dir.resolve("bundle.pem"),
                java.nio.file.Files.readString(site.cert()) + java.nio.file.Files.readString(other.cert()));
        proxy = RunningProxy.start(config(""), dir);
    }

    private static String config(String extra) {
        return """
                hosts: [mysite.test, www.mysite.test, other.test]
                http: { listen: "127.0.0.1:0" }
                https:
                  listen: "127.0.0.1:0"
                  certificates: [%s, %s]
                %s
                backend: { url: "%s" }
                """.formatted(site.yamlEntry(), other.yamlEntry(), extra, backend.url());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    /** curl to {@code https://SNI:PORT/echo} with {@code Host} set; the status and what the app saw. */
    private static Command curl(RunningProxy to, String http, String sni, String host) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                http, "--max-time", "10", "--cacert", bundle.toString(),
                "--resolve", sni + ":" + to.httpsPort() + ":127.0.0.1", "https://" + sni + ":" + to.httpsPort() + "/echo"));
        if (host != null) {
            command.addAll(List.of("-H", "Host: " + host));
        }
        return Command.run(command);
    }

    @ParameterizedTest(name = "{0}: SNI {1}, Host {2} -> {3}")
    @CsvSource({
        "--http1.1, mysite.test, mysite.test, 200",
        "--http1.1, mysite.test, www.mysite.test, 200",
        "--http1.1, mysite.test, WWW.MySite.test., 200",
        "--http1.1, mysite.test, evil.example, 421",
        "--http1.1, mysite.test, 10.0.0.1, 421",
        "--http1.1, mysite.test, 127.0.0.1, 421",
        "--http1.1, mysite.test, other.test, 421",
        "--http1.1, other.test, mysite.test, 421",
        "--http2, mysite.test, mysite.test, 200",
        // RFC 9113 §9.1.1: a stream for another listed host that the certificate covers shares the connection.
        "--http2, mysite.test, www.mysite.test, 200",
        "--http2, mysite.test, evil.example, 421",
        "--http2, mysite.test, other.test, 421",
    })
    void aHostIsServedOnlyWhenListedAndCoveredByTheConnectionsCertificate(String http, String sni, String host,
            int status) {
        int before = backend.clientPorts.size();

        Command result = curl(proxy, http, sni, host);

        assertThat(result.output()).as(result.toString()).startsWith(status + " ");
        assertThat(backend.clientPorts).as("requests that reached the app").hasSize(before + (status == 200 ? 1 : 0));
    }

    @Test
    void anyHostTrueForwardsWhateverHostARequestNames() throws Exception {
        try (RunningProxy unsafe = RunningProxy.start(config("  any_host: true"), dir)) {
            int before = backend.clientPorts.size();

            assertThat(curl(unsafe, "--http1.1", "mysite.test", "evil.example").output()).startsWith("200 ");
            assertThat(backend.lastHeaders.get("host")).containsExactly("evil.example");
            assertThat(backend.clientPorts).hasSize(before + 1);
        }
    }
}
