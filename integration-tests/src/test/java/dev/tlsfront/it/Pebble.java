package dev.tlsfront.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's pebble, the ACME test CA, on loopback with a certificate of the test's own for its
 * directory, its DNS pointed at a pebble-challtestsrv of its own (every name resolves to 127.0.0.1),
 * and its http-01 and tls-alpn-01 validations sent to the given ports. Both bind port 0; the ports
 * are read back from /proc. What the CA did is counted from its own log.
 */
final class Pebble implements AutoCloseable {

    private final Process dns;
    private final Process pebble;
    private final StringBuffer log = new StringBuffer();
    final TestCertificate directoryCertificate;
    final URI directory;
    final URI management;

    /**
     * @param httpPort where the CA connects for http-01
     * @param tlsPort where the CA connects for tls-alpn-01
     * @param validity the lifetime of the certificates it issues
     */
    Pebble(Path dir, int httpPort, int tlsPort, Duration validity) throws Exception {
        requireInstalled("pebble");
        requireInstalled("pebble-challtestsrv");
        directoryCertificate = TestCertificate.create(dir.resolve("pebble-tls"), "localhost", "127.0.0.1");
        dns = new ProcessBuilder("pebble-challtestsrv", "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-dns01", "127.0.0.1:0", "-management", "127.0.0.1:0", "-defaultIPv6", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
        int dnsPort = await(() -> ListeningPorts.udp(dns.pid()), 1, "pebble-challtestsrv's DNS port").get(0);
        Path config = dir.resolve("pebble.json");
        Files.writeString(config, """
                {"pebble": {"listenAddress": "127.0.0.1:0", "managementListenAddress": "127.0.0.1:0",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false,
                  "certificateValidityPeriod": %d}}
                """.formatted(directoryCertificate.cert(), directoryCertificate.key(), httpPort, tlsPort,
                validity.toSeconds()));
        ProcessBuilder builder = new ProcessBuilder("pebble", "-config", config.toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort).redirectErrorStream(true);
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        builder.environment().put("PEBBLE_AUTHZREUSE", "0");
        pebble = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(pebble.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.append(line).append('\n');
                }
            } catch (IOException e) {
                log.append("[closed]\n");
            }
        }, "pebble-log");
        reader.setDaemon(true);
        reader.start();
        List<Integer> ports = await(() -> ListeningPorts.tcp(pebble.pid()), 2, "pebble's two ports");
        // One port is the ACME directory, the other the management interface: ask each.
        HttpClient client = client();
        URI first = URI.create("https://127.0.0.1:" + ports.get(0));
        URI second = URI.create("https://127.0.0.1:" + ports.get(1));
        boolean firstIsDirectory = client.send(HttpRequest.newBuilder(first.resolve("/dir")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("newOrder");
        directory = (firstIsDirectory ? first : second).resolve("/dir");
        management = firstIsDirectory ? second : first;
    }

    private static void requireInstalled(String program) {
        if (!Files.isExecutable(Path.of("/usr/bin", program))) {
            throw new AssertionError("/usr/bin/" + program + " is missing: apt-get install pebble (.ci/run does)");
        }
    }

    private interface PortLookup {
        List<Integer> get() throws IOException;
    }

    private List<Integer> await(PortLookup lookup, int count, String what) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            List<Integer> ports = lookup.get();
            if (ports.size() >= count) {
                return ports.stream().sorted().toList();
            }
            Thread.sleep(20);
        }
        throw new AssertionError(what + " did not appear within 20 s:\n" + log);
    }

    /** A client that trusts the directory's certificate. */
    HttpClient client() {
        return HttpClient.newBuilder().sslContext(directoryCertificate.trustingContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The root that signs what this pebble issues (it makes a new one on every start), as PEM. */
    String rootPem() throws Exception {
        return client().send(HttpRequest.newBuilder(management.resolve("/roots/0")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** How many orders this CA has finalized (issued a certificate for): its log says so once each. */
    long issued() {
        return log.toString().lines().filter(line -> line.contains("is fully authorized. Processing finalization")).count();
    }

    /** How many orders were created at this CA, issued or not. */
    long orders() {
        return log.toString().lines().filter(line -> line.contains("Added order")).count();
    }

    String log() {
        return log.toString();
    }

    @Override
    public void close() {
        pebble.destroy();
        dns.destroy();
        try {
            pebble.waitFor(5, TimeUnit.SECONDS);
            dns.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
