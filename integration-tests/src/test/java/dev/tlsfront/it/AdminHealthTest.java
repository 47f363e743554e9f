package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

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

    @Test
    void healthyWhenTheBackendAcceptsConnections() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxyInFrontOf(backend.url())) {
            assertThat(get(proxy, "/healthz").output()).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");
            assertThat(get(proxy, "/other").output()).startsWith("HTTP/1.1 404");
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
        }
    }

    @Test
    void noAdminListenerUnlessConfigured() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(
                TestCertificate.create(dir, "localhost"), backend.url(), ""), dir)) {
            assertThat(proxy.server.adminAddress()).isEmpty();
        }
    }
}
