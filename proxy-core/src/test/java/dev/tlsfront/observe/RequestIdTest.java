package dev.tlsfront.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void aClientsOwnIdIsReplacedAndATrustedProxysSaneOneKept() {
        assertThat(RequestId.decide("abc-123", false)).matches("[0-9a-f]{32}").isNotEqualTo("abc-123");
        assertThat(RequestId.decide("abc-123", true)).isEqualTo("abc-123");
        assertThat(RequestId.decide("evil\"; rm -rf", true)).matches("[0-9a-f]{32}");
        assertThat(RequestId.decide("x".repeat(129), true)).matches("[0-9a-f]{32}");
        assertThat(RequestId.decide(null, true)).matches("[0-9a-f]{32}");
        assertThat(RequestId.generate()).isNotEqualTo(RequestId.generate());
    }
}
