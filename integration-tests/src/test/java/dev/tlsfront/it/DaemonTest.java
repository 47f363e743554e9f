package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tlsfront run} daemon as a real process: the embedded default, and SIGTERM draining. */
class DaemonTest {

    @TempDir
    Path state;

    @Test
    void embeddedDefaultServesHttpsInFrontOfTheBackendWithASelfSignedCertificate() throws Exception {
        try (TestBackend backend = new TestBackend();
                TlsfrontProcess tlsfront = TlsfrontProcess.start(Map.of(
                        // The embedded default reads these, so the test can bind port 0 instead of 8443/8080.
                        "TLSFRONT_HTTPS_LISTEN", "127.0.0.1:0",
                        "TLSFRONT_HTTP_LISTEN", "127.0.0.1:0",
                        "TLSFRONT_BACKEND", backend.url(),
                        "XDG_STATE_HOME", state.toString()), "run")) {
            Path cert = state.resolve("tlsfront/self-signed-cert.pem");
            assertThat(tlsfront.output())
                    .contains("made a self-signed certificate for localhost, 127.0.0.1 in " + state.resolve("tlsfront"))
                    .containsPattern("certificate localhost, 127.0.0.1 \\(EC, expires .*, SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\\) from "
                            + java.util.regex.Pattern.quote(cert.toString()));

            Command curl = Command.run("curl", "--http1.1", "-s", "-i", "--max-time", "10", "--cacert", cert.toString(),
                    "https://localhost:" + tlsfront.httpsPort + "/echo");
            assertThat(curl.output()).startsWith("HTTP/1.1 200 OK").contains("GET /echo");
            assertThat(Command.run("curl", "--http2", "-s", "-o", "/dev/null", "-w", "%{http_version}", "--max-time", "10",
                    "--cacert", cert.toString(), "https://localhost:" + tlsfront.httpsPort + "/echo?h2").output()).isEqualTo("2");

            Command redirect = Command.run("curl", "--http1.1", "-s", "-i", "--max-time", "10",
                    "http://localhost:" + tlsfront.httpPort + "/x");
            assertThat(redirect.output()).startsWith("HTTP/1.1 301")
                    .containsIgnoringCase("location: https://localhost:" + tlsfront.httpsPort + "/x");

            assertThat(tlsfront.terminate(Duration.ofSeconds(20))).isZero();
            // The access log, combined format on standard output by default: the time, then the
            // request, status, body bytes, referer, user agent, request and backend time, TLS.
            assertThat(tlsfront.output())
                    .containsPattern("\n127\\.0\\.0\\.1 - - \\[\\d\\d/\\w{3}/20\\d\\d:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\\] "
                            + "\"GET /echo HTTP/1\\.1\" 200 \\d+ \"-\" \"curl/[^\"]+\" rt=\\d+\\.\\d{3} bt=\\d+\\.\\d{3} "
                            + "tls=TLSv1\\.3 cipher=TLS_\\w+ rid=[0-9a-f]{32} up=http://127\\.0\\.0\\.1:\\d+\n")
                    .containsPattern("\"GET /x HTTP/1\\.1\" 301 0 \"-\" \"curl/[^\"]+\" rt=\\d+\\.\\d{3} bt=- tls=- cipher=- rid=[0-9a-f]{32} up=-\n")
                    .containsPattern("\"GET /echo\\?h2 HTTP/2\\.0\" 200 \\d+ .* tls=TLSv1\\.3 cipher=TLS_\\w+ rid=[0-9a-f]{32} up=http://127\\.0\\.0\\.1:\\d+\n");
        }
    }

