package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HstsRampTest {

    private static final Duration TWO_YEARS = Duration.ofSeconds(63_072_000);
    private static final Instant START = Instant.parse("2027-01-01T00:00:00Z");

    @Test
    void theLadderClimbsFromFiveMinutesToTheConfiguredMaxAge() {
        assertThat(HstsRamp.ladder(TWO_YEARS)).containsExactly(Duration.ofMinutes(5), Duration.ofDays(1),
                Duration.ofDays(7), Duration.ofDays(30), TWO_YEARS);
        assertThat(HstsRamp.ladder(Duration.ofDays(7))).containsExactly(Duration.ofMinutes(5), Duration.ofDays(1),
                Duration.ofDays(7));
        assertThat(HstsRamp.ladder(Duration.ZERO)).containsExactly(Duration.ZERO);
    }

    @ParameterizedTest(name = "step {0} since {1}, now {2}, valid {3}: step {4}")
    @CsvSource({
        // each step is kept for as long as its own max-age
        "0, PT0S, PT4M, true, 0",
        "0, PT0S, PT5M, true, 1",
        "1, PT0S, PT23H, true, 1",
        "1, PT0S, PT24H, true, 2",
        "2, PT0S, P7D, true, 3",
        "3, PT0S, P30D, true, 4",
        // the top stays the top
        "4, PT0S, P3650D, true, 4",
        // no valid certificate: the ramp holds
        "0, PT0S, PT1H, false, 0",
        "2, PT0S, P30D, false, 2",
    })
    void aStepIsTakenWhenTheCurrentOneHasBeenServedItsLengthWithAValidCertificate(int step, Duration since,
            Duration now, boolean valid, int expected) {
        HstsRamp.Progress progress = new HstsRamp.Progress(step, START.plus(since));
        HstsRamp.Progress next = HstsRamp.advance(progress, TWO_YEARS, START.plus(now), valid);
        assertThat(next.step()).isEqualTo(expected);
        assertThat(next.since()).isEqualTo(expected == step ? START.plus(since) : START.plus(now));
    }

    @Test
    void aLowerMaxAgeEndsTheRampEarlierAndAStepBeyondItIsHeldAtTheTop() {
        assertThat(HstsRamp.maxAge(new HstsRamp.Progress(4, START), Duration.ofDays(1))).isEqualTo(Duration.ofDays(1));
        assertThat(HstsRamp.advance(new HstsRamp.Progress(4, START), Duration.ofDays(1), START, true).step()).isEqualTo(1);
    }
}
