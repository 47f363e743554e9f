package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.server.Site;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renewal for real: pebble issues certificates that live 30 s, so tlsfront's own schedule (two
 * thirds of the lifetime, no ARI in pebble 2.4) renews them about 20 s in, under load. And two
 * tlsfront processes on one storage folder behind a balancer produce one order between them.
 */
class AcmeRenewalTest {

    @TempDir
    static Path dir;
    static TestBackend backend;

    @BeforeAll
    static void backend() throws IOException {
        backend = new TestBackend();
        AcmeTest.backend = backend;
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    @Test
    void aRenewalSwapsTheCertificateWhileConcurrentRequestsAllSucceed() throws Exception {
        try (AcmeTest.Ca ca = AcmeTest.Ca.start(dir.resolve("ca"), Duration.ofSeconds(30));
                Site site = AcmeTest.start(AcmeTest.config("renew.acme.test", "tls-alpn-01, http-01",
                        dir.resolve("store"), ca), ca)) {
            BigInteger first = AcmeTest.awaitCertificate(site, "renew.acme.test", null, Duration.ofSeconds(60));
            String root = ca.pebble().rootPem();
            int port = site.server().httpsAddress().getPort();
            // A keep-alive connection made with the first certificate, used again after the swap.
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
            var keptOpen = AcmeTest.openTls(root, "renew.acme.test", plain);
            assertThat(AcmeTest.request(keptOpen, "renew.acme.test", "/echo", false)).startsWith("HTTP/1.1 200 ");

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            Map<String, Integer> failures = new ConcurrentHashMap<>();
            Map<BigInteger, Integer> served = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        sent.incrementAndGet();
                        try {
                            AcmeTest.Exchange exchange = AcmeTest.jdkGet(root, "renew.acme.test", port, "/echo");
                            served.merge(exchange.certificate().getSerialNumber(), 1, Integer::sum);
                            if (!exchange.response().startsWith("HTTP/1.1 200 ")) {
                                failures.merge(exchange.response().lines().findFirst().orElse("empty"), 1, Integer::sum);
                            }
                        } catch (Exception e) {
                            failures.merge(e.toString(), 1, Integer::sum);
                        }
                    }
                    return null;
                }));
            }
            BigInteger second;
            try {
                second = AcmeTest.awaitCertificate(site, "renew.acme.test", first, Duration.ofSeconds(40));
                // Keep the load on until clients are seen getting the new certificate.
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!served.containsKey(second) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                Thread.sleep(300);
            } finally {
                running.set(false);
                for (Future<?> loop : loops) {
                    loop.get(30, TimeUnit.SECONDS);
                }
                clients.shutdown();
            }
            System.out.printf("acme renewal: %d requests during the swap, by certificate %s, failures %s%n", sent.get(),
                    served, failures);
            assertThat(failures).as("failed requests of %d", sent.get()).isEmpty();
            assertThat(served).containsKeys(first, second);
            assertThat(ca.pebble().issued()).isEqualTo(2);
            // The connection made before the swap goes on with its certificate.
            assertThat(AcmeTest.request(keptOpen, "renew.acme.test", "/echo", true)).startsWith("HTTP/1.1 200 ");
            keptOpen.close();
        }
    }

    @Test
    void twoProcessesSharingOneStorageFolderMakeOneOrder() throws Exception {
        Path storage = dir.resolve("shared");
        try (AcmeTest.Ca ca = AcmeTest.Ca.start(dir.resolve("ca-shared"), Duration.ofDays(90))) {
            Path config = Files.writeString(dir.resolve("shared.yaml"),
                    AcmeTest.config("shared.acme.test", "http-01", storage, ca));
            try (TlsfrontProcess one = TlsfrontProcess.start(Map.of(), "run", "-c", config.toString());
                    TlsfrontProcess two = TlsfrontProcess.start(Map.of(), "run", "-c", config.toString())) {
                // The CA's validation reaches either instance, as behind a balancer.
                ca.http().target(one.httpPort, two.httpPort);
                ca.tls().target(one.httpsPort, two.httpsPort);
                Path root = Files.writeString(dir.resolve("shared-root.pem"), ca.pebble().rootPem());
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String a = "";
                String b = "";
                while (System.nanoTime() < end && !(a.equals("200 0") && b.equals("200 0"))) {
                    a = AcmeTest.curl(root, "shared.acme.test", one.httpsPort, "/echo").output();
                    b = AcmeTest.curl(root, "shared.acme.test", two.httpsPort, "/echo").output();
                    Thread.sleep(200);
                }
                assertThat(a).as(one.output()).isEqualTo("200 0");
                assertThat(b).as(two.output()).isEqualTo("200 0");
                assertThat(ca.pebble().orders()).as("orders at the CA").isEqualTo(1);
                assertThat(one.output() + two.output()).contains("another instance is ordering its certificate");
            }
        }
    }
}
