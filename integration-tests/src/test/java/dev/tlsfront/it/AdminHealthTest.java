package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.cli.TlsfrontCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener's health endpoint, as a load balancer or Docker's HEALTHCHECK would ask it. */
class AdminHealthTest {

    @TempDir
    Path dir;

    private RunningProxy proxyInFrontOf(String backendUrl) throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost");
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
                    .contains("backend http://127.0.0.1:" + closedPort + " unreachable");
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
        assertThat(health[1]).contains("ConnectException");
    }

    @Test
    void noAdminListenerUnlessConfigured() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(
                TestCertificate.create(dir, "localhost"), backend.url(), ""), dir)) {
            assertThat(proxy.server.adminAddress()).isEmpty();
        }
    }
}
