package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS-only policies over real sockets, between curl and a real backend. */
class HttpsPoliciesTest {

    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningProxy proxy;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), "").replace("https:\n", """
                https:
                  response_headers: { X-Content-Type-Options: nosniff }
                  upgrade_insecure_requests: true
                """), dir);
        client = RunningProxy.client(certificate);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    private Command curl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "--http1.1", "-sk", "-i", "--max-time", "10"));
        command.addAll(List.of(args));
        return Command.run(command);
    }

    private String respond(int status, String... headers) {
        StringBuilder path = new StringBuilder("/respond?status=" + status);
        for (String header : headers) {
            path.append("&h=").append(URLEncoder.encode(header, StandardCharsets.UTF_8));
        }
        return proxy.https(path.toString()).toString();
    }

    @Test
    void theBackendSeesHttpsAndTheRealClientAndNothingSpoofed() {
        String seen = curl("-H", "X-Forwarded-For: 6.6.6.6", "-H", "X_Forwarded_For: 7.7.7.7",
                "-H", "X-Forwarded-Proto: http", "-H", "X-Forwarded-Host: evil.example", "-H", "X-Real-IP: 8.8.8.8",
                "-H", "Forwarded: for=9.9.9.9", "-H", "Front-End-Https: off", "-H", "Connection: X-Forwarded-Proto",
                proxy.https("/echo").toString()).output();

        assertThat(seen).contains("X-forwarded-for: 127.0.0.1\n", "X-forwarded-proto: https\n",
                "X-forwarded-host: localhost:" + proxy.httpsPort() + "\n", "X-forwarded-port: " + proxy.httpsPort() + "\n");
        assertThat(seen).doesNotContain("6.6.6.6", "7.7.7.7", "evil.example", "8.8.8.8", "9.9.9.9", "Front-end-https");
    }

    @Test
    void hstsIsOnEveryHttpsResponseExactlyOnce() throws Exception {
        for (String url : List.of(proxy.https("/echo").toString(), proxy.https("/status?code=404").toString(),
                respond(302, "Location: /elsewhere"), respond(304),
                respond(200, "Strict-Transport-Security: max-age=10"))) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    BodyHandlers.ofString());
            assertThat(response.headers().allValues("strict-transport-security")).as(url).containsExactly("max-age=63072000");
        }
    }

    @Test
    void hstsIsOnTheProxysOwnErrors() throws Exception {
        try (RunningProxy noBackend = RunningProxy.start(RunningProxy.yaml(
                TestCertificate.create(dir.resolve("other"), "localhost", "127.0.0.1"), "http://127.0.0.1:9", ""), dir)) {
            assertThat(curl(noBackend.https("/").toString()).output()).startsWith("HTTP/1.1 502")
                    .contains("strict-transport-security: max-age=63072000");
        }
    }

    @Test
    void cookiesArriveSecureAndSeparate() {
        String response = curl(respond(200, "Set-Cookie: sessionid=abc; Path=/; HttpOnly",
                "Set-Cookie: csrftoken=xyz; expires=Wed, 24 Nov 2027 01:00:00 GMT; Path=/",
                "Set-Cookie: done=1; Secure")).output();

        assertThat(response).contains("set-cookie: sessionid=abc; Path=/; HttpOnly; Secure\r\n",
                "set-cookie: csrftoken=xyz; expires=Wed, 24 Nov 2027 01:00:00 GMT; Path=/; Secure\r\n",
                "set-cookie: done=1; Secure\r\n");
    }

    @Test
    void theAppsHttpRedirectsToItselfBecomeHttps() {
        assertThat(curl(respond(302, "Location: http://localhost:" + proxy.httpsPort() + "/next?a=1")).output())
                .contains("location: https://localhost:" + proxy.httpsPort() + "/next?a=1\r\n");
        assertThat(curl(respond(302, "Location: http://localhost/next")).output())
                .contains("location: https://localhost:" + proxy.httpsPort() + "/next\r\n");
        // The app building URLs from its own listening address.
        assertThat(curl(respond(301, "Location: " + backend.url() + "/home")).output())
                .contains("location: https://localhost:" + proxy.httpsPort() + "/home\r\n");
        assertThat(curl(respond(302, "Location: http://other.example/x")).output())
                .containsIgnoringCase("location: http://other.example/x\r\n");
    }

    @Test
    void extraHeadersAndCspUpgradeAreAdded() {
        String response = curl(respond(200, "Content-Security-Policy: default-src 'self'")).output();
        assertThat(response).contains("X-Content-Type-Options: nosniff\r\n")
                .contains("content-security-policy: default-src 'self'; upgrade-insecure-requests\r\n");
    }

    @Test
    void plainHttpHasNoHstsAndSetsNoCookies() {
        String response = Command.run("curl", "--http1.1", "-s", "-i", "--max-time", "10", proxy.http("/respond").toString()).output();
        assertThat(response).startsWith("HTTP/1.1 301").doesNotContainIgnoringCase("strict-transport-security")
                .doesNotContainIgnoringCase("set-cookie");
    }
}
