package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing backend gives 502 or 504, or a closed connection: never a response that looks complete. */
class BackendFaultsTest {

    @TempDir
    static Path dir;
    static TestCertificate certificate;
    static HttpClient client;

    @BeforeAll
    static void certificate() {
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        client = RunningProxy.client(certificate);
    }

    private RunningProxy proxyInFrontOf(String url, String responseTimeout) throws Exception {
        return RunningProxy.start(RunningProxy.yaml(certificate, url, "").replace("response_timeout: 5s",
                "response_timeout: " + responseTimeout), dir);
    }

    @Test
    void backendRefusingConnectionsGives502() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();  // nothing listens here once closed
        }
        try (RunningProxy proxy = proxyInFrontOf("http://127.0.0.1:" + closedPort, "5s")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/")).build(),
                    BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(response.body()).isEqualTo("502 Bad Gateway\n");
            // The connection stays usable: the next request is answered too.
            assertThat(client.send(HttpRequest.newBuilder(proxy.https("/")).build(), BodyHandlers.ofString())
                    .statusCode()).isEqualTo(502);
        }
    }

    @Test
    void silentBackendGives504AfterTheResponseTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend silent = new RawBackend(socket -> {
                    RawBackend.readHead(socket);
                    release.await(30, TimeUnit.SECONDS);
                });
                RunningProxy proxy = proxyInFrontOf(silent.url(), "700ms")) {
            long start = System.nanoTime();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/slow")).build(),
                    BodyHandlers.ofString());
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(504);
            assertThat(elapsedMs).isGreaterThanOrEqualTo(700);
        } finally {
            release.countDown();
        }
    }

    /** A backend whose first connection answers once, then closes as the next request arrives. */
    private static RawBackend closingAfterFirstAnswer() throws Exception {
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        return new RawBackend(socket -> {
            boolean first = connections.incrementAndGet() == 1;
            var out = socket.getOutputStream();
            String head = RawBackend.readHead(socket);
            int length = head.toLowerCase().contains("content-length: ")
                    ? Integer.parseInt(head.toLowerCase().replaceAll("(?s).*content-length: (\\d+).*", "$1")) : 0;
            socket.getInputStream().readNBytes(length);
            String body = first ? "first" : "fresh";
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (first) {
                RawBackend.readHead(socket);  // the keep-alive race: the request arrives as the app closes
            } else {
                socket.getInputStream().read();
            }
        });
    }

    @Test
    void idempotentRequestOnAStalePooledConnectionIsRetriedOnce() throws Exception {
        try (RawBackend backend = closingAfterFirstAnswer(); RunningProxy proxy = proxyInFrontOf(backend.url(), "5s")) {
            assertThat(client.send(HttpRequest.newBuilder(proxy.https("/a")).build(), BodyHandlers.ofString()).body())
                    .isEqualTo("first");
            HttpResponse<String> second = client.send(HttpRequest.newBuilder(proxy.https("/b")).build(),
                    BodyHandlers.ofString());
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("fresh");
        }
    }

    @Test
    void postOnAStalePooledConnectionIsNeverRetried() throws Exception {
        try (RawBackend backend = closingAfterFirstAnswer(); RunningProxy proxy = proxyInFrontOf(backend.url(), "5s")) {
            assertThat(client.send(HttpRequest.newBuilder(proxy.https("/a")).build(), BodyHandlers.ofString()).body())
                    .isEqualTo("first");
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(proxy.https("/pay"))
                    .POST(HttpRequest.BodyPublishers.ofString("amount=10")).build(), BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(502);
        }
    }

    @Test
    void backendClosingWithoutAnswerGives502() throws Exception {
        try (RawBackend rude = new RawBackend(RawBackend::readHead);
                RunningProxy proxy = proxyInFrontOf(rude.url(), "5s")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/")).build(),
                    BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(502);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "Content-Length: 2\r\nContent-Length: 3\r\n",
        "Content-Length: 2\r\nContent-Length: 2\r\n",
        "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: -2\r\n",
        "Content-Length: 2x\r\n"})
    void responseWithAmbiguousFramingGives502(String framing) throws Exception {
        try (RawBackend ambiguous = new RawBackend(socket -> {
                    RawBackend.readHead(socket);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\n" + framing + "\r\nok\r\n0\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    socket.getInputStream().read();
                });
                RunningProxy proxy = proxyInFrontOf(ambiguous.url(), "5s")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/")).build(),
                    BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(502);
        }
    }

    @Test
    void backendDyingMidBodyClosesTheClientConnection() throws Exception {
        try (RawBackend dying = new RawBackend(socket -> {
                    RawBackend.readHead(socket);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n" + "x".repeat(5000))
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                });
                RunningProxy proxy = proxyInFrontOf(dying.url(), "5s")) {
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(proxy.https("/")).build(),
                    BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void backendDyingMidChunkedBodyClosesTheClientConnectionWithoutTheLastChunk() throws Exception {
        try (RawBackend dying = new RawBackend(socket -> {
                    RawBackend.readHead(socket);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                });
                RunningProxy proxy = proxyInFrontOf(dying.url(), "5s")) {
            Command curl = Command.run("curl", "--http1.1", "-sk", "--max-time", "10", proxy.https("/").toString());
            // curl exit 18: "transfer closed with outstanding read data remaining"
            assertThat(curl.exitCode()).isEqualTo(18);
            assertThat(curl.output()).isEqualTo("hello");
        }
    }
}
