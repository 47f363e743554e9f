package dev.tlsfront.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.forward.RetryRule.Decision;
import dev.tlsfront.forward.RetryRule.Failure;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryRuleTest {

    @ParameterizedTest(name = "{0} resendable={1} complete={2} retriesLeft={3} staleRetried={4} -> {5}")
    @CsvSource({
        // nothing was sent: another server, whatever the method, while retries last
        "CONNECT,          false, false, 1, false, ANOTHER_SERVER",
        "CONNECT,          true,  true,  1, false, ANOTHER_SERVER",
        "CONNECT,          false, false, 0, false, NONE",
        // a reused keep-alive connection the server had closed: once more on the same server
        "STALE_CONNECTION, true,  true,  0, false, SAME_SERVER",
        "STALE_CONNECTION, true,  true,  1, true,  ANOTHER_SERVER",
        "STALE_CONNECTION, true,  true,  0, true,  NONE",
        "STALE_CONNECTION, false, true,  1, false, NONE",
        "STALE_CONNECTION, true,  false, 1, false, NONE",
        // sent, and closed without an answer: only a bodiless GET, HEAD or OPTIONS goes again
        "CLOSED,           true,  true,  1, false, ANOTHER_SERVER",
        "CLOSED,           true,  true,  0, false, NONE",
        "CLOSED,           false, true,  1, false, NONE",
        "CLOSED,           true,  false, 1, false, NONE",
        // the app may still be working on it, or answers what no server would relay
        "TIMEOUT,          true,  true,  1, false, NONE",
        "INVALID,          true,  true,  1, false, NONE",
    })
    void decides(Failure failure, boolean resendable, boolean complete, int retriesLeft, boolean staleRetried,
            Decision expected) {
        assertThat(RetryRule.decide(failure, resendable, complete, retriesLeft, staleRetried)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "GET,     ,                  true",
        "HEAD,    ,                  true",
        "OPTIONS, ,                  true",
        "GET,     content-length:0,  true",
        "GET,     content-length:5,  false",
        "GET,     transfer-encoding:chunked, false",
        "POST,    ,                  false",
        "PUT,     ,                  false",
        "DELETE,  ,                  false",
        "PATCH,   ,                  false",
    })
    void onlyBodilessGetHeadAndOptionsAreResent(String method, String header, boolean expected) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/");
        if (header != null) {
            String[] field = header.split(":");
            request.headers().set(field[0], field[1]);
        }
        assertThat(RetryRule.resendable(request)).isEqualTo(expected);
    }

    @Test
    void aPostIsNeverSentTwiceOnceSent() {
        HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/checkout");
        for (Failure failure : new Failure[] {Failure.STALE_CONNECTION, Failure.CLOSED, Failure.TIMEOUT, Failure.INVALID}) {
            assertThat(RetryRule.decide(failure, RetryRule.resendable(post), true, 5, false)).isEqualTo(Decision.NONE);
        }
    }
}
