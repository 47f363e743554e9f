package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shutting down under load: nothing in flight fails. */
class DrainTest {

    @TempDir
    Path dir;

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
