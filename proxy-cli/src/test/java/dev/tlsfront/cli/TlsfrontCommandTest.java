package dev.tlsfront.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.tls.SelfSignedCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsfrontCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return TlsfrontCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    /** The shipped template, with its certificate paths pointed at a certificate made for the test. */
    private Path templateWithTestCertificate(Instant issued) throws Exception {
        var generated = SelfSignedCertificates.generate(List.of("example.com", "www.example.com"), issued);
        Path certs = Files.createDirectories(dir.resolve("example.com"));
        Files.writeString(certs.resolve("fullchain.pem"), generated.certificatePem());
        Files.writeString(certs.resolve("privkey.pem"), generated.privateKeyPem());
        String template = Files.readString(Path.of("..", "conf", "tlsfront.yaml"));
        assertThat(template).contains("/etc/tlsfront/example.com/");
        Path config = dir.resolve("tlsfront.yaml");
        Files.writeString(config, template.replace("/etc/tlsfront/example.com/", certs + "/"));
        return config;
    }

    @Test
    void checkAcceptsTheTemplateAndPrintsTheCertificate() throws Exception {
        Path config = templateWithTestCertificate(Instant.now());

        assertThat(run("check", "-c", config.toString())).isZero();
        assertThat(out.toString())
                .contains("hosts: example.com, www.example.com (canonical: example.com)")
                .contains("https: listen 0.0.0.0:443, profile intermediate, protocols TLSv1.3 TLSv1.2")
                .contains("backend: http://127.0.0.1:8000")
                .contains("hsts: max-age=63072000; cookies: Secure; upgrade_insecure_requests false")
                .contains("forwarding: trusted_proxies none, forwarded false, request_buffering chunked")
                .contains("limits: request line 8192 B, header block 32768 B, 100 fields, body unlimited")
                .containsPattern("certificate: example.com, www.example.com \\(EC, expires 20\\d\\d-")
                .endsWith("ok\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkShowsSeveralServersTheirBalanceAndHealthChecks() throws Exception {
        Path config = templateWithTestCertificate(Instant.now());
        String text = Files.readString(config);
        assertThat(text).contains("  url: http://127.0.0.1:8000");
        Files.writeString(config, text.replaceFirst("  url: http://127.0.0.1:8000[^\n]*",
                "  servers: [http://10.0.0.11:8000, { url: http://10.0.0.12:8000, weight: 2 }, \"unix:/run/app.sock\"]\n"
                        + "  balance: least_conn\n  health: { path: /healthz, interval: 2s }"));

        assertThat(run("check", "-c", config.toString())).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("backend: http://10.0.0.11:8000, http://10.0.0.12:8000 (weight 2), unix:/run/app.sock;"
                        + " balance least_conn, retries 1\n")
                .contains("health: GET /healthz every 2s, timeout 2s, rise 2, fall 3, expect 200-399;"
                        + " passive max_fails 1 in 10s\n");
    }

    @Test
    void checkWarnsAboutACertificateExpiringWithinTwoWeeks() throws Exception {
        Path config = templateWithTestCertificate(Instant.now().minus(Duration.ofDays(360)));

        assertThat(run("check", "-c", config.toString())).isZero();
        assertThat(err.toString()).containsPattern("warning: " + java.util.regex.Pattern.quote(config.toString())
                + ":\\d+:\\d+: https.certificates\\[0\\]: '.*fullchain.pem' expires in [45] days");
    }

    @Test
    void checkRefusesAnExpiredCertificateAtItsEntryWithExit78() throws Exception {
        Path config = templateWithTestCertificate(Instant.now().minus(Duration.ofDays(400)));

        assertThat(run("check", "-c", config.toString())).isEqualTo(78);
        assertThat(err.toString()).containsPattern(java.util.regex.Pattern.quote(config.toString())
                + ":\\d+:\\d+: https.certificates\\[0\\]: '.*fullchain.pem' expired on 20\\d\\d-.* \\(expected: a current"
                + " certificate: renew it\\)");
    }

    @Test
    void checkRejectsABrokenFileWithPositionsAndExit78() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "hosts: [example.com]\nhttps:\n  tls: { profile: old }\n  certificates: []\n");

        assertThat(run("check", "-c", config.toString())).isEqualTo(78);
        assertThat(err.toString()).contains(config + ":3:19: https.tls.profile: 'old' (expected: intermediate or modern)");
    }

    @Test
    void checkRejectsAKeyThatDoesNotMatch() throws Exception {
        Path config = templateWithTestCertificate(Instant.now());
        var other = SelfSignedCertificates.generate(List.of("other.test"), Instant.now());
        Files.writeString(dir.resolve("example.com/privkey.pem"), other.privateKeyPem());

        assertThat(run("check", "-c", config.toString())).isEqualTo(78);
        assertThat(err.toString()).contains("does not belong to the certificate");
    }

    @Test
    void certSelfSignedWritesAUsableCertificate() throws Exception {
        assertThat(run("cert", "self-signed", "--host", "dev.test", "--host", "127.0.0.1", "--out", dir.toString())).isZero();
        assertThat(out.toString()).contains("dev.test, 127.0.0.1 (EC, expires");
        assertThat(Files.readString(dir.resolve(SelfSignedCertificates.KEY_FILE))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void usageErrorsExit64() {
        assertThat(run("run", "--no-such-option")).isEqualTo(64);
        assertThat(err.toString()).contains("Unknown option: '--no-such-option'");
        assertThat(run("cert", "self-signed", "--host", "bad host!", "--out", dir.toString())).isEqualTo(64);
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageErrorThatSaysWhichExist() {
        assertThat(run()).isEqualTo(64);
        assertThat(err.toString()).startsWith("tlsfront: a command is needed (expected: one of run, check, cert, health,"
                + " probe)").contains("Usage: tlsfront");
        assertThat(run("cert")).isEqualTo(64);
        assertThat(err.toString()).contains("tlsfront cert: a command is needed (expected: one of self-signed)");
        assertThat(run("frobnicate")).isEqualTo(64);
        assertThat(err.toString()).contains("tlsfront: unknown command 'frobnicate' (expected: one of run, check, cert,"
                + " health, probe)");
    }

    @Test
    void probeResolveIsRepeatableAndMustCoverTheUrlsHost() {
        assertThat(run("probe", "https://site.test/", "--resolve", "other.test:443:127.0.0.1")).isEqualTo(64);
        assertThat(err.toString()).contains("--resolve: no entry for site.test (expected: site.test:PORT:ADDRESS)");
        assertThat(run("probe", "https://site.test/", "--resolve", "site.test:443")).isEqualTo(64);
        assertThat(err.toString()).contains("--resolve: 'site.test:443' (expected: HOST:PORT:ADDRESS, e.g. site.test:443:127.0.0.1)");
        // Two entries, the second for the URL's host: accepted, and the probe runs (port 9 on loopback: nothing listens).
        int exit = run("probe", "https://site.test:9/", "--resolve", "other.test:9:127.0.0.2", "--resolve", "site.test:9:127.0.0.1");
        assertThat(exit).as(err.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL  tls.connect").contains("127.0.0.1");
    }

    @Test
    void certSelfSignedKeepsAnExistingKeyUnlessForced() throws Exception {
        assertThat(run("cert", "self-signed", "--host", "dev.test", "--out", dir.toString())).isZero();
        String key = Files.readString(dir.resolve(SelfSignedCertificates.KEY_FILE));

        assertThat(run("cert", "self-signed", "--host", "dev.test", "--out", dir.toString())).isEqualTo(64);
        assertThat(err.toString()).contains("exists (expected: --force to replace it, or another --out)");
        assertThat(Files.readString(dir.resolve(SelfSignedCertificates.KEY_FILE))).isEqualTo(key);
        assertThat(run("cert", "self-signed", "--host", "dev.test", "--out", dir.toString(), "--force")).isZero();
        assertThat(Files.readString(dir.resolve(SelfSignedCertificates.KEY_FILE))).isNotEqualTo(key);
    }

    @Test
    void helpCutsNoDescriptionAndCheckListsOnlyItsOwnExitCodes() {
        assertThat(run("--help")).isZero();
        for (String line : out.toString().lines().toList()) {
            if (line.matches("  [a-z]+ {2,}[A-Z].*")) {  // a command's summary line
                assertThat(line.strip()).as("summary line").endsWith(".");
            }
        }
        out.getBuffer().setLength(0);
        assertThat(run("check", "--help")).isZero();
        assertThat(out.toString()).contains("78  configuration error").doesNotContain("74  ").doesNotContain("70  ");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("run", "check", "cert", "78  configuration error");
    }

    @Test
    void versionIsPrinted() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("tlsfront 0.");
    }

    @Test
    void runWithABrokenFileExits78BeforeBinding() throws Exception {
        Path config = dir.resolve("broken.yaml");
        Files.writeString(config, "hosts: []\n");
        assertThat(run("run", "-c", config.toString())).isEqualTo(78);
    }

    @Test
    void runWithAnAccessLogPathItCannotOpenExits74BeforeBinding() throws Exception {
        Path config = templateWithTestCertificate(Instant.now());
        Path directory = Files.createDirectories(dir.resolve("logs-dir"));
        Files.writeString(config, Files.readString(config)
                .replace("  path: \"\"                # \"\" = standard output", "  path: \"" + directory + "\"  #"));
        assertThat(Files.readString(config)).contains("path: \"" + directory + "\"");

        assertThat(run("run", "-c", config.toString())).isEqualTo(74);
        assertThat(err.toString()).contains("tlsfront: access_log.path: cannot open " + directory + " for appending: ");
    }

    @Test
    void healthNeedsAnAdminListener() throws Exception {
        Path config = templateWithTestCertificate(Instant.now());
        assertThat(run("health", "-c", config.toString())).isEqualTo(78);
        assertThat(err.toString()).contains("admin.listen is not set");
    }

    @Test
    void healthAsksTheAdminListenerOnLoopbackWhenItBindsEverywhere() throws Exception {
        try (var closed = new java.net.ServerSocket(0)) {
            int port = closed.getLocalPort();
            closed.close();
            Path config = templateWithTestCertificate(Instant.now());
            String template = Files.readString(config);
            String withAdmin = template.replace("admin:\n  listen: \"\"", "admin:\n  listen: \"0.0.0.0:" + port + "\"");
            assertThat(withAdmin).isNotEqualTo(template);
            Files.writeString(config, withAdmin);

            assertThat(run("health", "-c", config.toString(), "--timeout", "2")).isEqualTo(HealthCommand.UNHEALTHY);
            assertThat(err.toString()).startsWith("http://127.0.0.1:" + port + "/healthz: ");
        }
        assertThat(HealthCommand.healthUrl(new dev.tlsfront.config.ListenAddress("::", 9901)))
                .hasToString("http://[::1]:9901/healthz");
        assertThat(HealthCommand.healthUrl(new dev.tlsfront.config.ListenAddress("10.0.0.2", 9901)))
                .hasToString("http://10.0.0.2:9901/healthz");
    }

    @Test
    void checkShowsWhereEachHostsCertificateComesFromWithAcme() throws Exception {
        var file = SelfSignedCertificates.generate(List.of("static.example.com"), Instant.now());
        Files.writeString(dir.resolve("static.pem"), file.certificatePem());
        Files.writeString(dir.resolve("static-key.pem"), file.privateKeyPem());
        Path config = Files.writeString(dir.resolve("acme.yaml"), """
                hosts: [example.com, static.example.com]
                https:
                  certificates: [{ cert: static.pem, key: static-key.pem }]
                  acme: { email: ops@example.com, storage: state/acme }
                  hsts: { ramp: true }
                """);

        assertThat(run("check", "-c", config.toString())).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("acme: ops@example.com at https://acme-v02.api.letsencrypt.org/directory, storage "
                        + dir.resolve("state/acme") + ", challenges tls-alpn-01 http-01, key_type ec256")
                .contains("host static.example.com: certificate from a file")
                .contains("host example.com: certificate from ACME, none yet (ordered when tlsfront starts)")
                .contains("hsts ramp example.com: not started (max-age 300 s from the first start)")
                .endsWith("ok\n");
        assertThat(dir.resolve("state")).as("check creates nothing").doesNotExist();
    }

    @Test
    void checkRefusesAnIpAddressThatOnlyAcmeWouldCoverWithItsPosition() throws Exception {
        Path config = Files.writeString(dir.resolve("ip.yaml"), """
                hosts: [example.com, 203.0.113.7]
                https:
                  acme: { email: ops@example.com, storage: state/acme }
                """);

        assertThat(run("check", "-c", config.toString())).isEqualTo(78);
        assertThat(err.toString()).contains(config + ":1:22: hosts: '203.0.113.7' is an IP address, which ACME's"
                + " http-01 and tls-alpn-01 challenges cannot validate (expected: a DNS name, or a certificate in"
                + " https.certificates that covers it)");
    }
}
