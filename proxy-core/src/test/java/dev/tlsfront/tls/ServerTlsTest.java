package dev.tlsfront.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tlsfront.config.HttpsListenerConfig;
import dev.tlsfront.config.HttpsListenerConfig.CertificateConfig;
import dev.tlsfront.config.HttpsListenerConfig.TlsConfig;
import dev.tlsfront.config.ListenAddress;
import dev.tlsfront.config.TlsProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {

    @TempDir
    Path dir;

    private HttpsListenerConfig listener(List<CertificateConfig> certificates, Optional<Path> selfSigned) {
        return new HttpsListenerConfig(new ListenAddress("127.0.0.1", 0), certificates, selfSigned,
                TlsConfig.of(TlsProfile.INTERMEDIATE), Optional.empty(), Optional.empty(),
                HttpsListenerConfig.SessionTickets.AUTOMATIC, false);
    }

    @Test
    void keyThatDoesNotMatchTheCertificateIsRejected() throws Exception {
        var a = SelfSignedCertificates.generate(List.of("a.test"), Instant.now());
        var b = SelfSignedCertificates.generate(List.of("b.test"), Instant.now());
        Files.writeString(dir.resolve("a.pem"), a.certificatePem());
        Files.writeString(dir.resolve("b-key.pem"), b.privateKeyPem());

        assertThatThrownBy(() -> ServerTls.load(listener(List.of(CertificateConfig.of(dir.resolve("a.pem"),
                dir.resolve("b-key.pem"))), Optional.empty()), List.of("a.test"), Clock.systemUTC()))
                .hasMessageContaining("does not belong to the certificate");
    }

    @Test
    void selfSignedCertificateIsMadeOnceAndKept() throws Exception {
        Path state = dir.resolve("state");
        ServerTls first = ServerTls.load(listener(List.of(), Optional.of(state)), List.of("localhost", "127.0.0.1"),
                Clock.systemUTC());
        ServerTls second = ServerTls.load(listener(List.of(), Optional.of(state)), List.of("localhost", "127.0.0.1"),
                Clock.systemUTC());

        CertificateInfo info = first.certificates().get(0).info();
        assertThat(info.names()).containsExactly("localhost", "127.0.0.1");
        assertThat(info.keyType()).isEqualTo("EC");
        assertThat(second.certificates().get(0).info().sha256()).isEqualTo(info.sha256());
        assertThat(Files.getPosixFilePermissions(state.resolve(SelfSignedCertificates.KEY_FILE)))
                .extracting(Object::toString).containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
    }

    @Test
    void selfSignedCertificateIsRemadeWhenAHostIsMissing() throws Exception {
        Path state = dir.resolve("state");
        String before = ServerTls.load(listener(List.of(), Optional.of(state)), List.of("localhost"), Clock.systemUTC())
                .certificates().get(0).info().sha256();
        ServerTls after = ServerTls.load(listener(List.of(), Optional.of(state)), List.of("localhost", "dev.test"),
                Clock.systemUTC());
        assertThat(after.certificates().get(0).info().sha256()).isNotEqualTo(before);
        assertThat(after.certificates().get(0).info().names()).contains("dev.test");
    }
}
