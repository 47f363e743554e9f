package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plaintext listener over real sockets with curl: it only redirects, to configured hosts only. */
class RedirectListenerTest {

    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    private Command curl(String... args) {
        var command = new java.util.ArrayList<>(java.util.List.of("curl", "-s", "-i", "--max-time", "10"));
        command.addAll(java.util.List.of(args));
        return Command.run(command);
    }

    @Test
    void getIsRedirectedWithPathAndQueryKept() {
        String response = curl("http://127.0.0.1:" + proxy.httpPort() + "/account/orders?page=2&sort=asc").output();

        assertThat(response).startsWith("HTTP/1.1 301 Moved Permanently")
                .containsIgnoringCase("location: https://127.0.0.1:" + proxy.httpsPort() + "/account/orders?page=2&sort=asc\r\n");
        assertThat(backend.clientPorts).isEmpty();
    }

    @Test
    void postIsRedirectedWith308SoTheMethodAndBodySurvive() {
        String response = curl("-X", "POST", "--data", "a=1", "http://localhost:" + proxy.httpPort() + "/form").output();

        assertThat(response).startsWith("HTTP/1.1 308 Permanent Redirect")
                .containsIgnoringCase("location: https://localhost:" + proxy.httpsPort() + "/form\r\n");
        assertThat(backend.clientPorts).isEmpty();
    }

    @Test
    void unknownHostIsRedirectedToTheCanonicalHost() {
        String response = curl("-H", "Host: evil.example", "http://127.0.0.1:" + proxy.httpPort() + "/x").output();

        assertThat(response).containsIgnoringCase("location: https://localhost:" + proxy.httpsPort() + "/x\r\n")
                .doesNotContain("evil");
    }

    @Test
    void invalidHostGets400() {
        assertThat(curl("-H", "Host: a@evil.example", "http://127.0.0.1:" + proxy.httpPort() + "/").output())
                .startsWith("HTTP/1.1 400 Bad Request");
    }

    @Test
    void noHstsOverPlainHttp() {
        assertThat(curl("http://localhost:" + proxy.httpPort() + "/").output())
                .doesNotContainIgnoringCase("strict-transport-security");
    }

    @Test
    void keepAliveConnectionServesSeveralRedirects() {
        Command result = Command.run("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\\n",
                "http://localhost:" + proxy.httpPort() + "/a", "http://localhost:" + proxy.httpPort() + "/b");
        assertThat(result.output().lines()).containsExactly("301 1", "301 0");
    }

    /** The body is never read, but the client may finish sending it and still read the redirect (lingering close). */
    @Test
    void aPostWithALargeBodyStillGetsItsRedirect() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.httpPort())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4194304\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) {
                out.write(block);
            }
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 308 Permanent Redirect\r\n")
                    .containsIgnoringCase("location: https://localhost:" + proxy.httpsPort() + "/upload\r\n");
        }
    }
}
