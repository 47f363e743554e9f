package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocationRewriterTest {

    // The site: example.com (canonical) and www.example.com; plaintext listener on 8080, TLS on 8443,
    // published as 443; the app on 127.0.0.1:8000 and 10.0.0.12:8001.
    private static final LocationRewriter BEHIND_443 = new LocationRewriter(List.of("example.com", "www.example.com"),
            8080, 8443, 443, List.of("127.0.0.1:8000", "10.0.0.12:8001"));
    private static final LocationRewriter ON_8443 = new LocationRewriter(List.of("example.com", "www.example.com"),
            8080, 8443, 8443, List.of("127.0.0.1:8000"));

    @ParameterizedTest(name = "{0} (Host: {1})")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        // the site's own hosts, with no port, 80, the plaintext port or the TLS port
        "http://example.com/next?x=1         | example.com      | https://example.com/next?x=1",
        "http://example.com                  | example.com      | https://example.com",
        "http://example.com?q               | example.com      | https://example.com?q",
        "http://example.com#top             | example.com      | https://example.com#top",
        "HTTP://Example.COM/A                | example.com      | https://example.com/A",
        "http://www.example.com:80/login     | example.com      | https://www.example.com/login",
        "http://example.com:8080/x           | example.com      | https://example.com/x",
        "http://example.com:8443/x           | example.com:8443 | https://example.com/x",
        "http://www.example.com/x            | NULL             | https://www.example.com/x",
        // the request's own Host, even when not listed (an alias the operator forgot)
        "http://alias.example.net/x          | alias.example.net | https://alias.example.net/x",
        "http://alias.example.net:80/x       | alias.example.net:443 | https://alias.example.net/x",
        // the backend's own address: the request's Host when it is a site host, else the canonical one
        "http://127.0.0.1:8000/dashboard     | www.example.com  | https://www.example.com/dashboard",
        "http://127.0.0.1:8000/dashboard     | evil.example     | https://example.com/dashboard",
        // every app server's address, not only the first's
        "http://10.0.0.12:8001/next          | example.com      | https://example.com/next",
        // left alone: other sites, other ports, relative, https already, userinfo, junk
        "http://other.example/x              | example.com      | NULL",
        "http://example.com:9000/x           | example.com      | NULL",
        "http://127.0.0.1:8001/x             | example.com      | NULL",
        "http://10.0.0.12:8000/x             | example.com      | NULL",
        "/relative/path                      | example.com      | NULL",
        "//example.com/x                     | example.com      | NULL",
        "https://example.com/x               | example.com      | NULL",
        "http://user@example.com/x           | example.com      | NULL",
        "http://exa mple.com/x               | example.com      | NULL",
        "http://                             | example.com      | NULL",
        "ftp://example.com/x                 | example.com      | NULL",
    })
    void rewritesOnlyThisSitesHttpUrls(String url, String host, String expected) {
        assertThat(BEHIND_443.rewrite(url, host)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://example.com/x       | https://example.com:8443/x",
        "http://127.0.0.1:8000/?a=b | https://example.com:8443/?a=b",
    })
    void aNonStandardTlsPortIsWrittenIntoTheUrl(String url, String expected) {
        assertThat(ON_8443.rewrite(url, "example.com:8443")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "5; url=http://example.com/done           | 5; url=https://example.com/done",
        "0;URL=http://example.com/                | 0;URL=https://example.com/",
        "3; url='http://example.com/q?a=1'        | 3; url='https://example.com/q?a=1'",
        "1; http://www.example.com/x              | 1; https://www.example.com/x",
        "5; url=http://other.example/             | NULL",
        "5                                        | NULL",
    })
    void refreshUrlsAreRewrittenToo(String value, String expected) {
        assertThat(BEHIND_443.rewriteRefresh(value, "example.com")).isEqualTo(expected);
    }
}
