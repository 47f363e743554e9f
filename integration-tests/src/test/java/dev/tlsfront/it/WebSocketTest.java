package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket through tlsfront: the JDK's WebSocket client over TLS to a real WebSocket server (Netty's
 * codec) behind it.
 */
class WebSocketTest {

    @TempDir
    Path dir;

    /**
     * Collects whole messages (text as strings, binary as their sizes) and the close; without
     * {@code autoRequest} it stops asking for more after the first whole binary message.
     */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private long binary;
        final boolean autoRequest;

        Collector(boolean autoRequest) {
            this.autoRequest = autoRequest;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            if (autoRequest) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            binary += data.remaining();
            if (last) {
                messages.add(binary);
                binary = 0;
            }
            if (autoRequest || !last) {
                webSocket.request(1);  // the rest of a message always; the next one only when reading on
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }

        Object next() throws InterruptedException {
            Object message = messages.poll(20, TimeUnit.SECONDS);
            assertThat(message).as("a message within 20 s").isNotNull();
            return message;
        }
    }

    private RunningProxy proxy(String backendUrl, String extra) throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        return RunningProxy.start(RunningProxy.yaml(certificate, backendUrl, extra), dir);
    }

    private WebSocket open(RunningProxy proxy, TestCertificate certificate, String path, Collector collector)
            throws Exception {
        return RunningProxy.client(certificate).newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("wss://localhost:" + proxy.httpsPort() + path), collector)
                .get(20, TimeUnit.SECONDS);
    }

    @Test
    void messagesBothWaysIncludingALargeOneThenTheCloseHandshake() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (WebSocketBackend backend = new WebSocketBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir)) {
            Collector collector = new Collector(true);
            WebSocket ws = open(proxy, certificate, "/echo", collector);

            assertThat(collector.next()).isEqualTo("hello");  // sent by the app right after its 101
            ws.sendText("ping 1", true).get(10, TimeUnit.SECONDS);
            assertThat(collector.next()).isEqualTo("ping 1");
            String large = "x".repeat(4 * 1024 * 1024 - 7) + "the end";
            ws.sendText(large, true).get(20, TimeUnit.SECONDS);
            assertThat(collector.next()).isEqualTo(large);
            ws.sendBinary(ByteBuffer.wrap(new byte[300_000]), true).get(10, TimeUnit.SECONDS);
            assertThat(collector.next()).isEqualTo(300_000L);

            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            assertThat(collector.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 bye");
        }
    }

    /** An app on a Unix socket (backend.url: unix:/PATH): plain requests and WebSocket both. */
    @Test
    void aBackendOnAUnixSocketServesRequestsAndWebSockets() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (WebSocketBackend backend = new WebSocketBackend(dir.resolve("ws.sock"));
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir)) {
            assertThat(backend.url()).startsWith("unix:/");
            var hello = RunningProxy.client(certificate).send(java.net.http.HttpRequest.newBuilder(proxy.https("/hello"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello");

            Collector collector = new Collector(true);
            WebSocket ws = open(proxy, certificate, "/echo", collector);
            assertThat(collector.next()).isEqualTo("hello");
            ws.sendText("over a unix socket", true).get(10, TimeUnit.SECONDS);
            assertThat(collector.next()).isEqualTo("over a unix socket");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            assertThat(collector.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1000 bye");
        }
    }

    @Test
    void theAppSeesTheUpgradeWithForwardingHeadersAndTheAccessLogHasA101() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (WebSocketBackend backend = new WebSocketBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                        "admin: { listen: \"127.0.0.1:0\" }\n"), dir)) {
            Collector collector = new Collector(true);
            WebSocket ws = open(proxy, certificate, "/echo", collector);
            assertThat(collector.next()).isEqualTo("hello");

            String handshake = backend.handshakes.peek();
            assertThat(handshake).startsWith("GET /echo\n")
                    .containsIgnoringCase("upgrade: websocket").containsIgnoringCase("connection: upgrade")
                    .containsIgnoringCase("sec-websocket-key: ").containsIgnoringCase("sec-websocket-version: 13")
                    .containsIgnoringCase("x-forwarded-proto: https");
            int admin = proxy.server.adminAddress().orElseThrow().getPort();
            assertThat(Command.run("curl", "--http1.1", "-s", "http://127.0.0.1:" + admin + "/metrics").output())
                    .contains("tlsfront_requests_total{code=\"101\",listener=\"https\",method=\"GET\"} 1.0")
                    .contains("tlsfront_open_connections{listener=\"https\"} 1.0");
            ws.abort();
        }
    }

    @Test
    void anUpgradeTheAppRefusesIsAnOrdinaryResponse() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (WebSocketBackend backend = new WebSocketBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir)) {
            assertThatThrownBy(() -> open(proxy, certificate, "/not-a-socket", new Collector(true)))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));

            // The connection stays HTTP: the next request on it is an ordinary one.
            Command curl = Command.run("curl", "--http1.1", "-sk", "-i", "--max-time", "10",
                    "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13",
                    "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "https://localhost:" + proxy.httpsPort() + "/nope", "https://localhost:" + proxy.httpsPort() + "/nope");
            assertThat(curl.output().split("HTTP/1.1 403", -1)).hasSize(3);
        }
    }

    @Test
    void otherUpgradesAreNotPassedOn() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "")) {
            Command curl = Command.run("curl", "--http1.1", "-sk", "-i", "--max-time", "10",
                    "-H", "Connection: Upgrade, HTTP2-Settings", "-H", "Upgrade: h2c", "-H", "HTTP2-Settings: AAMAAABkAAQAAP__",
                    "https://localhost:" + proxy.httpsPort() + "/");
            assertThat(curl.output()).startsWith("HTTP/1.1 200");
            assertThat(backend.received()).doesNotContainIgnoringCase("upgrade").doesNotContainIgnoringCase("http2-settings")
                    .doesNotContainIgnoringCase("connection: upgrade");
        }
    }

    @Test
    void aClientThatStopsReadingHoldsBackTheApp() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (WebSocketBackend backend = new WebSocketBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir)) {
            Collector collector = new Collector(false);  // takes one message, then asks for no more
            WebSocket ws = open(proxy, certificate, "/flood", collector);
            assertThat(collector.next()).isEqualTo((long) WebSocketBackend.FLOOD_MESSAGE);

            long settled = TestBackend.awaitStalled(backend.floodBytesWritten::get, Duration.ofSeconds(20));
            // Socket buffers on both sides and the proxy's own: a few MiB, not the unbounded stream.
            assertThat(settled).isLessThan(32L * 1024 * 1024);
            ws.request(Long.MAX_VALUE);  // reading again lets the app go on
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (backend.floodBytesWritten.get() < settled + 16L * 1024 * 1024 && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(backend.floodBytesWritten.get()).isGreaterThanOrEqualTo(settled + 16L * 1024 * 1024);
            ws.abort();
        }
    }

    @Test
    void anIdleWebSocketIsClosedAfterTheIdleTimeout() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (WebSocketBackend backend = new WebSocketBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                        "limits: { websocket_idle_timeout: 1s }\n"), dir)) {
            Collector collector = new Collector(true);
            WebSocket ws = open(proxy, certificate, "/echo", collector);
            assertThat(collector.next()).isEqualTo("hello");
            long start = System.nanoTime();

            String closed = collector.closed.get(20, TimeUnit.SECONDS);

            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closed).satisfiesAnyOf(c -> assertThat(c).startsWith("1006"), c -> assertThat(c).startsWith("error"));
            assertThat(tookMillis).isBetween(800L, 5000L);
            assertThat(ws.isInputClosed()).isTrue();
        }
    }
}
