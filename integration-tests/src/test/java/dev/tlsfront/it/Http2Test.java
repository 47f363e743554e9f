package dev.tlsfront.it;

import static dev.tlsfront.it.RawH2Client.CONTINUATION;
import static dev.tlsfront.it.RawH2Client.END_HEADERS;
import static dev.tlsfront.it.RawH2Client.END_STREAM;
import static dev.tlsfront.it.RawH2Client.HEADERS;
import static dev.tlsfront.it.RawH2Client.RST_STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/2 to clients on the TLS listener, HTTP/1.1 to the app, with every policy applied. */
class Http2Test {

    @TempDir
    Path dir;

    private TestCertificate certificate;

    private RunningProxy proxy(String backendUrl, String extra) throws Exception {
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        return RunningProxy.start(RunningProxy.yaml(certificate, backendUrl, extra), dir);
    }

    private HttpClient h2Client() {
        return HttpClient.newBuilder().sslContext(certificate.trustingContext()).version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void browsersGetH2AndTheAppGetsHttp11() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxy(backend.url(), "")) {
            HttpResponse<String> response = h2Client().send(HttpRequest.newBuilder(proxy.https("/echo?a=1")).build(),
                    BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("GET /echo?a=1\n")
                    .contains("Host: localhost:" + proxy.httpsPort() + "\n", "X-forwarded-proto: https\n")
                    .doesNotContainIgnoringCase("x-http2");
            assertThat(Command.run("curl", "--http2", "-sk", "-i", "--max-time", "10", proxy.https("/echo").toString())
                    .output()).startsWith("HTTP/2 200");
        }
    }

