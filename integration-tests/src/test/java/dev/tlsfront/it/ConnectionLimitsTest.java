package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeouts and limits that keep hostile or idle clients from holding the proxy. */
class ConnectionLimitsTest {

    @TempDir
    Path dir;

    private static final String REQUEST = "GET /echo HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "s".repeat(200) + "\r\n\r\n";

    @Test
    void slowlorisConnectionsAreClosedAtTheHeaderDeadlineWhileOthersAreServed() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        int slowCount = 1000;
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                        "limits: { header_timeout: 3s }\n"), dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<SSLSocket> slow = new ArrayList<>();
            try {
                List<Future<SSLSocket>> opening = new ArrayList<>();
                for (int i = 0; i < slowCount; i++) {
                    opening.add(pool.submit(() -> {
                        SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                                .createSocket("localhost", proxy.httpsPort());
                        socket.startHandshake();
                        socket.setSoTimeout(15_000);
                        return socket;
                    }));
                }
                for (Future<SSLSocket> f : opening) {
                    slow.add(f.get(60, TimeUnit.SECONDS));
                }
                // Every slow connection starts its request head, one byte at a time, round after round.
                long started = System.nanoTime();
                byte[] bytes = REQUEST.getBytes(StandardCharsets.US_ASCII);
                HttpClient client = RunningProxy.client(certificate);
                Duration normalClientTook = null;
                for (int round = 0; round < 20 && System.nanoTime() - started < Duration.ofSeconds(2).toNanos(); round++) {
                    for (SSLSocket socket : slow) {
                        writeQuietly(socket.getOutputStream(), bytes[round]);
                    }
                    if (round == 5) {
                        long t0 = System.nanoTime();
                        HttpResponse<String> served = client.send(HttpRequest.newBuilder(proxy.https("/echo"))
                                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
                        normalClientTook = Duration.ofNanos(System.nanoTime() - t0);
                        assertThat(served.statusCode()).isEqualTo(200);
                    }
                }
                System.out.printf("slowloris: %d connections dribbling; a normal request took %d ms%n", slowCount,
                        normalClientTook.toMillis());

                // No slow head ever completes: each connection gets 408 and is closed at the deadline.
                List<Future<String>> endings = new ArrayList<>();
                for (SSLSocket socket : slow) {
                    endings.add(pool.submit(() -> readToEnd(socket.getInputStream())));
                }
                int timedOut = 0;
                for (Future<String> ending : endings) {
                    String seen = ending.get(30, TimeUnit.SECONDS);
                    if (seen.startsWith("HTTP/1.1 408 ")) {
                        timedOut++;
                    }
                }
                long closedAfter = Duration.ofNanos(System.nanoTime() - started).toMillis();
                System.out.printf("slowloris: %d of %d got 408 and were closed, all within %d ms of their first byte%n",
                        timedOut, slowCount, closedAfter);
                assertThat(timedOut).isEqualTo(slowCount);
                assertThat(closedAfter).isBetween(3000L, 15_000L);
            } finally {
                for (SSLSocket socket : slow) {
                    socket.close();
                }
                pool.shutdownNow();
            }
        }
    }

    private static void writeQuietly(OutputStream out, byte b) {
        try {
            out.write(b);
            out.flush();
        } catch (IOException e) {
            // closed by the proxy already
        }
    }

    private static String readToEnd(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[1024];
        int read;
        try {
            while ((read = in.read(buffer)) > 0) {
                text.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            return "still open: " + text;
        } catch (IOException e) {
            return text.toString();
        }
        return text.toString();
    }

    @Test
    void aBodyThatStopsComingIsCutOffAtTheBodyTimeout() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                        "limits: { body_timeout: 1s }\n"), dir)) {
            for (String request : new String[] {
                    "POST /sha256 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n0123456789",
                    "POST /sha256 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n"}) {
                try (SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                        .createSocket("localhost", proxy.httpsPort())) {
                    socket.setSoTimeout(10_000);
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                    long start = System.nanoTime();
                    String seen = readToEnd(socket.getInputStream());
                    long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
                    // Streamed (Content-Length): the exchange is cut. Buffered (chunked): 408.
                    assertThat(seen).as(request).matches("|HTTP/1.1 408 (?s).*");
                    assertThat(elapsed).as(request).isBetween(900L, 5000L);
                }
            }
        }
    }

    @Test
    void idleKeepAliveConnectionIsClosedAtTheKeepAliveTimeout() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                        "limits: { keepalive_timeout: 1s }\n"), dir);
                SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                        .createSocket("localhost", proxy.httpsPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            String all = readToEnd(socket.getInputStream());
            long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(all).startsWith("HTTP/1.1 200 OK");
            assertThat(elapsed).isBetween(900L, 5000L);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAndTheOthersKeepWorking() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(),
                        "limits: { max_connections: 3 }\n"), dir)) {
            List<SSLSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                            .createSocket("localhost", proxy.httpsPort());
                    socket.startHandshake();
                    held.add(socket);
                }
                Command refused = Command.run("curl", "-sk", "--max-time", "5", proxy.https("/echo").toString());
                assertThat(refused.exitCode()).as(refused.output()).isNotZero();

                SSLSocket first = held.get(0);
                first.setSoTimeout(5000);
                first.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readToEnd(first.getInputStream())).startsWith("HTTP/1.1 200 OK");
            } finally {
                for (SSLSocket socket : held) {
                    socket.close();
                }
            }
        }
    }
}
