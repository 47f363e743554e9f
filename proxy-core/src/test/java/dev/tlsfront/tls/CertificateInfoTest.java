package dev.tlsfront.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificateInfoTest {

    private static final CertificateInfo CERTIFICATE = new CertificateInfo(
            List.of("example.com", "*.apps.example.com", "127.0.0.1", "0:0:0:0:0:0:0:1"), Instant.EPOCH, "EC", "00");

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "example.com, true",
        "www.example.com, false",
        "a.apps.example.com, true",
        "apps.example.com, false",
        "a.b.apps.example.com, false",
        "xapps.example.com, false",
        "127.0.0.1, true",
        "127.0.0.2, false",
        "::1, true",
        "other.test, false",
    })
    void coversItsNamesItsWildcardsFirstLabelAndItsAddresses(String host, boolean covered) {
        assertThat(CERTIFICATE.covers(host)).isEqualTo(covered);
    }
}
