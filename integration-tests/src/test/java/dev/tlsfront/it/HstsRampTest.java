package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.server.Site;
import dev.tlsfront.tls.SelfSignedCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https.hsts.ramp}: a new site is sent max-age=300 first, then a day once five minutes have
 * passed with a valid certificate; the step survives a restart; an expired certificate holds it.
 * Time is a test clock, moved by hand; every answer is read with curl.
 */
class HstsRampTest {

    @TempDir
    static Path dir;
    static TestBackend backend;

    @BeforeAll
    static void backend() throws Exception {
        backend = new TestBackend();
    }

    @AfterAll
    static void stop() {
        backend.close();
    }

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static Site start(TestCertificate certificate, Path state, Clock clock) throws Exception {
        String yaml = RunningProxy.yaml(certificate, backend.url(), "").replace("https:\n",
                "https:\n  hsts: { ramp: true }\n");
        // The ramp keeps its progress beside the ACME storage's default, under XDG_STATE_HOME.
        ConfigLoader loader = new ConfigLoader(Map.of("XDG_STATE_HOME", state.toString()));
        return Site.start(loader.parse(yaml, "test.yaml", dir), () -> loader.parse(yaml, "test.yaml", dir), clock);
    }

    private static String hsts(Site site, TestCertificate certificate) {
        Command curl = Command.run("curl", "-sS", "-o", "/dev/null", "-D", "-", "--max-time", "10", "--cacert",
                certificate.cert().toString(), "https://localhost:" + site.server().httpsAddress().getPort() + "/echo");
        return curl.output().lines().filter(l -> l.toLowerCase().startsWith("strict-transport-security:"))
                .reduce("", (a, b) -> a + b + "\n").strip();
    }

    @Test
    void maxAgeClimbsFromFiveMinutesOnlyWithAValidCertificateAndSurvivesARestart() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir.resolve("valid"), "localhost", "127.0.0.1");
        Path state = dir.resolve("state");
        TestClock clock = new TestClock();
        try (Site site = start(certificate, state, clock)) {
            assertThat(hsts(site, certificate)).isEqualToIgnoringCase("strict-transport-security: max-age=300");
            clock.advance(Duration.ofMinutes(4));
            site.advanceHstsRamp();
            assertThat(hsts(site, certificate)).isEqualToIgnoringCase("strict-transport-security: max-age=300");
            clock.advance(Duration.ofMinutes(1));
            site.advanceHstsRamp();
            assertThat(hsts(site, certificate)).isEqualToIgnoringCase("strict-transport-security: max-age=86400");
        }
        assertThat(Files.readString(state.resolve("tlsfront/acme/hsts-ramp/progress.properties")))
                .containsPattern("localhost=1 ");
        try (Site restarted = start(certificate, state, clock)) {
            assertThat(hsts(restarted, certificate)).as("after a restart")
                    .isEqualToIgnoringCase("strict-transport-security: max-age=86400");
        }
    }

    @Test
    void aCertificateThatExpiresWhileServingHoldsTheRamp() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir.resolve("expiring"), "localhost", "127.0.0.1");
        TestClock clock = new TestClock();
        try (Site site = start(certificate, dir.resolve("state-expired"), clock)) {
            // A year and more later (the test certificate lives 365 days): five minutes at the first
            // step have long passed, but the certificate being served has expired.
            clock.advance(Duration.ofDays(400));
            site.advanceHstsRamp();
            assertThat(site.hstsRamp().orElseThrow().maxAges()).containsEntry("localhost", Duration.ofMinutes(5));
        }
    }
}
