package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.PolicyConfig;
import dev.tlsfront.testing.EmbeddedHttp;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The response-side policies, together as on the TLS listener, over raw HTTP bytes. */
class ResponsePoliciesHandlerTest {

    /** What the handlers report to the metrics. */
    private final AtomicInteger cookiesRewritten = new AtomicInteger();
    private final AtomicInteger locationsRewritten = new AtomicInteger();

    /** Answers every request with a response that {@code backend} fills in, as the forwarder would. */
    private EmbeddedChannel channel(PolicyConfig.Hsts hsts, Consumer<FullHttpResponse> backend) {
        return new EmbeddedChannel(
                new HttpServerCodec(),
                new StrictTransportSecurityHandler(hsts),
                new HeaderPoliciesHandler(HeaderPolicies.of(
                        new ForwardedHeaders(List.of(), false, 443),
                        new SecureCookies(PolicyConfig.Cookies.DEFAULT),
                        new LocationRewriter(List.of("example.com"), 80, 443, 443, List.of("127.0.0.1:8000")),
                        Optional.of(new ResponseHeadersPolicy(Map.of("X-Content-Type-Options", "nosniff"))), true,
                        cookiesRewritten::incrementAndGet, locationsRewritten::incrementAndGet)),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof HttpRequest) {
                            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                    HttpResponseStatus.OK);
                            response.headers().setInt("content-length", 0);
                            backend.accept(response);
                            ctx.writeAndFlush(response);
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
    }

    private String get(EmbeddedChannel channel) {
        return EmbeddedHttp.exchange(channel, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    }

    @Test
    void hstsIsSetExactlyOnceReplacingTheBackendsOwn() {
        String response = get(channel(PolicyConfig.Hsts.DEFAULT, r -> r.headers()
                .add("Strict-Transport-Security", "max-age=0").add("strict-transport-security", "max-age=5")));

        assertThat(response.split("(?i)strict-transport-security:", -1)).hasSize(2);
        assertThat(response).contains("strict-transport-security: max-age=63072000\r\n");
    }

    @Test
    void hstsIsOnRedirectsErrorsAnd304s() {
        for (HttpResponseStatus status : new HttpResponseStatus[] {HttpResponseStatus.FOUND,
                HttpResponseStatus.BAD_GATEWAY, HttpResponseStatus.NOT_MODIFIED, HttpResponseStatus.NOT_FOUND}) {
            String response = get(channel(new PolicyConfig.Hsts(Duration.ofDays(365), true, true, java.util.Optional.empty()), r -> r.setStatus(status)));
            assertThat(response).as(status.toString())
                    .contains("strict-transport-security: max-age=31536000; includeSubDomains; preload\r\n");
        }
    }

    @Test
    void emergencySwitchSendsMaxAgeZero() {
        assertThat(get(channel(new PolicyConfig.Hsts(Duration.ZERO, false, false, java.util.Optional.empty()), r -> { })))
                .contains("strict-transport-security: max-age=0\r\n");
    }

    @Test
    void eachSetCookieStaysItsOwnLineAndGetsSecure() {
        String response = get(channel(PolicyConfig.Hsts.DEFAULT, r -> r.headers()
                .add("Set-Cookie", "a=1; Path=/")
                .add("Set-Cookie", "b=2; Secure")
                .add("Set-Cookie", "c=3; Expires=Wed, 21 Oct 2026 07:28:00 GMT")));

        assertThat(response).contains("set-cookie: a=1; Path=/; Secure\r\n"
                + "set-cookie: b=2; Secure\r\n"
                + "set-cookie: c=3; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure\r\n");
        assertThat(cookiesRewritten).hasValue(2);
    }

    @Test
    void httpLocationOfTheSiteBecomesHttps() {
        String response = get(channel(PolicyConfig.Hsts.DEFAULT, r -> {
            r.setStatus(HttpResponseStatus.FOUND);
            r.headers().set("Location", "http://example.com/next?a=1").set("Refresh", "0; url=http://example.com/r");
        }));
        assertThat(response).contains("location: https://example.com/next?a=1\r\n")
                .contains("refresh: 0; url=https://example.com/r\r\n");
        assertThat(locationsRewritten).hasValue(2);
    }

    @Test
    void otherSitesLocationIsUntouched() {
        assertThat(get(channel(PolicyConfig.Hsts.DEFAULT, r -> r.headers().set("Location", "http://other.example/"))))
                .contains("Location: http://other.example/\r\n");
        assertThat(locationsRewritten).hasValue(0);
    }

    @Test
    void extraHeadersReplaceTheBackendsAndCspGetsTheUpgradeDirective() {
        String response = get(channel(PolicyConfig.Hsts.DEFAULT, r -> r.headers()
                .set("X-Content-Type-Options", "sniff-away")
                .set("Content-Security-Policy", "default-src 'self'")));
        assertThat(response).contains("X-Content-Type-Options: nosniff\r\n").doesNotContain("sniff-away")
                .contains("content-security-policy: default-src 'self'; upgrade-insecure-requests\r\n");
    }

    @Test
    void cspIsSetWhenTheBackendHasNone() {
        assertThat(get(channel(PolicyConfig.Hsts.DEFAULT, r -> { })))
                .contains("content-security-policy: upgrade-insecure-requests\r\n");
        assertThat(UpgradeInsecureRequestsPolicy.merge("upgrade-insecure-requests; default-src https:"))
                .isEqualTo("upgrade-insecure-requests; default-src https:");
    }

    @Test
    void noCookieRewriteAllocationWhenNothingChanges() {
        String line = "a=1; Secure";
        assertThat(new SecureCookies(PolicyConfig.Cookies.DEFAULT).rewrite(line)).isSameAs(line);
        assertThat(new SecureCookies(new PolicyConfig.Cookies(true, Optional.empty())).rewrite(line))
                .isEqualTo("a=1; Secure; HttpOnly");
    }
}
