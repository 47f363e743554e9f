package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.Cidr;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwardedHeadersTest {

    private static final ForwardedHeaders UNTRUSTING = new ForwardedHeaders(List.of(), false, 443);

    private static HttpHeaders headers(String... pairs) {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        headers.add("Host", "example.com");
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Forwarded-For", "x-forwarded-for", "X_Forwarded_For", "x_FORWARDED-for", "X-Real-IP",
        "X_Real_IP", "Forwarded", "X-Forwarded-Proto", "X_Forwarded_Proto", "X-Forwarded-Host", "X-Forwarded-Port",
        "X-Forwarded-Prefix", "X-Forwarded-Ssl", "X_Forwarded_Ssl", "X-Forwarded-Protocol", "X-Forwarded-Scheme",
        "X-Scheme", "X_Scheme", "X-Url-Scheme", "Front-End-Https", "Front_End_Https", "Client-IP", "True-Client-IP",
        "CF-Connecting-IP", "X-Cluster-Client-IP", "X-Original-Host"})
    void everySpoofableHeaderIsReplacedOrRemoved(String name) throws Exception {
        HttpHeaders headers = headers(name, "spoofed");

        UNTRUSTING.apply(headers, ip("198.51.100.7"));

        assertThat(headers.toString()).doesNotContain("spoofed");
        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("198.51.100.7");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(headers.getAll("X-Forwarded-Host")).containsExactly("example.com");
        assertThat(headers.getAll("X-Forwarded-Port")).containsExactly("443");
    }

    @Test
    void duplicatesAndTwinsAreAllRemovedAndExactlyOneOfEachIsSet() throws Exception {
        HttpHeaders headers = headers("X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "2.2.2.2", "X_Forwarded_For",
                "3.3.3.3", "X-Forwarded-Proto", "http", "x-forwarded-proto", "http", "X-Forwarded-Host", "evil.example",
                "Accept", "*/*", "X-Request-Id", "keep-me");

        UNTRUSTING.apply(headers, ip("203.0.113.9"));

        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("203.0.113.9");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(headers.getAll("X-Forwarded-Host")).containsExactly("example.com");
        assertThat(headers.get("Accept")).isEqualTo("*/*");
        assertThat(headers.get("X-Request-Id")).isEqualTo("keep-me");
        assertThat(headers.names()).doesNotContain("X_Forwarded_For");
    }

    @Test
    void aTrustedProxysChainIsKeptAndExtended() throws Exception {
        ForwardedHeaders behindLb = new ForwardedHeaders(List.of(cidr("10.0.0.0/8")), true, 443);
        HttpHeaders headers = headers("X-Forwarded-For", "198.51.100.7, 10.1.1.1", "X-Real-IP", "1.2.3.4",
                "Forwarded", "for=198.51.100.7");

        behindLb.apply(headers, ip("10.0.0.5"));

        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("198.51.100.7, 10.1.1.1, 10.0.0.5");
        assertThat(headers.getAll("Forwarded")).containsExactly("for=198.51.100.7, for=10.0.0.5;proto=https;host=example.com");
        assertThat(headers.contains("X-Real-IP")).isFalse();
    }

    @Test
    void anUntrustedPeersChainIsDropped() throws Exception {
        ForwardedHeaders behindLb = new ForwardedHeaders(List.of(cidr("10.0.0.0/8")), false, 8443);
        HttpHeaders headers = headers("X-Forwarded-For", "10.9.9.9");

        behindLb.apply(headers, ip("198.51.100.7"));

        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("198.51.100.7");
        assertThat(headers.get("X-Forwarded-Port")).isEqualTo("8443");
    }

    @Test
    void forwardedQuotesIpv6AndHostsWithAPort() throws Exception {
        assertThat(ForwardedHeaders.forwardedElement(ip("2001:db8::1"), "example.com:8443"))
                .isEqualTo("for=\"[2001:db8:0:0:0:0:0:1]\";proto=https;host=\"example.com:8443\"");
        assertThat(ForwardedHeaders.forwardedElement(ip("192.0.2.60"), "example.com"))
                .isEqualTo("for=192.0.2.60;proto=https;host=example.com");
    }

    @Test
    void connectionCannotSmuggleAwayTheForwardedHeaders() throws Exception {
        HttpHeaders headers = headers("Connection", "close, X-Forwarded-For, X-Forwarded-Proto", "X-Forwarded-For", "6.6.6.6");

        HopByHopHeaders.removeFrom(headers);
        UNTRUSTING.apply(headers, ip("198.51.100.7"));

        assertThat(headers.getAll("X-Forwarded-For")).containsExactly("198.51.100.7");
        assertThat(headers.getAll("X-Forwarded-Proto")).containsExactly("https");
        assertThat(headers.contains("Connection")).isFalse();
    }

    @Test
    void headersThatMerelyLookSimilarSurvive() throws Exception {
        HttpHeaders headers = headers("X-Forwarded-Foo", "1", "Forwarded-For-Real", "2", "Content-Type", "text/plain");
        UNTRUSTING.apply(headers, ip("198.51.100.7"));
        assertThat(Map.of("X-Forwarded-Foo", headers.get("X-Forwarded-Foo"), "Forwarded-For-Real",
                headers.get("Forwarded-For-Real"))).containsValues("1", "2");
    }

    private static Cidr cidr(String text) {
        return Cidr.parse(text);
    }

    /** For the access log: the client behind trusted proxies, as nginx's real_ip_recursive finds it. */
    @Test
    void theOriginatingClientIsTheNearestUntrustedHop() throws Exception {
        ForwardedHeaders lb = new ForwardedHeaders(List.of(cidr("10.0.0.0/8")), false, 443);

        assertThat(lb.apply(headers("X-Forwarded-For", "198.51.100.7, 10.1.1.1"), ip("10.0.0.5"))).isEqualTo("198.51.100.7");
        // A client prepending its own entries does not get to choose: the nearest untrusted one counts.
        assertThat(lb.apply(headers("X-Forwarded-For", "1.2.3.4, 203.0.113.9, 10.1.1.1"), ip("10.0.0.5")))
                .isEqualTo("203.0.113.9");
        // All hops trusted: the farthest. Not an address: stop before it.
        assertThat(lb.apply(headers("X-Forwarded-For", "10.9.9.9, 10.1.1.1"), ip("10.0.0.5"))).isEqualTo("10.9.9.9");
        assertThat(lb.apply(headers("X-Forwarded-For", "unknown, 10.1.1.1"), ip("10.0.0.5"))).isEqualTo("10.1.1.1");
        assertThat(lb.apply(headers("X-Forwarded-For", "[2001:db8::7]"), ip("10.0.0.5"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        // An untrusted peer is the client, whatever it claims.
        assertThat(lb.apply(headers("X-Forwarded-For", "1.2.3.4"), ip("198.51.100.7"))).isEqualTo("198.51.100.7");
        assertThat(lb.apply(headers(), ip("10.0.0.5"))).isEqualTo("10.0.0.5");
    }
}
