package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several app servers behind one tlsfront, over real sockets, with clients running all the while:
 * a rolling restart, a server draining itself through its health check, all servers down and one
 * back, and SIGHUP changing the server list of a running daemon.
 */
class BackendServersTest {

    @TempDir
    Path dir;

    private static HttpClient.Builder clients(TestCertificate certificate) {
        return HttpClient.newBuilder().sslContext(certificate.trustingContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
    }

    private static TestBackend named(TestBackend backend, String name) {
        backend.name = name;
        return backend;
    }

    private String yaml(TestCertificate certificate, String servers, String extra) {
        return """
                hosts: [localhost, 127.0.0.1]
                http: { listen: "127.0.0.1:0" }
                https:
                  listen: "127.0.0.1:0"
                  certificates: [%s]
                admin: { listen: "127.0.0.1:0" }
                backend:
                  servers: [%s]
                  response_timeout: 5s
                  connect_timeout: 1s
                %s
                server: { drain_timeout: 2s }
                """.formatted(certificate.yamlEntry(), servers, extra.indent(2).stripTrailing());
    }

    private static String metrics(RunningProxy proxy) throws Exception {
        int port = proxy.server.adminAddress().orElseThrow().getPort();
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Over HTTP/1.1 and HTTP/2 alike, each server gets the same request, forwarding headers included. */
    @Test
    void theAppSeesTheSameRequestWhicheverServerGetsIt() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend a = named(new TestBackend(), "a"); TestBackend b = named(new TestBackend(), "b");
                RunningProxy proxy = RunningProxy.start(yaml(certificate, a.url() + ", " + b.url(), "")
                        .replace("server: { drain_timeout: 2s }", "server: { drain_timeout: 2s, event_loops: 1 }"), dir)) {
            for (HttpClient.Version version : HttpClient.Version.values()) {
                HttpClient client = clients(certificate).version(version).build();
                Map<String, java.util.List<String>> seen = new java.util.HashMap<>();
                for (int i = 0; i < 2; i++) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/echo?q=1"))
                            .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.version()).isEqualTo(version);
                    // What the app saw, less what differs by nature: the request ID and the server's own port.
                    String request = response.body().lines().filter(l -> !l.toLowerCase().startsWith("x-request-id:"))
                            .sorted().collect(java.util.stream.Collectors.joining("\n"));
                    seen.computeIfAbsent(request, r -> new java.util.ArrayList<>()).add(version.toString());
                }
                assertThat(a.requests.get() > 0 && b.requests.get() > 0).as("both servers were used").isTrue();
                assertThat(seen).as("one request, seen alike by both servers, over " + version).hasSize(1);
            }
        }
    }

    @Test
    void aRollingRestartUnderLoadFailsNoRequest() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        TestBackend a = named(new TestBackend(), "a");
        TestBackend b = named(new TestBackend(), "b");
        int bPort = b.port();
        try (RunningProxy proxy = RunningProxy.start(yaml(certificate, a.url() + ", " + b.url(),
                "health: { path: /health, interval: 200ms, timeout: 500ms, rise: 2, fall: 1 }"), dir)) {
            Load load = new Load(clients(certificate), proxy.https("/whoami"), 4);
            load.awaitAnswers("a", 50);
            load.awaitAnswers("b", 50);

            b.stopGracefully();  // the deploy: b goes away while requests run
            int bBefore = load.answeredBy("b");
            load.awaitAnswers("a", 200);
            assertThat(load.answeredBy("b")).isEqualTo(bBefore);
            b = named(new TestBackend(bPort), "b");  // and comes back on its port
            load.awaitAnswers("b", 50);
            a.stopGracefully();  // then a's turn
            load.awaitAnswers("b", 200);
            a = named(new TestBackend(a.port()), "a");
            load.awaitAnswers("a", 50);
            load.close();

            System.out.println("rolling restart: " + load);
            assertThat(load.failures).as(load.toString()).isEmpty();
            assertThat(load.sent.get()).isGreaterThan(600);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aServerWhoseHealthCheckFailsLeavesTheRotationWithoutAFailedRequest() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend a = named(new TestBackend(), "a"); TestBackend b = named(new TestBackend(), "b");
                RunningProxy proxy = RunningProxy.start(yaml(certificate, a.url() + ", " + b.url(),
                        "health: { path: /health, interval: 200ms, timeout: 500ms, rise: 2, fall: 2 }"), dir)) {
            Load load = new Load(clients(certificate), proxy.https("/whoami"), 4);
            load.awaitAnswers("b", 50);

            b.health.set(503);  // b drains itself before its deploy
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (metrics(proxy).contains("tlsfront_backend_server_up{server=\"" + b.url() + "\"} 1.0")
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(metrics(proxy)).contains("tlsfront_backend_server_up{server=\"" + b.url() + "\"} 0.0",
                    "tlsfront_backend_server_up{server=\"" + a.url() + "\"} 1.0");
            int bRequests = b.requests.get();
            load.awaitAnswers("a", 300);
            assertThat(b.requests.get()).as("no request reaches b once it is down").isEqualTo(bRequests);

            b.health.set(200);
            load.awaitAnswers("b", 20);  // back after rise passes
            load.close();
            System.out.println("health drain: " + load);
            assertThat(load.failures).as(load.toString()).isEmpty();
            assertThat(metrics(proxy)).containsPattern("tlsfront_backend_server_requests_total\\{server=\"" + a.url()
                    .replace(".", "\\.") + "\"} [1-9]");
        }
    }

    @Test
    void bothServersDownIs503WithRetryAfterAndOneBackIsServedWithinIntervalTimesRise() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        TestBackend a = named(new TestBackend(), "a");
        TestBackend b = named(new TestBackend(), "b");
        try (RunningProxy proxy = RunningProxy.start(yaml(certificate, a.url() + ", " + b.url(),
                "health: { path: /health, interval: 300ms, timeout: 200ms, rise: 2, fall: 1 }"), dir)) {
            HttpClient client = RunningProxy.client(certificate);
            HttpRequest get = HttpRequest.newBuilder(proxy.https("/whoami")).timeout(Duration.ofSeconds(10)).build();
            assertThat(client.send(get, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            a.close();
            b.close();
            HttpResponse<String> down = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                down = client.send(get, HttpResponse.BodyHandlers.ofString());
                if (down.statusCode() == 503) {
                    break;
                }
                assertThat(down.statusCode()).as("a server that was tried and failed").isEqualTo(502);
                Thread.sleep(50);
            }
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.headers().firstValue("retry-after")).contains("1");  // 300 ms x 2, at least 1 s
            int adminPort = proxy.server.adminAddress().orElseThrow().getPort();
            HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthz")).build();
            HttpResponse<String> health = HttpClient.newHttpClient().send(healthz, HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            // Each server with its reason, as the operator needs it first: failed requests took them
            // out at once; once the checks have failed too, theirs (a refused connect, said so).
            long checked = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (health.body().split("health check failed").length < 3 && System.nanoTime() < checked) {
                Thread.sleep(50);
                health = HttpClient.newHttpClient().send(healthz, HttpResponse.BodyHandlers.ofString());
            }
            assertThat(health.body()).startsWith("no backend server is up: ")
                    .contains(a.url() + ": health check failed: connection refused")
                    .contains(b.url() + ": health check failed: connection refused");

            a = named(new TestBackend(a.port()), "a");
            long back = System.nanoTime();
            HttpResponse<String> served;
            do {
                Thread.sleep(20);
                served = client.send(get, HttpResponse.BodyHandlers.ofString());
            } while (served.statusCode() != 200 && System.nanoTime() - back < Duration.ofSeconds(5).toNanos());
            long tookMillis = (System.nanoTime() - back) / 1_000_000;
            System.out.println("served again " + tookMillis + " ms after the server came back (interval x rise = 600 ms)");
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo("a");
            assertThat(tookMillis).as("within interval x rise, plus one interval of phase").isLessThan(1500);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void sighupAddsAThirdServerAndARemovedServersDownloadFinishesIntact() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend a = named(new TestBackend(), "a"); TestBackend b = named(new TestBackend(), "b");
                TestBackend c = named(new TestBackend(), "c")) {
            Path config = dir.resolve("tlsfront.yaml");
            Files.writeString(config, yaml(certificate, a.url() + ", " + c.url(), "balance: first"));
            try (TlsfrontProcess tlsfront = TlsfrontProcess.start(Map.of(), "run", "-c", config.toString())) {
                URI whoami = URI.create("https://localhost:" + tlsfront.httpsPort + "/whoami");
                Load load = new Load(clients(certificate), whoami, 2);
                load.awaitAnswers("a", 20);

                Files.writeString(config, yaml(certificate, b.url() + ", " + a.url() + ", " + c.url(), "balance: first"));
                Command.run("kill", "-HUP", Long.toString(tlsfront.process.pid()));
                load.awaitAnswers("b", 50);  // the new first server takes the traffic, same process

                // A slow 4 MiB download from b (6.4 s), then b leaves the config while it runs.
                long size = 4L << 20;
                var download = RunningProxy.client(certificate).sendAsync(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + tlsfront.httpsPort + "/slow?n=" + size
                                + "&ms=100")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofInputStream());
                long started = System.nanoTime();
                while (b.bytesSent.get() < 256 * 1024 && System.nanoTime() - started < Duration.ofSeconds(10).toNanos()) {
                    Thread.sleep(20);
                }
                Files.writeString(config, yaml(certificate, a.url() + ", " + c.url(), "balance: first"));
                Command.run("kill", "-HUP", Long.toString(tlsfront.process.pid()));
                String left = "backend server " + b.url() + " left the config";
                long reloadDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!tlsfront.output().contains(left) && System.nanoTime() < reloadDeadline) {
                    Thread.sleep(20);
                }
                assertThat(tlsfront.output()).contains(left);
                assertThat(b.bytesSent.get()).as("the download was still running after the reload").isLessThan(size);
                Thread.sleep(100);  // requests that had chosen b just before the swap reach it
                int bRequests = b.requests.get();
                load.awaitAnswers("a", 100);
                assertThat(b.requests.get()).as("no new request went to b").isEqualTo(bRequests);

                HttpResponse<java.io.InputStream> done = download.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(done.statusCode()).isEqualTo(200);
                assertThat(Pattern.digest(done.body())).isEqualTo(size + " " + Pattern.sha256Of(size));
                load.close();
                System.out.println("reloads: " + load);
                assertThat(load.failures).as(load.toString()).isEmpty();
                assertThat(tlsfront.output()).contains("backend server " + b.url() + " joined the config")
                        .contains("backend server " + b.url() + " left the config");
            }
        }
    }
}
