package dev.tlsfront.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.PassiveHealthConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PassiveHealthTest {

    private static final long S = 1_000_000_000L;
    private final PassiveHealth health = new PassiveHealth();

    @Test
    void oneFailureTakesTheServerOutForTheFailTimeoutByDefault() {
        long t = 100 * S;
        assertThat(health.in(t)).isTrue();
        assertThat(health.failed(PassiveHealthConfig.DEFAULT, t)).isTrue();
        assertThat(health.in(t + 9 * S)).isFalse();
        assertThat(health.in(t + 10 * S)).isTrue();
        assertThat(health.succeeded()).as("it was out and answered").isTrue();
        assertThat(health.in(t + 11 * S)).isTrue();
    }

    @Test
    void failuresCountWithinTheWindowOnly() {
        PassiveHealthConfig three = new PassiveHealthConfig(3, Duration.ofSeconds(10));
        long t = 100 * S;
        assertThat(health.failed(three, t)).isFalse();
        assertThat(health.failed(three, t + 2 * S)).isFalse();
        assertThat(health.failed(three, t + 11 * S)).as("the first two fell out of the window").isFalse();
        assertThat(health.failed(three, t + 12 * S)).isFalse();
        assertThat(health.in(t + 12 * S)).isTrue();
        assertThat(health.failed(three, t + 13 * S)).isTrue();
        assertThat(health.in(t + 14 * S)).isFalse();
    }

    @Test
    void aSuccessStartsTheCountAgain() {
        PassiveHealthConfig two = new PassiveHealthConfig(2, Duration.ofSeconds(10));
        long t = 100 * S;
        health.failed(two, t);
        assertThat(health.succeeded()).isFalse();
        assertThat(health.failed(two, t + S)).isFalse();
        assertThat(health.in(t + S)).isTrue();
    }

    @Test
    void failuresWhileOutDoNotExtendIt() {
        long t = 100 * S;
        health.failed(PassiveHealthConfig.DEFAULT, t);
        assertThat(health.failed(PassiveHealthConfig.DEFAULT, t + 5 * S)).isFalse();
        assertThat(health.in(t + 10 * S)).isTrue();
    }

    @Test
    void maxFailsZeroNeverTakesItOut() {
        PassiveHealthConfig never = new PassiveHealthConfig(0, Duration.ofSeconds(10));
        for (int i = 0; i < 10; i++) {
            assertThat(health.failed(never, 100 * S + i)).isFalse();
        }
        assertThat(health.in(100 * S + 10)).isTrue();
    }
}
