package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.HttpListenerConfig.RedirectConfig;
import dev.tlsfront.config.RedirectStatus;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedirectTargetTest {

    private static final List<String> HOSTS = List.of("example.com", "www.example.com", "::1");

    private static RedirectTarget.Outcome decide(String method, String target, String host, int httpsPort) {
        return new RedirectTarget(HOSTS, RedirectConfig.DEFAULT, httpsPort).decide(method, target, host);
    }

    @ParameterizedTest(name = "{0} {1} Host: {2} -> {4} {5}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // method | target                  | Host header          | https port | status | Location
        "GET    | /x?y=1                    | example.com          | 443  | 301 | https://example.com/x?y=1",
        "HEAD   | /                         | www.example.com      | 443  | 301 | https://www.example.com/",
        "POST   | /form                     | example.com          | 443  | 308 | https://example.com/form",
        "PUT    | /a                        | example.com          | 443  | 308 | https://example.com/a",
        "GET    | /x                        | example.com:80       | 8443 | 301 | https://example.com:8443/x",
        "GET    | /x                        | EXAMPLE.com.         | 443  | 301 | https://example.com/x",
        "GET    | /x                        | evil.com             | 443  | 301 | https://example.com/x",
        "GET    | /x                        | NULL                 | 443  | 301 | https://example.com/x",
        "GET    | /x                        | [::1]:80             | 443  | 301 | https://[::1]/x",
        "GET    | http://www.example.com/p?q | evil.com            | 443  | 301 | https://www.example.com/p?q",
        "GET    | http://evil.com/p         | example.com          | 443  | 301 | https://example.com/p",
        "GET    | http://example.com        | example.com          | 443  | 301 | https://example.com/",
        "GET    | http://example.com?q=1    | example.com          | 443  | 301 | https://example.com/?q=1",
        "OPTIONS| *                         | example.com          | 443  | 308 | https://example.com/",
        "GET    | //evil.com/x              | example.com          | 443  | 301 | https://example.com//evil.com/x",
        "GET    | /a b                      | example.com          | 443  | 301 | https://example.com/a%20b",
        "GET    | /é                        | example.com          | 443  | 301 | https://example.com/%E9",
        "GET    | /x#frag                   | example.com          | 443  | 301 | https://example.com/x",
    })
    void redirectsToTheSameHostOrTheCanonicalOne(String method, String target, String host, int port, int status,
            String location) {
        assertThat(decide(method, target, host, port)).isEqualTo(new RedirectTarget.Redirect(status, location));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"user@example.com", "example.com, evil.com", "exa mple.com", "example.com:99999",
        "[::1", "example.com:8o", "bad_host!"})
    void invalidHostIsRejected(String host) {
        assertThat(decide("GET", "/", host, 443)).isInstanceOf(RedirectTarget.InvalidHost.class);
    }

    @ParameterizedTest
    @CsvSource({"GET,301", "POST,301"})
    void configuredStatusOverridesAutoAndKeepPathFalseGoesToRoot(String method, int expected) {
        var target = new RedirectTarget(HOSTS, new RedirectConfig(RedirectStatus.MOVED_PERMANENTLY, false, 0), 443);
        assertThat(target.decide(method, "/deep/path?q=1", "www.example.com"))
                .isEqualTo(new RedirectTarget.Redirect(expected, "https://www.example.com/"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/a\r\nSet-Cookie: x=1", "/a\nb", "/a\rb"})
    void locationNeverCarriesLineBreaks(String target) {
        var outcome = (RedirectTarget.Redirect) decide("GET", target, "example.com", 443);
        assertThat(outcome.location()).doesNotContain("\r").doesNotContain("\n").startsWith("https://example.com/a");
    }
}
