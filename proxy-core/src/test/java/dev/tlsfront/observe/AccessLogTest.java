package dev.tlsfront.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    private static final long AT = Instant.parse("2026-11-24T03:40:37.123Z").toEpochMilli();

    @Test
    void combinedLineAsNginxWritesItPlusTimesAndTls() {
        String line = AccessLog.combined(new CompletedExchange("192.0.2.7", AT, "GET", "/a?b=1", "HTTP/1.1",
                "example.com", 200, 1234, "https://example.com/", "Mozilla/5.0", 33_400_000L, 2_000_000L,
                "TLSv1.3", "TLS_AES_128_GCM_SHA256", "0f3a9c2b7d1e4f5a6b7c8d9e0f1a2b3c", "http://10.0.0.12:8000"));

        assertThat(line).matches("192\\.0\\.2\\.7 - - \\[24/Nov/2026:\\d\\d:\\d\\d:37 [+-]\\d{4}\\] \"GET /a\\?b=1 HTTP/1\\.1\" 200 1234 "
                + "\"https://example\\.com/\" \"Mozilla/5\\.0\" rt=0\\.033 bt=0\\.002 tls=TLSv1\\.3 cipher=TLS_AES_128_GCM_SHA256"
                + " rid=0f3a9c2b7d1e4f5a6b7c8d9e0f1a2b3c up=http://10\\.0\\.0\\.12:8000");
    }

    @Test
    void quotesBackslashesAndNonPrintableBytesAreEscaped() {
        String line = AccessLog.combined(new CompletedExchange("::1", AT, "GET", "/\u00e9", "HTTP/1.1", "-", 404, 0,
                "-", "a \"b\" \\c\u0001", 1_500_000_000L, -1, "-", "-", "x", "-"));

        assertThat(line).contains("\"GET /\\xe9 HTTP/1.1\" 404 0 \"-\" \"a \\x22b\\x22 \\x5cc\\x01\" rt=1.500 bt=- tls=- cipher=-");
    }

    @Test
    void unparsedRequestIsADash() {
        String line = AccessLog.combined(new CompletedExchange("192.0.2.7", AT, "-", "-", "-", "-", 400, 16,
                "-", "-", 0, -1, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "-", "-"));

        assertThat(line).contains("] \"-\" 400 16 \"-\" \"-\" rt=0.000 bt=-");
    }
}