    /** The same request from curl over HTTP/1.1 and over HTTP/2, as the app receives it: the same fields. */
    @Test
    void theAppCannotTellWhichProtocolTheBrowserUsed() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "")) {
            String url = proxy.https("/page?q=1").toString();
            Command.run("curl", "--http1.1", "-sk", "--max-time", "10", "-H", "Cookie: a=1; b=2",
                    "-H", "Accept-Language: fr", url);
            String overHttp11 = backend.received();
            backend.reset();
            // Over HTTP/2 a client may split cookies into several fields (RFC 9113 §8.2.3).
            Command.run("curl", "--http2", "-sk", "--max-time", "10", "-H", "cookie: a=1", "-H", "cookie: b=2",
                    "-H", "accept-language: fr", url);
            String overH2 = backend.received();

            assertThat(overH2).startsWith("GET /page?q=1 HTTP/1.1\r\n");
            // Every field alike but the request's own ID, which each request has.
            assertThat(fields(overH2).stream().map(f -> f.replaceFirst("^(x-request-id: ).*", "$1ID")).toList())
                    .isEqualTo(fields(overHttp11).stream().map(f -> f.replaceFirst("^(x-request-id: ).*", "$1ID")).toList())
                    .contains("cookie: a=1; b=2", "x-request-id: ID");
        }
    }

    /** The request's header fields, names lower-cased (HTTP/2 sends them so), in a stable order. */
    private static List<String> fields(String request) {
        String head = request.substring(0, request.indexOf("\r\n\r\n"));
        return Arrays.stream(head.split("\r\n")).skip(1).map(line -> {
            int colon = line.indexOf(':');
            return line.substring(0, colon).toLowerCase(Locale.ROOT) + line.substring(colon);
        }).sorted().toList();
    }

    @Test
    void everyPolicyAppliesOverH2() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxy(backend.url(), "")) {
            HttpResponse<String> response = h2Client().send(HttpRequest.newBuilder(proxy.https(
                    "/respond?status=302&h=Location:http://localhost/next&h=Set-Cookie:sid=1;%20Path=/"
                            + "&h=Strict-Transport-Security:max-age=5")).build(), BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.headers().allValues("location")).containsExactly("https://localhost:" + proxy.httpsPort() + "/next");
            assertThat(response.headers().allValues("set-cookie")).containsExactly("sid=1; Path=/; Secure");
            assertThat(response.headers().allValues("strict-transport-security")).containsExactly("max-age=63072000");

            HttpResponse<String> badGateway;
            try (RunningProxy nowhere = proxy("http://127.0.0.1:9", "")) {
                badGateway = h2Client().send(HttpRequest.newBuilder(nowhere.https("/")).build(), BodyHandlers.ofString());
            }
            assertThat(badGateway.statusCode()).isEqualTo(502);
            assertThat(badGateway.headers().allValues("strict-transport-security")).containsExactly("max-age=63072000");
        }
    }

    @Test
    void concurrentStreamsWithLargeBodiesBothWaysArriveIntactOnOneConnection() throws Exception {
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = proxy(backend.url(), "admin: { listen: \"127.0.0.1:0\" }\n")) {
            HttpClient client = h2Client();
            // One request first: the JDK client opens a connection per request until its first h2 one is up.
            client.send(HttpRequest.newBuilder(proxy.https("/echo")).build(), BodyHandlers.discarding());
            long size = 3 * 1024 * 1024 + 17;
            List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
            List<CompletableFuture<HttpResponse<String>>> downloads = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                uploads.add(client.sendAsync(HttpRequest.newBuilder(proxy.https("/sha256"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> Pattern.stream(size))).build(),
                        BodyHandlers.ofString()));
                downloads.add(client.sendAsync(HttpRequest.newBuilder(proxy.https("/bytes?n=" + size + (i % 2 == 0 ? "&chunked" : "")))
                        .build(), info -> HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(), in -> {
                            try {
                                return Pattern.digest(in);
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        })));
            }
            for (var upload : uploads) {
                HttpResponse<String> response = upload.get(60, TimeUnit.SECONDS);
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(response.body()).isEqualTo(size + " " + Pattern.sha256Of(size));
            }
            for (var download : downloads) {
                assertThat(download.get(60, TimeUnit.SECONDS).body()).isEqualTo(size + " " + Pattern.sha256Of(size));
            }
            int admin = proxy.server.adminAddress().orElseThrow().getPort();
            assertThat(Command.run("curl", "-s", "http://127.0.0.1:" + admin + "/metrics").output())
                    .containsPattern("tlsfront_tls_handshakes_total\\{[^}]+\\} 1.0")  // all 25 on one connection
                    .contains("tlsfront_requests_total{code=\"200\",listener=\"https\",method=\"POST\"} 12.0");
        }
    }

    /** curl (nghttp2), not the JDK 17 client, which fails every open stream on any GOAWAY (JDK-8335181). */
    @Test
    void drainSendsGoawayAndLetsTheOpenStreamFinish() throws Exception {
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxy(backend.url(), "")) {
            CompletableFuture<Command> slow = CompletableFuture.supplyAsync(() -> Command.run("curl", "--http2", "-sk",
                    "-i", "--max-time", "10", proxy.https("/sleep?ms=1500").toString()));
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (backend.clientPorts.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);  // until the request reached the app
            }
            assertThat(proxy.server.drain(Duration.ofSeconds(10))).isTrue();
            Command response = slow.get(10, TimeUnit.SECONDS);
            assertThat(response.exitCode()).isZero();
            assertThat(response.output()).startsWith("HTTP/2 200").endsWith("slept");
        }
    }

    @Test
    void connectionSpecificFieldsFromAClientAreRefusedAndNeverForwarded() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            String[][] forbidden = {{"connection", "keep-alive"}, {"transfer-encoding", "chunked"},
                {"upgrade", "websocket"}, {"keep-alive", "timeout=5"}, {"proxy-connection", "keep-alive"}, {"te", "gzip"}};
            int stream = 1;
            for (String[] field : forbidden) {
                h2.frame(HEADERS, END_HEADERS | END_STREAM, stream, RawH2Client.request("/" + field[0], field[0], field[1]));
                RawH2Client.Frame answer = h2.next();
                assertThat(answer.type()).as(field[0]).isEqualTo(RST_STREAM);
                assertThat(answer.stream()).isEqualTo(stream);
                assertThat(answer.errorCode()).as(field[0]).isEqualTo(RawH2Client.PROTOCOL_ERROR);
                stream += 2;
            }
            // "te: trailers" is the one TE value HTTP/2 allows; the request goes through.
            h2.frame(HEADERS, END_HEADERS | END_STREAM, stream, RawH2Client.request("/fine", "te", "trailers"));
            RawH2Client.Frame answer = h2.next();
            assertThat(answer.type()).isEqualTo(HEADERS);
            assertThat(backend.received()).startsWith("GET /fine HTTP/1.1\r\n").doesNotContain("keep-alive", "websocket", "gzip")
                    .doesNotContainIgnoringCase("\r\nte:");
            assertThat(backend.received().split("GET ", -1)).hasSize(2);
        }
    }

    @Test
    void settingsLimitConcurrentStreamsAndTheExcessIsRefused() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            for (int i = 0; i <= 100; i++) {  // 101 streams, each waiting for a body that never comes
                h2.frame(HEADERS, END_HEADERS, 2 * i + 1, RawH2Client.request("/upload", "content-length", "10"));
            }
            RawH2Client.Frame answer = h2.next();
            assertThat(h2.setting(0x3)).isEqualTo(100);  // SETTINGS_MAX_CONCURRENT_STREAMS
            assertThat(h2.setting(0x6)).isEqualTo(32 * 1024);  // SETTINGS_MAX_HEADER_LIST_SIZE = limits.max_header_block
            assertThat(answer.type()).isEqualTo(RST_STREAM);
            assertThat(answer.stream()).isEqualTo(201);
            assertThat(answer.errorCode()).isEqualTo(RawH2Client.REFUSED_STREAM);
        }
    }

    @Test
    void rapidResetClosesTheConnection() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            RawH2Client.Frame goAway = h2.floodAwaitingGoAway(() -> {
                for (int i = 0; i < 1000; i++) {
                    h2.frame(HEADERS, END_HEADERS | END_STREAM, 2 * i + 1, RawH2Client.request("/r" + i));
                    h2.frame(RST_STREAM, 0, 2 * i + 1, RawH2Client.errorCode(RawH2Client.CANCEL));
                }
            });
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(RawH2Client.ENHANCE_YOUR_CALM);
        }
    }

    @Test
    void madeYouResetClosesTheConnection() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            // Each request is malformed, so the server resets it: the client makes the server send the resets.
            RawH2Client.Frame goAway = h2.floodAwaitingGoAway(() -> {
                for (int i = 0; i < 1000; i++) {
                    h2.frame(HEADERS, END_HEADERS | END_STREAM, 2 * i + 1, RawH2Client.request("/m", "connection", "x"));
                }
            });
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(RawH2Client.ENHANCE_YOUR_CALM);
            assertThat(backend.received()).isEmpty();
        }
    }

    @Test
    void continuationFloodClosesTheConnection() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            // One header block in a HEADERS frame and then CONTINUATION frames of one byte each.
            byte[] block = RawH2Client.request("/", "x-long", "v".repeat(1000));
            RawH2Client.Frame goAway = h2.floodAwaitingGoAway(() -> {
                h2.frame(HEADERS, END_STREAM, 1, Arrays.copyOfRange(block, 0, 40));
                for (int i = 40; i < block.length - 1; i++) {
                    h2.frame(CONTINUATION, 0, 1, new byte[] {block[i]});
                }
            });
            assertThat(goAway).isNotNull();
            assertThat(backend.received()).isEmpty();
        }
    }

    @Test
    void aHeaderListOverTheLimitGets431() throws Exception {
        try (RecordingBackend backend = new RecordingBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            byte[] block = RawH2Client.request("/", "x-big", "v".repeat(12_000), "x-big2", "v".repeat(12_000),
                    "x-big3", "v".repeat(12_000));
            h2.frame(HEADERS, 0, 1, Arrays.copyOfRange(block, 0, 16_000));
            h2.frame(CONTINUATION, 0, 1, Arrays.copyOfRange(block, 16_000, 32_000));
            h2.frame(CONTINUATION, END_HEADERS, 1, Arrays.copyOfRange(block, 32_000, block.length));
            RawH2Client.Frame answer = h2.next();
            assertThat(answer.type()).isEqualTo(HEADERS);
            assertThat(new String(answer.payload(), java.nio.charset.StandardCharsets.ISO_8859_1)).contains("431");
            assertThat(backend.received()).isEmpty();
        }
    }

    /** limits.max_header_fields and max_request_line hold over HTTP/2 as over HTTP/1.1: 431 and 414, nothing forwarded. */
    @Test
    void tooManyHeaderFieldsOrTooLongATargetGetTheSameAnswerAsOverHttp11() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
                RunningProxy proxy = proxy(backend.url(), "limits: { max_header_fields: 20, max_request_line: 200 }\n")) {
            List<String> fields = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fields.addAll(List.of("-H", "x-field-" + i + ": " + i));
            }
            for (String version : List.of("--http2", "--http1.1")) {
                List<String> many = new java.util.ArrayList<>(List.of("curl", version, "-sk", "-o", "/dev/null", "-w",
                        "%{http_version} %{http_code}", "--max-time", "10"));
                many.addAll(fields);
                many.add(proxy.https("/many").toString());
                assertThat(Command.run(many.toArray(String[]::new)).output()).as(version).endsWith(" 431");
                assertThat(Command.run("curl", version, "-sk", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                        "--max-time", "10", proxy.https("/" + "a".repeat(200)).toString()).output()).as(version).endsWith(" 414");
            }
            // Just under both limits: forwarded.
            assertThat(Command.run("curl", "--http2", "-sk", "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                    "--max-time", "10", proxy.https("/" + "a".repeat(150)).toString()).output()).isEqualTo("2 200");
            assertThat(backend.received()).doesNotContain("/many", "a".repeat(200)).contains("a".repeat(150));
        }
    }

    @Test
    void aStalledRequestBodyEndsItsStreamAfterTheBodyTimeout() throws Exception {
        try (RecordingBackend backend = new RecordingBackend();
                RunningProxy proxy = proxy(backend.url(), "limits: { body_timeout: 1s }\n");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            // A declared length: the head is forwarded at once and the body streams, until it stalls.
            h2.frame(HEADERS, END_HEADERS, 1, RawH2Client.requestWith("POST", "/upload", "content-length", "10"));
            h2.frame(RawH2Client.DATA, 0, 1, "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            RawH2Client.Frame answer = h2.next();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(answer.type()).isEqualTo(RST_STREAM);
            assertThat(answer.stream()).isEqualTo(1);
            assertThat(tookMillis).isBetween(800L, 5000L);
            // The connection lives on: the next stream is served.
            h2.frame(HEADERS, END_HEADERS | END_STREAM, 3, RawH2Client.request("/after"));
            RawH2Client.Frame next = h2.next();
            assertThat(next.type()).isEqualTo(HEADERS);
            assertThat(next.stream()).isEqualTo(3);
        }
    }

    /** HTTP/2 flow control reaches the app: a client that grants no window beyond the first 64 KiB stalls it. */
    @Test
    void aClientThatGrantsNoWindowStallsTheApp() throws Exception {
        long size = 256L << 20;
        try (TestBackend backend = new TestBackend(); RunningProxy proxy = proxy(backend.url(), "");
                RawH2Client h2 = new RawH2Client(certificate.trustingContext(), proxy.httpsPort())) {
            h2.frame(HEADERS, END_HEADERS | END_STREAM, 1, RawH2Client.request("/bytes?n=" + size));

            long stalledAt = backend.awaitStalled(Duration.ofSeconds(30));
            System.out.printf("h2 stalled client: the app stalled after %d KiB of %d MiB%n", stalledAt >> 10, size >> 20);
            assertThat(stalledAt).as("bytes the app could send").isLessThan(32L << 20);

            // Window granted: the app goes on.
            byte[] more = java.nio.ByteBuffer.allocate(4).putInt(64 << 20).array();
            h2.frame(RawH2Client.WINDOW_UPDATE, 0, 0, more);
            h2.frame(RawH2Client.WINDOW_UPDATE, 0, 1, more);
            long received = 0;
            while (received < (32L << 20)) {
                RawH2Client.Frame frame = h2.next();
                assertThat(frame).isNotNull();
                if (frame.type() == RawH2Client.DATA) {
                    received += frame.payload().length;
                }
            }
            assertThat(backend.bytesSent.get()).isGreaterThan(stalledAt + (16L << 20));
        }
    }
}
