package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.server.Reloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading certificates: a broken one never replaces the one served; a good one is served on the next handshake. */
class ReloadTest {

    @TempDir
    Path dir;

    private static String servedFingerprint(RunningProxy proxy) {
        Command result = Command.run("bash", "-c", "openssl s_client -connect 127.0.0.1:" + proxy.httpsPort()
                + " -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256");
        return result.output().strip().replaceFirst("(?i)^sha256 Fingerprint=", "");
    }

    @Test
    void brokenCertificateKeepsTheOldOneAndAGoodOneIsServedNext() throws Exception {
        TestCertificate first = TestCertificate.create(dir.resolve("first"), "localhost");
        TestCertificate second = TestCertificate.create(dir.resolve("second"), "localhost");
        Path cert = dir.resolve("fullchain.pem");
        Path key = dir.resolve("privkey.pem");
        Files.copy(first.cert(), cert);
        Files.copy(first.key(), key);
        Path config = dir.resolve("tlsfront.yaml");
        Files.writeString(config, """
                hosts: [localhost]
                http: { listen: "127.0.0.1:0" }
                https: { listen: "127.0.0.1:0", certificates: [{ cert: fullchain.pem, key: privkey.pem }] }
                backend: { url: "http://127.0.0.1:9" }
                """);
        ConfigLoader loader = new ConfigLoader(Map.of());
        try (RunningProxy proxy = RunningProxy.start(loader.load(config))) {
            Reloader reloader = new Reloader(proxy.server, () -> loader.load(config), Clock.systemUTC());
            assertThat(servedFingerprint(proxy)).isEqualTo(first.fingerprint());
            assertThat(reloader.reloadIfCertificatesChanged()).as("nothing changed yet").isFalse();

            // A renewal gone wrong: the certificate file is truncated.
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB\n");
            assertThat(reloader.reloadIfCertificatesChanged()).isFalse();
            assertThat(servedFingerprint(proxy)).isEqualTo(first.fingerprint());

            // A key that does not match the certificate: also refused.
            Files.copy(first.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(reloader.reload()).isFalse();
            assertThat(servedFingerprint(proxy)).isEqualTo(first.fingerprint());

            // An expired certificate (a stale backup put back): refused, the old one still served.
            var expired = dev.tlsfront.tls.SelfSignedCertificates.generate(java.util.List.of("localhost"),
                    java.time.Instant.now().minus(java.time.Duration.ofDays(400)));
            Files.writeString(cert, expired.certificatePem());
            Files.writeString(key, expired.privateKeyPem());
            assertThat(reloader.reload()).isFalse();
            assertThat(servedFingerprint(proxy)).isEqualTo(first.fingerprint());
            Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);

            // A good renewal, written the way certbot does (new files, then the names moved over).
            Path newCert = dir.resolve("new-cert.pem");
            Files.copy(second.cert(), newCert);
            Files.move(newCert, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(reloader.reloadIfCertificatesChanged()).isTrue();
            assertThat(servedFingerprint(proxy)).isEqualTo(second.fingerprint());
        }
    }

    @Test
    void reloadAppliesNewPoliciesToNewConnections() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        Path config = dir.resolve("tlsfront.yaml");
        String yaml = RunningProxy.yaml(certificate, "http://127.0.0.1:9", "");
        Files.writeString(config, yaml);
        ConfigLoader loader = new ConfigLoader(Map.of());
        try (RunningProxy proxy = RunningProxy.start(loader.load(config))) {
            Reloader reloader = new Reloader(proxy.server, () -> loader.load(config), Clock.systemUTC());
            Files.writeString(config, yaml.replace("https:\n", "https:\n  hsts: { max_age: 300 }\n"));
            assertThat(reloader.reload()).isTrue();

            Command curl = Command.run("curl", "-sk", "-i", "--max-time", "10", proxy.https("/").toString());
            assertThat(curl.output()).contains("strict-transport-security: max-age=300\r\n");

            Files.writeString(config, "hosts: [localhost\n");
            assertThat(reloader.reload()).isFalse();
            assertThat(Command.run("curl", "-sk", "-i", "--max-time", "10", proxy.https("/").toString()).output())
                    .contains("strict-transport-security: max-age=300\r\n");
        }
    }
}
