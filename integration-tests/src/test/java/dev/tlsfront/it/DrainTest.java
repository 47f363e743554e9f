package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutting down under load: nothing in flight fails, nor does a request its client has just sent. */
class DrainTest {

    private static final String GET = "GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @TempDir
    Path dir;

    private RunningProxy proxyWithAdmin(TestCertificate certificate, TestBackend backend, String server) throws Exception {
        return RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), "admin: { listen: \"127.0.0.1:0\" }\n")
                .replace("server: { drain_timeout: 2s }", server), dir);
    }

    /** A TLS 1.2 connection: its handshake ends with the server's Finished, so once it returns the server has set up. */
    private static SSLSocket tls12(TestCertificate certificate, Socket plain, String alpn) throws IOException {
        SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                .createSocket(plain, "localhost", plain.getPort(), true);
        socket.setEnabledProtocols(new String[] {"TLSv1.2"});
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {alpn});
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Starts the drain on another thread and returns once the TLS listener refuses (the drain events are sent then). */
    private static CompletableFuture<Boolean> drainInBackground(RunningProxy proxy, Duration deadline) throws Exception {
        CompletableFuture<Boolean> clean = CompletableFuture.supplyAsync(() -> proxy.server.drain(deadline));
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort())) {
                Thread.sleep(20);
            } catch (SocketException refusedOrReset) {
                // Refused, or reset: the probe was still in the accept queue as the listener closed.
                Thread.sleep(300);  // the drain event reaches every connection's event loop right after the close
                return clean;
            }
        }
        throw new AssertionError("the TLS listener still accepts 10 s into the drain");
    }

    private static String readAll(SSLSocket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aConnectionWhoseFirstRequestIsStillToComeIsAnsweredOnceWithConnectionClose() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = proxyWithAdmin(certificate, backend, "server: { drain_timeout: 20s }")) {
            // One connection past its handshake, one only accepted (its ClientHello not yet sent).
            Socket handshaken = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort());
            SSLSocket first = tls12(certificate, handshaken, "http/1.1");
            first.startHandshake();
            Socket accepted = new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort());
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (proxy.metric("tlsfront_open_connections{listener=\"https\"}") < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            long started = System.nanoTime();
            CompletableFuture<Boolean> clean = drainInBackground(proxy, Duration.ofSeconds(20));

            first.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            String afterHandshake = readAll(first);
            SSLSocket second = tls12(certificate, accepted, "http/1.1");
            second.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            String beforeHandshake = readAll(second);

            assertThat(afterHandshake).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
            assertThat(beforeHandshake).startsWith("HTTP/1.1 200 ").containsIgnoringCase("connection: close");
            assertThat(clean.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("drain, not its 20 s deadline")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void anHttp2ConnectionWhoseFirstStreamIsStillToComeGetsItAnsweredThenGoaway() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = proxyWithAdmin(certificate, backend, "server: { drain_timeout: 20s }")) {
            SSLSocket socket = tls12(certificate, new Socket(InetAddress.getLoopbackAddress(), proxy.httpsPort()), "h2");
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
            CompletableFuture<Boolean> clean = drainInBackground(proxy, Duration.ofSeconds(20));

            socket.getOutputStream().write(RawHttp2.prefaceAndGet("localhost", "/echo"));
            RawHttp2.Received received = RawHttp2.readUntilClosed(socket.getInputStream());

            assertThat(received.status(1)).isEqualTo("200");
            assertThat(received.goAwayLastStream()).isEqualTo(1);
            assertThat(clean.get(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void duringTheShutdownDelayTheHealthCheckAnswers503AndRequestsAreStillServed() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = proxyWithAdmin(certificate, backend,
                        "server: { drain_timeout: 2s, shutdown_delay: 2s }")) {
            HttpClient client = RunningProxy.client(certificate);
            String health = "http://127.0.0.1:" + proxy.server.adminAddress().orElseThrow().getPort() + "/healthz";
            assertThat(Command.run("curl", "-s", "-i", "--max-time", "5", health).output()).startsWith("HTTP/1.1 200");
            long started = System.nanoTime();
            CompletableFuture<Boolean> clean = CompletableFuture.supplyAsync(() -> proxy.server.drain(Duration.ofSeconds(2)));
            Thread.sleep(300);

            Command during = Command.run("curl", "-s", "-i", "--max-time", "5", health);
            HttpResponse<String> served = client.send(HttpRequest.newBuilder(proxy.https("/echo")).build(),
                    BodyHandlers.ofString());
            long servedAt = System.nanoTime() - started;

            assertThat(during.output()).startsWith("HTTP/1.1 503").contains("stopping");
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(servedAt)).as("served inside the delay").isLessThan(Duration.ofSeconds(2));
            assertThat(clean.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
            Command after = Command.run("curl", "-sk", "--max-time", "5", proxy.https("/echo").toString());
            assertThat(after.exitCode()).as("a new connection after the delay").isNotZero();
        }
    }

    @Test
    void allInFlightRequestsCompleteWhenTheProxyDrains() throws Exception {
        int count = 200;
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend()) {
            RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
            HttpClient client = RunningProxy.client(certificate);
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            // Each request sleeps long enough at the backend for all 200 to be there at once: on a busy
            // 2-core machine their arrival (200 handshakes, 200 backend threads) has spread over 1.5 s.
            for (int i = 0; i < count; i++) {
                inFlight.add(client.sendAsync(HttpRequest.newBuilder(proxy.https("/sleep?ms=4000"))
                        .timeout(Duration.ofSeconds(30)).build(), BodyHandlers.ofString()));
            }
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (backend.inFlight.get() < count && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(backend.inFlight.get()).as("requests at the backend when the drain starts").isEqualTo(count);

            boolean clean = proxy.server.drain(Duration.ofSeconds(20));

            int ok = 0;
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> response = f.get(30, TimeUnit.SECONDS);
                if (response.statusCode() == 200 && response.body().equals("slept")
                        && response.headers().firstValue("connection").orElse("").equals("close")) {
                    ok++;
                }
            }
            assertThat(ok).isEqualTo(count);
            assertThat(clean).isTrue();
            Command after = Command.run("curl", "-sk", "--max-time", "5", proxy.https("/echo").toString());
            assertThat(after.exitCode()).as("a new connection after the drain").isNotZero();
        }
    }
}
