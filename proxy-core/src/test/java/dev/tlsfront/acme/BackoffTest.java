package dev.tlsfront.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    @ParameterizedTest(name = "after {0} failures: {1}")
    @CsvSource({"1, PT1M", "2, PT2M", "3, PT5M", "4, PT10M", "5, PT30M", "6, PT1H", "9, PT6H", "50, PT6H"})
    void growsFromMinutesToHoursAndStopsAtSix(int failures, Duration wait) {
        assertThat(Backoff.next(NOW, failures, Optional.empty())).isEqualTo(NOW.plus(wait));
    }

    @ParameterizedTest(name = "after {0} failures, Retry-After +{1}: {2}")
    @CsvSource({"1, PT3H, PT3H", "6, PT10M, PT1H", "2, PT2M, PT2M"})
    void neverSoonerThanTheCasRetryAfter(int failures, Duration retryAfter, Duration wait) {
        assertThat(Backoff.next(NOW, failures, Optional.of(NOW.plus(retryAfter)))).isEqualTo(NOW.plus(wait));
    }
}
