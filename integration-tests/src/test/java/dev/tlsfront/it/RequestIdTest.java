package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each request gets an ID: the app sees it as X-Request-ID and the client gets the same one back. */
class RequestIdTest {

    @TempDir
    Path dir;

    private static String returned(Command curl) {
        Matcher m = Pattern.compile("(?i)x-request-id: (\\S+)").matcher(curl.output());
        assertThat(m.find()).as(curl.output()).isTrue();
        return m.group(1);
    }

    @Test
    void theAppAndTheClientSeeOneIdAndAClientsOwnIsReplacedUnlessATrustedProxySentIt() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy direct = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
                RunningProxy behindBalancer = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), "")
                        .replace("backend: { url", "backend: { trusted_proxies: [127.0.0.1/32], url"), dir)) {
            for (String http : new String[] {"--http1.1", "--http2"}) {
                Command curl = Command.run("curl", "-sS", http, "-D", "-", "-o", "/dev/null", "--max-time", "10",
                        "--cacert", certificate.cert().toString(), "-H", "X-Request-ID: chosen-by-client",
                        direct.https("/echo").toString());
                String id = returned(curl);
                assertThat(id).as(http).matches("[0-9a-f]{32}");
                assertThat(backend.lastHeaders.get("x-request-id")).as(http).containsExactly(id);
            }
            Command trusted = Command.run("curl", "-sS", "-D", "-", "-o", "/dev/null", "--max-time", "10",
                    "--cacert", certificate.cert().toString(), "-H", "X-Request-ID: lb-4711",
                    behindBalancer.https("/echo").toString());
            assertThat(returned(trusted)).isEqualTo("lb-4711");
            assertThat(backend.lastHeaders.get("x-request-id")).containsExactly("lb-4711");
        }
    }
}