    @Test
    void sigtermLetsTheInFlightRequestFinishThenExitsZero() throws Exception {
        CountDownLatch requestArrived = new CountDownLatch(1);
        try (RawBackend slow = new RawBackend(socket -> {
                    RawBackend.readHead(socket);
                    requestArrived.countDown();
                    Thread.sleep(1500);
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone"
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    Thread.sleep(500);
                });
                TlsfrontProcess tlsfront = TlsfrontProcess.start(Map.of(
                        "TLSFRONT_HTTPS_LISTEN", "127.0.0.1:0",
                        "TLSFRONT_HTTP_LISTEN", "127.0.0.1:0",
                        "TLSFRONT_BACKEND", slow.url(),
                        "XDG_STATE_HOME", state.toString()), "run")) {
            TestCertificate trusted = new TestCertificate(null, null, dev.tlsfront.tls.PemFiles.readCertificates(
                    state.resolve("tlsfront/self-signed-cert.pem")).get(0));
            HttpClient client = RunningProxy.client(trusted);
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + tlsfront.httpsPort + "/slow")).build(),
                    BodyHandlers.ofString());
            assertThat(requestArrived.await(10, TimeUnit.SECONDS)).isTrue();

            int exit = tlsfront.terminate(Duration.ofSeconds(20));

            HttpResponse<String> response = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("done");
            assertThat(response.headers().firstValue("connection")).contains("close");
            assertThat(exit).isZero();
            assertThat(tlsfront.output()).contains("stopping: draining in-flight requests").contains("stopped\n");
        }
    }

    @Test
    void sighupReloadsTheConfigFile() throws Exception {
        TestCertificate certificate = TestCertificate.create(state, "localhost", "127.0.0.1");
        Path config = state.resolve("tlsfront.yaml");
        String yaml = RunningProxy.yaml(certificate, "http://127.0.0.1:9", "");
        Files.writeString(config, yaml);
        try (TlsfrontProcess tlsfront = TlsfrontProcess.start(Map.of(), "run", "-c", config.toString())) {
            String url = "https://localhost:" + tlsfront.httpsPort + "/";
            assertThat(Command.run("curl", "--http1.1", "-sk", "-i", "--max-time", "10", url).output())
                    .contains("strict-transport-security: max-age=63072000\r\n");

            Files.writeString(config, yaml.replace("https:\n", "https:\n  hsts: { max_age: 300 }\n"));
            Command.run("kill", "-HUP", Long.toString(tlsfront.process.pid()));

            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String seen = "";
            while (System.nanoTime() < end && !seen.contains("max-age=300")) {
                seen = Command.run("curl", "--http1.1", "-sk", "-i", "--max-time", "10", url).output();
            }
            assertThat(seen).contains("strict-transport-security: max-age=300\r\n");
            assertThat(tlsfront.terminate(Duration.ofSeconds(20))).isZero();
        }
    }

    @Test
    void startedWithSighupIgnoredItWarnsAndTheLauncherRestoresIt() throws Exception {
        TestCertificate certificate = TestCertificate.create(state, "localhost", "127.0.0.1");
        Path config = state.resolve("hup.yaml");
        String yaml = RunningProxy.yaml(certificate, "http://127.0.0.1:9", "");
        Files.writeString(config, yaml);
        try (TlsfrontProcess ignored = TlsfrontProcess.startIgnoringHangup(Map.of(), "run", "-c", config.toString())) {
            long warned = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < warned && !ignored.output().contains("SIGHUP was ignored")) {
                Thread.sleep(20);
            }
            assertThat(ignored.output()).contains("SIGHUP was ignored when this process started");
            assertThat(ignored.terminate(Duration.ofSeconds(20))).isZero();
        }
        try (TlsfrontProcess launched = TlsfrontProcess.startLauncherIgnoringHangup(Map.of(), "run", "-c",
                config.toString())) {
            assertThat(launched.output()).doesNotContain("SIGHUP was ignored");
            Files.writeString(config, yaml.replace("https:\n", "https:\n  hsts: { max_age: 300 }\n"));
            Command.run("kill", "-HUP", Long.toString(launched.process.pid()));
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < end && !launched.output().contains("reloaded: changed https.hsts")) {
                Thread.sleep(50);
            }
            assertThat(launched.output()).contains("reloaded: changed https.hsts");
            assertThat(launched.terminate(Duration.ofSeconds(20))).isZero();
        }
    }

    @Test
    void withJsonLogsEveryLineTheDaemonWritesIsOneJsonObject() throws Exception {
        TestCertificate certificate = TestCertificate.create(state, "localhost", "127.0.0.1");
        Path config = state.resolve("json.yaml");
        Files.writeString(config, RunningProxy.yaml(certificate, "http://127.0.0.1:9", "")
                .replace("server: { drain_timeout: 2s }", "server: { drain_timeout: 2s, log_format: json }")
                + "access_log: { format: json }\n");
        try (TlsfrontProcess tlsfront = TlsfrontProcess.start(Map.of(), "run", "-c", config.toString())) {
            Command.run("curl", "-sk", "--max-time", "10", "https://localhost:" + tlsfront.httpsPort + "/");  // a 502, logged
            assertThat(tlsfront.terminate(Duration.ofSeconds(20))).isZero();
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var lines = tlsfront.output().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).hasSizeGreaterThan(3);
            for (String line : lines) {
                var node = json.readTree(line);
                assertThat(node.has("time")).as(line).isTrue();
            }
            assertThat(tlsfront.output()).contains("\"level\":\"WARN\"", "unreachable: connection refused", "\"status\":502");
        }
    }

    @Test
    void bindFailureExits74() throws Exception {
        try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path config = state.resolve("taken.yaml");
            Files.writeString(config, """
                    hosts: [localhost]
                    http: { listen: "127.0.0.1:0" }
                    https: { listen: "127.0.0.1:%d", self_signed: true, self_signed_dir: "%s" }
                    """.formatted(taken.getLocalPort(), state));
            Command result = Command.run(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    TlsfrontProcess.jar().toString(), "run", "-c", config.toString());
            assertThat(result.exitCode()).as(result.output()).isEqualTo(74);
            assertThat(result.output()).contains("https listener: cannot bind 127.0.0.1:" + taken.getLocalPort() + ": ").contains("Address already in use");
        }
    }

    @Test
    void jsonAccessLogGoesToItsFileAndSighupReopensItAfterRotation() throws Exception {
        TestCertificate certificate = TestCertificate.create(state, "localhost", "127.0.0.1");
        Path config = state.resolve("tlsfront.yaml");
        Path log = state.resolve("access.log");
        try (TestBackend backend = new TestBackend()) {
            // Behind a (pretend) trusted load balancer on 127.0.0.1: the log shows the client it names.
            Files.writeString(config, RunningProxy.yaml(certificate, backend.url(),
                    "access_log: { format: json, path: \"" + log + "\" }\n")
                    .replace("backend: { url", "backend: { trusted_proxies: [127.0.0.1/32], url"));
            try (TlsfrontProcess tlsfront = TlsfrontProcess.start(Map.of(), "run", "-c", config.toString())) {
                String url = "https://localhost:" + tlsfront.httpsPort;
                Command.run("curl", "--http1.1", "-sk", "-o", "/dev/null", "-A", "agent \"x\"", "--max-time", "10", url + "/echo?q=1");
                String line = awaitLine(log);
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                assertThat(json.path("time").asText()).matches("20\\d\\d-\\d\\d-\\d\\dT.*Z");
                assertThat(json.path("client").asText()).isEqualTo("127.0.0.1");
                assertThat(json.path("method").asText()).isEqualTo("GET");
                assertThat(json.path("target").asText()).isEqualTo("/echo?q=1");
                assertThat(json.path("status").asInt()).isEqualTo(200);
                assertThat(json.path("bytes_sent").asLong()).isPositive();
                assertThat(json.path("user_agent").asText()).isEqualTo("agent \"x\"");
                assertThat(json.has("referer")).isFalse();
                assertThat(json.path("request_time").isNumber()).isTrue();
                assertThat(json.path("backend_time").isNumber()).isTrue();
                assertThat(json.path("tls_protocol").asText()).isEqualTo("TLSv1.3");
                assertThat(tlsfront.output()).doesNotContain("/echo?q=1");  // not on standard output too

                // logrotate: rename, then SIGHUP; the next line goes to a new file of the same name.
                Path rotated = state.resolve("access.log.1");
                Files.move(log, rotated);
                Command.run("kill", "-HUP", Long.toString(tlsfront.process.pid()));
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!Files.exists(log) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                Command.run("curl", "--http1.1", "-sk", "-o", "/dev/null", "--max-time", "10",
                        "-H", "X-Forwarded-For: 203.0.113.50", url + "/after-rotation");
                assertThat(awaitLine(log)).contains("\"client\":\"203.0.113.50\"").contains("\"target\":\"/after-rotation\"");
                assertThat(Files.readString(rotated)).doesNotContain("after-rotation");
                assertThat(tlsfront.terminate(Duration.ofSeconds(20))).isZero();
            }
        }
    }

    private static String awaitLine(Path file) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(file)) {
                String text = Files.readString(file);
                if (text.endsWith("\n")) {
                    return text.strip();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no line in " + file);
    }

    /** ./tlsfront run writes a class-data archive when it first exits, and maps it on the next start. */
    @Test
    void theLauncherKeepsAClassDataArchiveForFasterStarts() throws Exception {
        Path archive = TlsfrontProcess.jar().getParent().resolve("tlsfront.jsa");
        Files.deleteIfExists(archive);
        Map<String, String> env = Map.of("TLSFRONT_HTTPS_LISTEN", "127.0.0.1:0", "TLSFRONT_HTTP_LISTEN", "127.0.0.1:0",
                "TLSFRONT_BACKEND", "http://127.0.0.1:9", "XDG_STATE_HOME", state.toString());
        try (TlsfrontProcess first = TlsfrontProcess.startLauncher(env, "run")) {
            assertThat(first.terminate(Duration.ofSeconds(30))).isZero();
        }
        assertThat(archive).isRegularFile();
        try (TlsfrontProcess second = TlsfrontProcess.startLauncher(env, "run")) {
            assertThat(Files.readString(Path.of("/proc", Long.toString(second.process.pid()), "maps")))
                    .contains(archive.toRealPath().toString());
            assertThat(second.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    /**
     * A start with a kept certificate and a PKCS#8 key reads both with the JDK: BouncyCastle's signed
     * jars took about 0.3 s of every start to verify, and are now loaded only to make a certificate or
     * to read the other key forms.
     */
    @Test
    void aStartWithAKeptCertificateLoadsNoBouncyCastle() throws Exception {
        Map<String, String> env = Map.of("TLSFRONT_HTTPS_LISTEN", "127.0.0.1:0", "TLSFRONT_HTTP_LISTEN", "127.0.0.1:0",
                "TLSFRONT_BACKEND", "http://127.0.0.1:9", "XDG_STATE_HOME", state.toString());
        try (TlsfrontProcess first = TlsfrontProcess.start(env, "run")) {
            assertThat(first.output()).contains("made a self-signed certificate");
            assertThat(first.terminate(Duration.ofSeconds(30))).isZero();
        }
        Path classes = state.resolve("classes.log");
        var logged = new java.util.HashMap<>(env);
        logged.put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classes);
        try (TlsfrontProcess second = TlsfrontProcess.start(logged, "run")) {
            assertThat(Command.run("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                    "https://localhost:" + second.httpsPort + "/").output()).isEqualTo("502");
            assertThat(second.terminate(Duration.ofSeconds(30))).isZero();
        }
        assertThat(Files.readString(classes))
                .contains("io.netty.handler.ssl.ReferenceCountedOpenSslServerContext")
                .doesNotContain("org.bouncycastle")
                // Nor do Netty's allocators register their JFR event types (about 0.07 s): run turns them off.
                .doesNotContain("jdk.jfr.internal.MetadataRepository");
    }
}
