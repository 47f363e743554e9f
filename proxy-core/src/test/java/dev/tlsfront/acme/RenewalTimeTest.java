package dev.tlsfront.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RenewalTimeTest {

    private static final Instant ISSUED = Instant.parse("2027-01-01T00:00:00Z");

    @ParameterizedTest(name = "{0} days: between day {1} and day {2}")
    @CsvSource({
        // lifetime, earliest and latest day of the renewal (2/3 of the lifetime +/- a thirtieth)
        "90, 57, 63",
        "64, 40.5, 44.8",
        "45, 28.5, 31.5",
        "6, 3.8, 4.2",
    })
    void withoutRenewalInformationTwoThirdsOfTheLifetimeWithJitter(int days, double earliest, double latest) {
        Instant notAfter = ISSUED.plus(Duration.ofDays(days));
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            Instant at = RenewalTime.choose(ISSUED, notAfter, Optional.empty(), ISSUED, random);
            double day = Duration.between(ISSUED, at).toMinutes() / 1440.0;
            assertThat(day).isBetween(earliest, latest);
        }
    }

    @Test
    void theJitterSpreadsInstancesOut() {
        Instant notAfter = ISSUED.plus(Duration.ofDays(90));
        Random random = new Random(2);
        long distinct = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> RenewalTime.choose(ISSUED, notAfter, Optional.empty(), ISSUED, random))
                .distinct().count();
        assertThat(distinct).isGreaterThan(45);
    }

    @ParameterizedTest(name = "now +{0} h, window +{1} h to +{2} h: between +{3} h and +{4} h")
    @CsvSource({
        // the window ahead: a random moment inside it
        "0, 24, 48, 24, 48",
        // inside the window: from now to its end
        "30, 24, 48, 30, 48",
        // the window has passed: at once
        "50, 24, 48, 50, 50",
    })
    void theSuggestedWindowWinsOverTheFallback(int now, int start, int end, int earliest, int latest) {
        Instant base = ISSUED.plus(Duration.ofDays(10));
        Instant at = RenewalTime.choose(ISSUED, ISSUED.plus(Duration.ofDays(90)),
                Optional.of(new RenewalTime.Window(base.plus(Duration.ofHours(start)), base.plus(Duration.ofHours(end)))),
                base.plus(Duration.ofHours(now)), new Random(3));
        assertThat(Duration.between(base, at).toMinutes() / 60.0).isBetween((double) earliest, (double) latest);
    }

    @Test
    void neverInThePast() {
        Instant now = ISSUED.plus(Duration.ofDays(80));
        assertThat(RenewalTime.choose(ISSUED, ISSUED.plus(Duration.ofDays(90)), Optional.empty(), now, new Random(4)))
                .isEqualTo(now);
    }

    @ParameterizedTest(name = "day {0} of 90: {1}")
    @CsvSource({"80, false", "81, true", "89, true", "60, false"})
    void theLastTenthOfTheLifetime(int day, boolean last) {
        assertThat(RenewalTime.inLastTenth(ISSUED, ISSUED.plus(Duration.ofDays(90)), ISSUED.plus(Duration.ofDays(day))))
                .isEqualTo(last);
    }
}
