package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.server.Site;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP stapling against a real responder ({@code openssl ocsp}): a certificate that names it gets a
 * checked, good response stapled (seen by {@code openssl s_client -status}); a revoked one gets
 * nothing; with the responder stopped, handshakes go on, with the last good staple.
 */
class OcspStaplingTest {

    @TempDir
    Path dir;

    private Command openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Command result = Command.run(command);
        assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
        return result;
    }

    private void leaf(String name, String serial, int responderPort) throws Exception {
        Path ext = Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=DNS:" + name
                + "\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1:" + responderPort + "\nbasicConstraints=CA:FALSE\n");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
                "-keyout", dir.resolve(name + "-key.pem").toString(), "-out", dir.resolve(name + ".csr").toString());
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", dir.resolve("ca.pem").toString(),
                "-CAkey", dir.resolve("ca-key.pem").toString(), "-set_serial", "0x" + serial, "-days", "2",
                "-extfile", ext.toString(), "-out", dir.resolve(name + ".pem").toString());
        Files.writeString(dir.resolve(name + "-chain.pem"), Files.readString(dir.resolve(name + ".pem"))
                + Files.readString(dir.resolve("ca.pem")));
    }

    private String status(Site site, String name) {
        return Command.run("openssl", "s_client", "-connect", "127.0.0.1:" + site.server().httpsAddress().getPort(),
                "-servername", name, "-status", "-CAfile", dir.resolve("ca.pem").toString(), "-verify_return_error")
                .output();
    }

    @Test
    void aGoodResponseIsStapledARevokedCertificateGetsNoneAndAStoppedResponderChangesNothing() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                "-subj", "/CN=Test OCSP CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
                "-keyout", dir.resolve("ca-key.pem").toString(), "-out", dir.resolve("ca.pem").toString());
        Files.writeString(dir.resolve("index.txt"), "V\t301231235959Z\t\t1001\tunknown\t/CN=ocsp.test\n"
                + "R\t301231235959Z\t260101000000Z\t1002\tunknown\t/CN=revoked.test\n");
        Process responder = new ProcessBuilder("openssl", "ocsp", "-index", dir.resolve("index.txt").toString(),
                "-port", "0", "-rsigner", dir.resolve("ca.pem").toString(), "-rkey", dir.resolve("ca-key.pem").toString(),
                "-CA", dir.resolve("ca.pem").toString(), "-nmin", "10").redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(responder.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            for (String line; port < 0 && (line = out.readLine()) != null; ) {
                Matcher m = Pattern.compile("ACCEPT .*:(\\d+) PID=").matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertThat(port).as("the responder's port").isPositive();
            leaf("ocsp.test", "1001", port);
            leaf("revoked.test", "1002", port);
            String yaml = """
                    hosts: [ocsp.test, revoked.test]
                    http: { listen: "127.0.0.1:0" }
                    https:
                      listen: "127.0.0.1:0"
                      certificates:
                        - { cert: ocsp.test-chain.pem, key: ocsp.test-key.pem }
                        - { cert: revoked.test-chain.pem, key: revoked.test-key.pem }
                    backend: { url: "http://127.0.0.1:9" }
                    server: { drain_timeout: 1s }
                    """;
            ConfigLoader loader = new ConfigLoader(Map.of());
            try (Site site = Site.start(loader.parse(yaml, "test.yaml", dir), () -> loader.parse(yaml, "test.yaml", dir),
                    Clock.systemUTC())) {
                String stapled = "";
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!stapled.contains("Cert Status: good") && System.nanoTime() < end) {
                    stapled = status(site, "ocsp.test");
                    Thread.sleep(100);
                }
                assertThat(stapled).contains("OCSP Response Status: successful", "Cert Status: good",
                        "Verify return code: 0 (ok)");
                assertThat(status(site, "revoked.test")).contains("OCSP response: no response sent");

                responder.destroy();
                responder.waitFor(5, TimeUnit.SECONDS);
                String after = status(site, "ocsp.test");
                assertThat(after).contains("Verify return code: 0 (ok)", "Cert Status: good");
            }
        } finally {
            responder.destroyForcibly();
        }
    }
}
