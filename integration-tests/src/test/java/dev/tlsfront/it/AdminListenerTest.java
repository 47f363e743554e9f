package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.cli.TlsfrontCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin listener: the health endpoint, as a load balancer or Docker's HEALTHCHECK would ask it,
 * and the Prometheus metrics, as a scraper would read them.
 */
class AdminListenerTest {

    @TempDir
    Path dir;

    private RunningProxy proxyInFrontOf(String backendUrl) throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        return RunningProxy.start(RunningProxy.yaml(certificate, backendUrl, "admin: { listen: \"127.0.0.1:0\" }\n"), dir);
    }

    private static Command get(RunningProxy proxy, String path) {
        int port = proxy.server.adminAddress().orElseThrow().getPort();
        return Command.run("curl", "-s", "-i", "--max-time", "10", "http://127.0.0.1:" + port + path);
    }

    /** {@code tlsfront health --url ...}, the image's HEALTHCHECK; returns its exit code and output. */
    private static String[] healthCommand(String url) {
        StringWriter out = new StringWriter();
        int code = TlsfrontCommand.commandLine(new PrintWriter(out, true), new PrintWriter(out, true))
                .execute("health", "--url", url, "--timeout", "5");
        return new String[] {Integer.toString(code), out.toString()};
    }

    private static String healthUrl(RunningProxy proxy) {
        return "http://127.0.0.1:" + proxy.server.adminAddress().orElseThrow().getPort() + "/healthz";
    }

    @Test
    void healthyWhenTheBackendAcceptsConnections() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxyInFrontOf(backend.url())) {
            assertThat(get(proxy, "/healthz").output()).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");
            assertThat(get(proxy, "/other").output()).startsWith("HTTP/1.1 404");
            Command post = Command.run("curl", "-s", "-i", "--max-time", "10", "-X", "POST", healthUrl(proxy));
            assertThat(post.output()).startsWith("HTTP/1.1 405 Method Not Allowed").containsIgnoringCase("allow: GET, HEAD");
            assertThat(healthCommand(healthUrl(proxy))).containsExactly("0", healthUrl(proxy) + ": 200 ok\n");
        }
    }

    @Test
    void unhealthyWithTheReasonWhenTheBackendIsDown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RunningProxy proxy = proxyInFrontOf("http://127.0.0.1:" + closedPort)) {
            assertThat(get(proxy, "/healthz").output()).startsWith("HTTP/1.1 503 Service Unavailable")
                    .endsWith("\r\n\r\nbackend http://127.0.0.1:" + closedPort + " unreachable: connection refused\n");
            String[] health = healthCommand(healthUrl(proxy));
            assertThat(health[0]).isEqualTo("1");
            assertThat(health[1]).startsWith(healthUrl(proxy) + ": 503 ").contains("unreachable");
        }
    }

    @Test
    void healthCommandIsUnhealthyWhenNothingAnswers() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String[] health = healthCommand("http://127.0.0.1:" + closedPort + "/healthz");
        assertThat(health[0]).isEqualTo("1");
        assertThat(health[1]).isEqualTo("http://127.0.0.1:" + closedPort + "/healthz: connection refused\n");
    }

    @Test
    void noAdminListenerUnlessConfigured() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(
                TestCertificate.create(dir, "localhost", "127.0.0.1"), backend.url(), ""), dir)) {
            assertThat(proxy.server.adminAddress()).isEmpty();
        }
    }

    @Test
    void metricsCountWhatPassedThroughInThePrometheusFormat() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxyInFrontOf(backend.url())) {
            String https = "https://localhost:" + proxy.server.httpsAddress().getPort();
            String http = "http://localhost:" + proxy.server.httpAddress().getPort();
            Command.run("curl", "-sk", "--max-time", "10", https + "/echo", https + "/echo", https + "/status?code=404");
            Command.run("curl", "-sk", "--max-time", "10", "-X", "POST", https
                    + "/respond?status=302&h=Location:http://localhost/next&h=Set-Cookie:a=1&h=Set-Cookie:b=2");
            Command.run("curl", "-s", "--max-time", "10", http + "/x");
            Command.run("curl", "-sk", "--max-time", "10", "--tls-max", "1.2", https + "/echo");

            Command scrape = get(proxy, "/metrics");
            assertThat(scrape.output()).startsWith("HTTP/1.1 200 OK")
                    .containsIgnoringCase("content-type: text/plain; version=0.0.4; charset=utf-8");
            String metrics = scrape.output();
            assertThat(RunningProxy.sample(metrics, "tlsfront_requests_total{code=\"200\",listener=\"https\",method=\"GET\"}")).isEqualTo(3);
            assertThat(RunningProxy.sample(metrics, "tlsfront_requests_total{code=\"404\",listener=\"https\",method=\"GET\"}")).isEqualTo(1);
            assertThat(RunningProxy.sample(metrics, "tlsfront_requests_total{code=\"302\",listener=\"https\",method=\"POST\"}")).isEqualTo(1);
            assertThat(RunningProxy.sample(metrics, "tlsfront_requests_total{code=\"301\",listener=\"http\",method=\"GET\"}")).isEqualTo(1);
            assertThat(RunningProxy.sample(metrics, "tlsfront_redirects_total{code=\"301\"}")).isEqualTo(1);
            assertThat(RunningProxy.sample(metrics, "tlsfront_request_duration_seconds_count{listener=\"https\"}")).isEqualTo(5);
            assertThat(RunningProxy.sample(metrics, "tlsfront_cookies_rewritten_total")).isEqualTo(2);
            assertThat(RunningProxy.sample(metrics, "tlsfront_locations_rewritten_total")).isEqualTo(1);
            assertThat(RunningProxy.sample(metrics, "tlsfront_tls_handshakes_total{cipher=\"TLS_AES_256_GCM_SHA384\",protocol=\"TLSv1.3\"}"))
                    .isEqualTo(2);
            assertThat(metrics).containsPattern(
                    "tlsfront_tls_handshakes_total\\{cipher=\"TLS_ECDHE_ECDSA_WITH_\\w+\",protocol=\"TLSv1.2\"} 1.0");
            assertThat(RunningProxy.sample(metrics, "tlsfront_open_connections{listener=\"https\"}")).isEqualTo(0);
            assertThat(metrics).containsPattern("tlsfront_certificate_expiry_timestamp_seconds\\{file=\"[^\"]+\",names=\"localhost,127.0.0.1\"} \\d\\.\\d+E9");
            assertThat(metrics).contains("jvm_memory_used_bytes")
                    .as("no series before its first request").doesNotContain("code=\"500\"")
                    .contains("tlsfront_config_last_reload_success_timestamp_seconds");

            // A failed handshake, and the backend failures by reason.
            Command.run("curl", "-sk", "--max-time", "10", "--tls-max", "1.1", https + "/echo");
            assertThat(RunningProxy.sample(get(proxy, "/metrics").output(), "tlsfront_tls_handshake_failures_total")).isEqualTo(1);
        }
        try (RunningProxy proxy = proxyInFrontOf("http://127.0.0.1:" + closedPort)) {
            Command.run("curl", "-sk", "--max-time", "10", "https://localhost:" + proxy.server.httpsAddress().getPort() + "/");
            String metrics = get(proxy, "/metrics").output();
            assertThat(RunningProxy.sample(metrics, "tlsfront_backend_failures_total{reason=\"connect\"}")).isEqualTo(1);
            assertThat(RunningProxy.sample(metrics, "tlsfront_backend_failures_total{reason=\"timeout\"}")).isEqualTo(0);
            assertThat(RunningProxy.sample(metrics, "tlsfront_requests_total{code=\"502\",listener=\"https\",method=\"GET\"}")).isEqualTo(1);
        }
    }

    @Test
    void metricsInOpenMetricsWhenAskedFor() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxyInFrontOf(backend.url())) {
            int port = proxy.server.adminAddress().orElseThrow().getPort();
            // A series exists once a request has been counted in it.
            Command.run("curl", "-sk", "--max-time", "10", "https://localhost:" + proxy.server.httpsAddress().getPort() + "/echo");
            Command scrape = Command.run("curl", "-s", "-i", "--max-time", "10", "-H",
                    "Accept: application/openmetrics-text; version=1.0.0", "http://127.0.0.1:" + port + "/metrics");
            assertThat(scrape.output()).containsIgnoringCase("content-type: application/openmetrics-text")
                    .contains("# TYPE tlsfront_requests counter").endsWith("# EOF\n");
        }
    }
}
