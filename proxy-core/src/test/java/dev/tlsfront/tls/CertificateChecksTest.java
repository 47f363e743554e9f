package dev.tlsfront.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each certificate mistake gives its message at the entry's (or host's) place in the config. */
class CertificateChecksTest {

    @TempDir
    Path dir;

    private final Instant now = Instant.now();

    private ProxyConfig config(String hosts, String certificates) throws ConfigException {
        return new ConfigLoader(Map.of()).parse("hosts: " + hosts + "\nhttps:\n  certificates:\n" + certificates,
                "tlsfront.yaml", dir);
    }

    private String entry(String name, TestChains.Issued leaf, TestChains.Issued... rest) throws Exception {
        StringBuilder chain = new StringBuilder(leaf.certificatePem());
        for (TestChains.Issued next : rest) {
            chain.append(next.certificatePem());
        }
        Files.writeString(dir.resolve(name + ".pem"), chain);
        Files.writeString(dir.resolve(name + "-key.pem"), leaf.keyPem());
        return "    - { cert: " + name + ".pem, key: " + name + "-key.pem }\n";
    }

    @Test
    void aGoodChainLoadsWithoutAWord() throws Exception {
        var ca = TestChains.ca("Test CA");
        var leaf = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)));

        ServerTls tls = ServerTls.load(config("[a.example]", entry("a", leaf, ca)), Clock.systemUTC(), ManagedCertificates.NONE, TlsRuntime.loadingOnly(Clock.systemUTC()));

        assertThat(tls.warnings()).isEmpty();
    }

    @Test
    void expiredAndNotYetValidCertificatesAreErrorsAtTheirEntries() throws Exception {
        var ca = TestChains.ca("Test CA");
        var expired = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(100)), now.minus(Duration.ofDays(10)));
        var future = TestChains.leaf(ca, "b.example", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)));
        ProxyConfig config = config("[a.example, b.example]", entry("a", expired, ca) + entry("b", future, ca));

        assertThatThrownBy(() -> ServerTls.load(config, Clock.systemUTC(), ManagedCertificates.NONE, TlsRuntime.loadingOnly(Clock.systemUTC())))
                .hasMessage("tlsfront.yaml:4:7: https.certificates[0]: '" + dir.resolve("a.pem") + "' expired on "
                        + expired.certificate().getNotAfter().toInstant() + " (expected: a current certificate: renew it)"
                        + System.lineSeparator()
                        + "tlsfront.yaml:5:7: https.certificates[1]: '" + dir.resolve("b.pem") + "' is not valid before "
                        + future.certificate().getNotBefore().toInstant()
                        + " (expected: a certificate valid now; is this machine's clock right?)");
    }

    @Test
    void aChainWhoseLeafIsNotFirstSaysSoRatherThanThatTheKeyIsWrong() throws Exception {
        var ca = TestChains.ca("Test CA");
        var leaf = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)));
        Files.writeString(dir.resolve("a.pem"), ca.certificatePem() + leaf.certificatePem());
        Files.writeString(dir.resolve("a-key.pem"), leaf.keyPem());

        assertThatThrownBy(() -> ServerTls.load(config("[a.example]", "    - { cert: a.pem, key: a-key.pem }\n"),
                Clock.systemUTC(), ManagedCertificates.NONE, TlsRuntime.loadingOnly(Clock.systemUTC())))
                .hasMessage("tlsfront.yaml:4:7: https.certificates[0]: the leaf certificate is not first in '"
                        + dir.resolve("a.pem") + "': the key in '" + dir.resolve("a-key.pem")
                        + "' belongs to certificate 2 of 2 (expected: the leaf first, then its intermediates)");
    }

    @Test
    void aKeyOfAnotherCertificateNamesBothFiles() throws Exception {
        var ca = TestChains.ca("Test CA");
        var a = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)));
        var b = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)));
        entry("a", a, ca);
        Files.writeString(dir.resolve("a-key.pem"), b.keyPem());

        assertThatThrownBy(() -> ServerTls.load(config("[a.example]", "    - { cert: a.pem, key: a-key.pem }\n"),
                Clock.systemUTC(), ManagedCertificates.NONE, TlsRuntime.loadingOnly(Clock.systemUTC())))
                .hasMessage("tlsfront.yaml:4:7: https.certificates[0]: the private key in '" + dir.resolve("a-key.pem")
                        + "' does not belong to the certificate in '" + dir.resolve("a.pem")
                        + "' (expected: the key the certificate was issued for)");
    }

    @Test
    void aHostNoCertificateCoversIsAnErrorAtTheHost() throws Exception {
        var ca = TestChains.ca("Test CA");
        var leaf = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)));

        assertThatThrownBy(() -> ServerTls.load(config("[a.example, www.a.example]", entry("a", leaf, ca)),
                Clock.systemUTC(), ManagedCertificates.NONE, TlsRuntime.loadingOnly(Clock.systemUTC())))
                .hasMessage("tlsfront.yaml:1:20: hosts: 'www.a.example' is covered by no certificate (expected: a"
                        + " certificate in https.certificates that names it, or https.acme to get one)");
    }

    @Test
    void aMissingIntermediateACloseExpiryAndACertificateForNoHostAreWarnings() throws Exception {
        var ca = TestChains.ca("Test CA");
        var alone = TestChains.leaf(ca, "a.example", now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(5)));
        var stray = TestChains.leaf(ca, "other.example", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)));

        ServerTls tls = ServerTls.load(config("[a.example]", entry("a", alone) + entry("o", stray, ca)),
                Clock.systemUTC(), ManagedCertificates.NONE, TlsRuntime.loadingOnly(Clock.systemUTC()));

        assertThat(tls.warnings()).containsExactly(
                "warning: tlsfront.yaml:4:7: https.certificates[0]: '" + dir.resolve("a.pem") + "' expires in 4 days, on "
                        + alone.certificate().getNotAfter().toInstant(),
                "warning: tlsfront.yaml:4:7: https.certificates[0]: '" + dir.resolve("a.pem") + "' has no intermediate"
                        + " certificate for its issuer CN=Test CA (expected: the full chain, leaf first, such as certbot's"
                        + " fullchain.pem; clients that do not have the intermediate cached fail)",
                "warning: tlsfront.yaml:5:7: https.certificates[1]: '" + dir.resolve("o.pem") + "' names none of hosts"
                        + " (it names other.example)");
    }
}
