package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests and responses through the proxy to a real backend, bodies streamed both ways. */
class ForwardingTest {

    private static final long SIZE = 64L << 20;

    @TempDir
    static Path dir;
    static TestBackend backend;
    static TestCertificate certificate;
    static RunningProxy proxy;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
        client = RunningProxy.client(certificate);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    @BeforeEach
    void clearBackend() {
        backend.clientPorts.clear();
    }

    @Test
    void requestReachesTheBackendWithItsHostAndPath() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/echo?q=1")).build(),
                BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("GET /echo?q=1\n")
                .contains("Host: localhost:" + proxy.httpsPort() + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "&chunked"})
    void largeDownloadArrivesIntact(String framing) throws Exception {
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(proxy.https("/bytes?n=" + SIZE + framing)).build(), BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            assertThat(Pattern.digest(body)).isEqualTo(SIZE + " " + Pattern.sha256Of(SIZE));
        }
    }

    @Test
    void largeUploadWithContentLengthArrivesIntact() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/sha256"))
                        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> Pattern.stream(SIZE)), SIZE))
                        .build(), BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo(SIZE + " " + Pattern.sha256Of(SIZE));
    }

    @Test
    void largeChunkedUploadArrivesIntact() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/sha256"))
                        .POST(BodyPublishers.ofInputStream(() -> Pattern.stream(SIZE))).build(), BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo(SIZE + " " + Pattern.sha256Of(SIZE));
    }

    @Test
    void keepAliveReusesTheBackendConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/echo")).build(),
                    BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
        }
        assertThat(backend.clientPorts).hasSize(5);
        assertThat(new HashSet<>(backend.clientPorts)).hasSize(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                .createSocket("127.0.0.1", proxy.httpsPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder requests = new StringBuilder();
            for (String path : new String[] {"/echo?1", "/bytes?n=100000", "/echo?3"}) {
                requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            requests.append("GET /echo?4 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(5);
            assertThat(all.indexOf("GET /echo?1")).isLessThan(all.indexOf("GET /echo?3"));
            assertThat(all.indexOf("GET /echo?3")).isLessThan(all.indexOf("GET /echo?4"));
            assertThat(all.toLowerCase().indexOf("content-length: 100000")).isBetween(all.indexOf("GET /echo?1"), all.indexOf("GET /echo?3"));
        }
    }

    @Test
    void headGetsHeadersWithoutABody() {
        Command result = Command.run("curl", "--http1.1", "-sk", "-I", "--max-time", "10", proxy.https("/echo").toString());
        assertThat(result.output()).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-type: text/plain");
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void bodilessStatusesKeepTheConnection(int code) {
        Command result = Command.run("curl", "--http1.1", "-sk", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\\n",
                "--max-time", "10", proxy.https("/status?code=" + code).toString(), proxy.https("/echo").toString());
        assertThat(result.output().lines()).containsExactly(code + " 1", "200 0");
    }

    @Test
    void expectContinueUploadIsAnsweredAndForwarded() {
        Command result = Command.run("curl", "--http1.1", "-sk", "-v", "--max-time", "10", "-H", "Expect: 100-continue",
                "--data-binary", "x".repeat(2048), proxy.https("/sha256").toString());
        assertThat(result.output()).contains("HTTP/1.1 100 Continue").contains("\n2048 ");
    }

    @Test
    void http10ClientGetsACompleteResponseAndTheConnectionCloses() {
        Command result = Command.run("curl", "--http1.1", "-sk", "-i", "--http1.0", "--max-time", "10",
                proxy.https("/bytes?n=5000&chunked").toString());
        assertThat(result.output()).startsWith("HTTP/1.1 200 OK").doesNotContainIgnoringCase("transfer-encoding");
        assertThat(result.output().length() - result.output().indexOf("\r\n\r\n") - 4).isEqualTo(5000);
    }
}
