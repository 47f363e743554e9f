package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a client or an app sends makes tlsfront write a response whose framing disagrees with its
 * body. Random sequences of requests (each request framing the client may use) and app responses
 * (valid, ambiguous and broken framing) on keep-alive connections, every response read by a strict
 * client byte for byte, and the connection checked still in step after each one. The seed is in
 * every message; {@code -Dframing.seed=N} replays a run.
 */
class FramingPropertyTest {

    private static final String BODY = "hello world";
    private static final int CONNECTIONS = 120;

    @TempDir
    static Path dir;
    static RawBackend backend;
    static RunningProxy proxy;
    static TestCertificate certificate;
    /** What the app received, one request head per entry, for the request-side checks. */
    static final Queue<String> received = new ConcurrentLinkedQueue<>();

    /** How the app answers; the request path names it. */
    enum AppResponse {
        LENGTH(Expect.BODY, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n" + BODY),
        CHUNKED(Expect.BODY, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
        CHUNKED_EXTENSIONS_AND_TRAILER(Expect.BODY, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n"
                + "5;a=\"x;y\"\r\nhello\r\n6 ; b\r\n world\r\n0\r\nX-T: 1\r\n\r\n"),
        CLOSE_DELIMITED(Expect.BODY, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + BODY),
        HTTP10_CLOSE_DELIMITED(Expect.BODY, "HTTP/1.0 200 OK\r\n\r\n" + BODY),
        EARLY_HINTS_FIRST(Expect.BODY, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n" + BODY),
        EXTRA_BYTES_AFTER_LENGTH(Expect.BODY, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n" + BODY + "HTTP/1.1 200 OK\r\n\r\nsmuggled"),
        NO_CONTENT_WITH_BODY(Expect.NO_BODY, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"),
        NOT_MODIFIED_WITH_LENGTH(Expect.NO_BODY, "HTTP/1.1 304 Not Modified\r\nContent-Length: 11\r\n\r\n"),
        LENGTH_AND_CHUNKED(Expect.BODY_OR_502, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
        SAME_LENGTH_TWICE(Expect.BODY_OR_502, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Length: 11\r\n\r\n" + BODY),
        SAME_LENGTH_LISTED(Expect.BODY_OR_502, "HTTP/1.1 200 OK\r\nContent-Length: 11, 11\r\n\r\n" + BODY),
        CONFLICTING_LENGTHS(Expect.BAD_GATEWAY, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nContent-Length: 5\r\n\r\n" + BODY),
        INVALID_LENGTH(Expect.BAD_GATEWAY, "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n" + BODY),
        NEGATIVE_LENGTH(Expect.BAD_GATEWAY, "HTTP/1.1 200 OK\r\nContent-Length: -11\r\n\r\n" + BODY),
        SHORT_BODY_THEN_CLOSE(Expect.CUT, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + BODY),
        CHUNKED_CUT_SHORT(Expect.CUT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
        BAD_CHUNK_SIZE(Expect.CUT, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n world\r\n0\r\n\r\n"),
        CUT_INSIDE_HEAD(Expect.BAD_GATEWAY, "HTTP/1.1 200 OK\r\nContent-Len");

        final Expect expect;
        final String bytes;

        AppResponse(Expect expect, String bytes) {
            this.expect = expect;
            this.bytes = bytes;
        }

        /** Whether the app closes its connection after it: anything not framed by a length it can trust. */
        boolean closesAfter() {
            return this != LENGTH && this != CHUNKED && this != CHUNKED_EXTENSIONS_AND_TRAILER && this != EARLY_HINTS_FIRST
                    && this != NOT_MODIFIED_WITH_LENGTH;
        }
    }

    /** What the client must get. */
    enum Expect {
        /** The status and exactly the body. */
        BODY,
        /** The status and no body. */
        NO_BODY,
        /** The body, or a 502 (RFC 9112 §6.3 lets an intermediary refuse ambiguous framing). */
        BODY_OR_502,
        /** 502 (RFC 9112 §6.3: a proxy must not relay invalid framing). */
        BAD_GATEWAY,
        /** Never a response that looks complete: the connection is cut (or 502 before anything was sent). */
        CUT
    }

    /** How the client frames its request; each is valid and must reach the app as one well-framed request. */
    enum ClientRequest {
        GET("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        HEAD("HEAD %s HTTP/1.1\r\nHost: localhost\r\n\r\n"),
        POST_LENGTH("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nabcde"),
        POST_CHUNKED("POST %s HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"),
        POST_CHUNK_EXTENSIONS("POST %s HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=\"a \\\"b\\\";c\"\r\nabc\r\n2;y\r\nde\r\n0;z=1\r\nX-Trailer: t\r\n\r\n"),
        POST_LENGTH_WITH_LOOKALIKES("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent_Length: 99\r\n"
                + "Transfer_Encoding: chunked\r\n\r\nabcde"),
        MINOR_VERSION_ABOVE_ONE("GET %s HTTP/1.2\r\nHost: localhost\r\n\r\n");

        final String format;

        ClientRequest(String format) {
            this.format = format;
        }

        boolean hasBody() {
            return name().startsWith("POST");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new RawBackend(FramingPropertyTest::serve);
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        // The operator's extra headers (those that may be set) go on every response too.
        proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                "").replace("  certificates:", "  response_headers: { X-Frame-Options: DENY, Cache-Control: no-cache }\n  certificates:"), dir);
    }

    @AfterAll
    static void stop() throws IOException {
        proxy.close();
        backend.close();
    }

    /** The app: reads each request by its Content-Length (tlsfront forwards every body so), answers as the path says. */
    private static void serve(Socket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        while (true) {
            String head = readHead(in);
            if (head == null) {
                return;
            }
            received.add(head);
            String lengthField = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                    .findFirst().orElse("content-length: 0");
            in.readNBytes(Integer.parseInt(lengthField.substring(15).strip()));
            String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
            AppResponse response = AppResponse.valueOf(path.substring(1));
            String bytes = response.bytes;
            if (head.startsWith("HEAD ") && response.expect == Expect.BODY) {
                bytes = bytes.substring(0, bytes.indexOf("\r\n\r\n") + 4);  // the same head, no body
                if (response.bytes.contains("103 Early")) {
                    bytes = response.bytes.substring(0, response.bytes.lastIndexOf("\r\n\r\n") + 4);
                }
            }
            out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (response.closesAfter()) {
                return;
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        return null;
    }

    @Test
    void everyResponseIsFramedAsItsBodyIsAndTheConnectionStaysInStep() throws Exception {
        long seed = Long.getLong("framing.seed", System.nanoTime());
        Random random = new Random(seed);
        int exchanges = 0;
        int[] seen = new int[AppResponse.values().length];
        for (int c = 0; c < CONNECTIONS; c++) {
            List<String> history = new ArrayList<>();
            try (SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                    .createSocket("localhost", proxy.httpsPort())) {
                socket.setSoTimeout(10_000);
                StrictResponseReader reader = new StrictResponseReader(new BufferedInputStream(socket.getInputStream()));
                boolean open = true;
                int length = 1 + random.nextInt(6);
                for (int i = 0; i < length && open; i++) {
                    ClientRequest request = ClientRequest.values()[random.nextInt(ClientRequest.values().length)];
                    AppResponse app = AppResponse.values()[random.nextInt(AppResponse.values().length)];
                    history.add(request + " -> " + app);
                    String context = "seed " + seed + ", connection " + c + ": " + history;
                    received.clear();
                    socket.getOutputStream().write(request.format.formatted("/" + app.name()).getBytes(StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().flush();
                    open = check(reader, request, app, context);
                    checkForwarded(request, context);
                    seen[app.ordinal()]++;
                    exchanges++;
                }
                if (open) {
                    assertNothingMoreArrives(socket, "seed " + seed + ", connection " + c + ": " + history);
                }
            }
        }
        assertThat(exchanges).isGreaterThan(CONNECTIONS);
        for (AppResponse app : AppResponse.values()) {
            assertThat(seen[app.ordinal()]).as("seed " + seed + ": %s was tried", app).isPositive();
        }
    }

    /** Reads one response and checks it against what the app sent; true when the connection stays open. */
    private static boolean check(StrictResponseReader reader, ClientRequest request, AppResponse app, String context)
            throws IOException {
        boolean head = request == ClientRequest.HEAD;
        StrictResponseReader.Response response;
        try {
            response = reader.read(head);
        } catch (StrictResponseReader.FramingError e) {
            throw new AssertionError(context + ": ambiguous framing from tlsfront: " + e.getMessage(), e);
        } catch (IOException e) {
            response = null;  // reset: the connection was cut
        }
        switch (app.expect) {
            case BODY, NO_BODY -> {
                assertThat(response).as(context).isNotNull();
                assertThat(response.complete()).as(context + ": complete").isTrue();
                assertThat(response.field("x-frame-options")).as(context).isEqualTo("DENY");
                assertThat(response.status()).as(context).isEqualTo(app.expect == Expect.NO_BODY
                        ? Integer.parseInt(app.bytes.substring(9, 12)) : 200);
                assertThat(response.bodyText()).as(context + ": body")
                        .isEqualTo(head || app.expect == Expect.NO_BODY ? "" : BODY);
            }
            case BODY_OR_502 -> {
                assertThat(response).as(context).isNotNull();
                assertThat(response.complete()).as(context + ": complete").isTrue();
                assertThat(response.status()).as(context).isIn(200, 502);
                if (response.status() == 200) {
                    assertThat(response.bodyText()).as(context + ": body").isEqualTo(head ? "" : BODY);
                }
            }
            case BAD_GATEWAY -> {
                assertThat(response).as(context).isNotNull();
                assertThat(response.status()).as(context).isEqualTo(502);
                assertThat(response.complete()).as(context + ": complete").isTrue();
            }
            case CUT -> {
                if (head && response != null && response.complete()) {
                    // A HEAD response ends with its head: what the app sent after it is not a body.
                    assertThat(response.status()).as(context).isIn(200, 502);
                } else if (response != null && response.complete()) {
                    assertThat(response.status()).as(context + ": a cut response must not look complete").isEqualTo(502);
                } else if (response != null && !head) {
                    assertThat(BODY).as(context + ": what arrived is a prefix of what the app sent")
                            .startsWith(response.bodyText());
                }
                return response != null && response.complete();
            }
            default -> fail(app.expect.toString());
        }
        String connection = response.field("connection");
        return response.complete() && response.field("content-length") != null || response.field("transfer-encoding") != null
                || head || app.expect == Expect.NO_BODY
                ? connection == null || !connection.equalsIgnoreCase("close")
                : false;
    }

    /** The app got one request, framed by a single Content-Length, with no look-alike fields. */
    private static void checkForwarded(ClientRequest request, String context) {
        assertThat(received).as(context + ": requests at the app").hasSize(1);
        String head = received.peek();
        assertThat(head).as(context).startsWith(request == ClientRequest.HEAD ? "HEAD " : request.hasBody() ? "POST " : "GET ")
                .contains(" HTTP/1.1\r\n")
                .doesNotContainIgnoringCase("transfer-encoding")
                .doesNotContainIgnoringCase("content_length")
                .doesNotContainIgnoringCase("transfer_encoding");
        if (request.hasBody()) {
            assertThat(head).as(context).containsIgnoringCase("content-length: 5\r\n");
        }
    }

    private static void assertNothingMoreArrives(SSLSocket socket, String context) throws IOException {
        socket.setSoTimeout(50);  // stray bytes would have come with the response they follow
        try {
            int b = socket.getInputStream().read();
            assertThat(b).as(context + ": bytes after the last response").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            // nothing more: in step
        }
    }
}
