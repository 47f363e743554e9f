package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.PolicyConfig;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The header policies handler: each list in its order, and the request's Host kept for its response. */
class HeaderPoliciesHandlerTest {

    private final List<String> ran = new ArrayList<>();

    private RequestPolicy request(String name) {
        return (request, exchange) -> ran.add(name + " " + request.uri());
    }

    private ResponsePolicy response(String name) {
        return (response, exchange) -> ran.add(name + " " + response.status().code() + " for " + exchange.requestHost());
    }

    @Test
    void eachListRunsInItsOrderAndResponsesKnowTheirRequestsHost() {
        EmbeddedChannel channel = new EmbeddedChannel(new HeaderPoliciesHandler(new HeaderPolicies(
                List.of(request("first"), request("second")), List.of(response("third"), response("fourth")))));

        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a");
        get.headers().set("Host", "example.com");
        channel.writeInbound(get);
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND));

        assertThat(ran).containsExactly("first /a", "second /a", "third 302 for example.com", "fourth 302 for example.com");
        ((FullHttpRequest) channel.readInbound()).release();
        ((FullHttpResponse) channel.readOutbound()).release();
        channel.finishAndReleaseAll();
    }

    @Test
    void theTlsListenersResponsePoliciesAreInTheirWrittenOrder() {
        HeaderPolicies policies = HeaderPolicies.of(new ForwardedHeaders(List.of(), false, 443),
                new SecureCookies(PolicyConfig.Cookies.DEFAULT),
                new LocationRewriter(List.of("example.com"), 80, 443, 443, List.of()),
                Optional.of(new ResponseHeadersPolicy(Map.of("X-Frame-Options", "DENY"))), true,
                () -> { }, () -> { });

        assertThat(policies.requests()).map(p -> p.getClass().getSimpleName())
                .containsExactly("HopByHopHeadersPolicy", "ForwardedHeadersPolicy");
        assertThat(policies.responses()).map(p -> p.getClass().getSimpleName()).containsExactly(
                "UpgradeInsecureRequestsPolicy", "ResponseHeadersPolicy", "LocationRewritePolicy", "SecureCookiesPolicy");
    }
}
