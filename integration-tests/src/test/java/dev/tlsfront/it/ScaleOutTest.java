package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out story on loopback: two tlsfront instances behind Debian's HAProxy in TCP mode with
 * {@code send-proxy-v2}. The app sees the client's own address (a client bound to 127.0.0.2); a
 * session made through one instance resumes on the other (shared ticket key file); a connection
 * from outside the trusted range is closed; stopping one instance under load loses no request: the
 * balancer checks each one's health endpoint, which answers 503 for {@code server.shutdown_delay}
 * before the listeners close, so no connection is left in a closing listener's accept queue.
 */
class ScaleOutTest {

    @TempDir
    Path dir;

    private RunningProxy instance(TestCertificate certificate, TestBackend backend, Path keyFile) throws Exception {
        // The balancer checks the admin listener's health endpoint; on stop it answers 503 for a
        // second before the listeners close, three of the balancer's check intervals.
        return RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), "admin: { listen: \"127.0.0.1:0\" }\n")
                .replace("server: { drain_timeout: 2s }", "server: { drain_timeout: 2s, shutdown_delay: 1s }")
                .replace("https:\n", """
                https:
                  proxy_protocol: { trusted: [127.0.0.1/32] }
                  session_tickets: { key_files: ["%s"] }
                """.formatted(keyFile)), dir);
    }

    private static String haproxyServers(RunningProxy one, RunningProxy two) {
        return """
                  option httpchk GET /healthz
                  server one 127.0.0.1:%d send-proxy-v2 check port %d inter 300ms fall 1 rise 1
                  server two 127.0.0.1:%d send-proxy-v2 check port %d inter 300ms fall 1 rise 1
                """.formatted(one.httpsPort(), adminPort(one), two.httpsPort(), adminPort(two));
    }

    private static int adminPort(RunningProxy instance) {
        return instance.server.adminAddress().orElseThrow().getPort();
    }

    @Test
    void twoInstancesBehindHaproxySeeTheClientResumeEachOthersSessionsAndOneCanStopUnderLoad() throws Exception {
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.write(dir.resolve("ticket.key"), key);
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy one = instance(certificate, backend, keyFile);
                RunningProxy two = instance(certificate, backend, keyFile);
                Haproxy balancer = new Haproxy(dir, haproxyServers(one, two))) {
            int port = balancer.port;

            // The client's own address reaches the app, whichever instance answers.
            for (int i = 0; i < 2; i++) {
                Command curl = Command.run("curl", "-sS", "--max-time", "10", "--interface", "127.0.0.2", "--cacert",
                        certificate.cert().toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
                        "https://localhost:" + port + "/echo");
                assertThat(curl.output()).as(balancer.log()).containsIgnoringCase("X-forwarded-for: 127.0.0.2");
            }

            // A session made through one instance resumes through the other (round robin).
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                Path saved = dir.resolve("session" + version);
                String first = sClient(port, version, "-sess_out", saved);
                String second = sClient(port, version, "-sess_in", saved);
                assertThat(first).contains("New, TLSv1.");
                assertThat(second).as(version).contains("Reused, TLSv1.");
            }

            // Straight to an instance, not through the balancer, from another address: closed.
            Command direct = Command.run("curl", "-sS", "--max-time", "5", "--interface", "127.0.0.2", "--cacert",
                    certificate.cert().toString(), "https://localhost:" + one.httpsPort() + "/echo");
            assertThat(direct.exitCode()).as(direct.output()).isNotZero();

            // One instance stops (drains) under load; the balancer moves the traffic to the other.
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        sent.incrementAndGet();
                        try {
                            String response = get(certificate, port);
                            if (!response.startsWith("HTTP/1.1 200 ")) {
                                failures.merge(response.lines().findFirst().orElse("(empty)"), 1, Integer::sum);
                            }
                        } catch (Exception e) {
                            failures.merge(e.toString(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(700);
            int before = sent.get();
            one.close();
            Thread.sleep(1500);
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            clients.shutdown();
            System.out.printf("scale-out: %d requests, %d before the stop, failures %s%n", sent.get(), before, failures);
            assertThat(failures).as("failed of %d requests", sent.get()).isEmpty();
            assertThat(sent.get()).isGreaterThan(before + 20);
        }
    }

    private String sClient(int port, String version, String option, Path file) {
        return Command.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost",
                version, "-ign_eof", option, file.toString()),
                List.of("GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).output();
    }

    /** One GET on a new TLS connection through the balancer. */
    private static String get(TestCertificate certificate, int port) throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                        .createSocket(plain, "localhost", port, true)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
