package dev.tlsfront.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.cli.probe.Finding.Status;
import dev.tlsfront.cli.probe.ProbeClient.Response;
import dev.tlsfront.cli.probe.SiteVisit.Chain;
import dev.tlsfront.cli.probe.SiteVisit.End;
import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import dev.tlsfront.tls.SelfSignedCertificates;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each check of the probe judged on recorded responses: the same visit always gives the same
 * findings, and each finding names the URL and status it is about.
 */
class ProbeChecksTest {

    static final String HTTPS = "https://site.test";
    static final String HTTP = "http://site.test";
    static final String HSTS = "max-age=63072000";

    static Response response(int status, String body, String... headers) {
        List<String[]> fields = new ArrayList<>();
        for (int i = 0; i < headers.length; i += 2) {
            fields.add(new String[] {headers[i], headers[i + 1]});
        }
        return new Response(status, fields, body, Optional.empty());
    }

    static Fetch fetch(String url, int status, String... headers) {
        return Fetch.answered(url, response(status, "", headers));
    }

    static Chain page(String path, String... headers) {
        return new Chain(List.of(fetch(HTTPS + path, 200, headers)), End.ANSWERED);
    }

    static final X509Certificate LEAF = leaf();

    static X509Certificate leaf() {
        try {
            return SelfSignedCertificates.generate(List.of("site.test"), Instant.parse("2026-11-01T00:00:00Z")).certificate();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static SiteVisit.Tls tls() {
        return new SiteVisit.Tls(null, true, null, false, LEAF, 1, null, List.of("TLSv1.2", "TLSv1.3"), null, null, null);
    }

    /** A visit to a site that gets everything right, with these pages (and a 404 for the path that does not exist). */
    static SiteVisit visit(List<Fetch> plain, List<Chain> chains, Fetch notFound, Fetch baseline, Fetch spoofed) {
        return new SiteVisit("site.test", false, HTTPS, HTTP, Instant.parse("2026-12-01T00:00:00Z"), tls(), plain,
                fetch(HTTP + "/", 301, "Location", HTTPS + "/"), chains, notFound, baseline, spoofed);
    }

    static List<Fetch> goodPlain() {
        return List.of(fetch(HTTP + "/", 301, "Location", HTTPS + "/"),
                fetch(HTTP + SiteFetcher.DEEP_PATH, 301, "Location", HTTPS + SiteFetcher.DEEP_PATH));
    }

    static Fetch notFound(int status, String... headers) {
        return fetch(HTTPS + "/nothing-here", status, headers);
    }

    static List<Finding> only(List<Finding> findings, Status status, String check) {
        return findings.stream().filter(f -> f.status() == status && f.check().equals(check)).toList();
    }

    @Nested
    class PlainHttp {
        @Test
        void aPermanentRedirectToTheSamePathPasses() {
            List<Finding> findings = new PlainHttpCheck().findings(visit(goodPlain(), List.of(), null, null, null));
            assertThat(only(findings, Status.PASS, "http.redirect")).hasSize(2).first()
                    .satisfies(f -> {
                        assertThat(f.url()).isEqualTo(HTTP + "/");
                        assertThat(f.httpStatus()).isEqualTo(301);
                        assertThat(f.fix()).isNull();
                        assertThat(f.details()).containsEntry("location", HTTPS + "/");
                    });
            assertThat(findings).noneMatch(f -> f.status() == Status.FAIL);
        }

        @Test
        void servingThePageTemporaryRedirectsAndLosingThePathFail() {
            List<Fetch> plain = List.of(fetch(HTTP + "/", 200), fetch(HTTP + SiteFetcher.DEEP_PATH, 302, "Location", HTTPS + "/"));
            List<Finding> findings = new PlainHttpCheck().findings(visit(plain, List.of(), null, null, null));
            assertThat(only(findings, Status.FAIL, "http.redirect")).extracting(Finding::evidence).containsExactly(
                    HTTP + "/ -> 200: the page is served over plain HTTP",
                    HTTP + SiteFetcher.DEEP_PATH + " -> 302 " + HTTPS + "/ (expected " + HTTPS + SiteFetcher.DEEP_PATH + ")");
        }

        @Test
        void hstsAndCookiesOverPlainHttpFailOnTheUrlTheyWereSeenOn() {
            List<Fetch> plain = List.of(fetch(HTTP + "/", 301, "Location", HTTPS + "/", "Strict-Transport-Security", HSTS,
                    "Set-Cookie", "a=1"), goodPlain().get(1));
            List<Finding> findings = new PlainHttpCheck().findings(visit(plain, List.of(), null, null, null));
            assertThat(only(findings, Status.FAIL, "http.hsts")).singleElement()
                    .satisfies(f -> assertThat(f.url()).isEqualTo(HTTP + "/"));
            assertThat(only(findings, Status.FAIL, "http.cookies")).singleElement()
                    .satisfies(f -> assertThat(f.details()).containsEntry("set_cookie", List.of("a=1")));
        }

        @Test
        void anEchoedHostFails() {
            SiteVisit echoing = new SiteVisit("site.test", false, HTTPS, HTTP, Instant.now(), tls(), goodPlain(),
                    fetch(HTTP + "/", 301, "Location", "https://evil.example/"), List.of(), null, null, null);
            assertThat(only(new PlainHttpCheck().findings(echoing), Status.FAIL, "http.host")).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).isEqualTo("Host: evil.example -> https://evil.example/"));
        }

        @Test
        void aSiteProbedByAddressThatRedirectsToItsNameIsExplainedNotFailed() {
            List<Fetch> plain = List.of(fetch("http://127.0.0.1/", 301, "Location", "https://site.test/"));
            SiteVisit byAddress = new SiteVisit("127.0.0.1", true, "https://127.0.0.1", "http://127.0.0.1", Instant.now(),
                    tls(), plain, null, List.of(), null, null, null);
            List<Finding> findings = new PlainHttpCheck().findings(byAddress);
            assertThat(findings).noneMatch(f -> f.status() == Status.FAIL);
            assertThat(only(findings, Status.INFO, "http.redirect")).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).contains("--resolve site.test:PORT:127.0.0.1"));
        }
    }

    @Nested
    class Hsts {
        @Test
        void missingOnTheNotFoundPageFailsThere() {
            List<Finding> findings = new HstsCheck().findings(visit(goodPlain(), List.of(page("/", "Strict-Transport-Security", HSTS)),
                    notFound(404), null, null));
            assertThat(only(findings, Status.FAIL, "hsts")).singleElement().satisfies(f -> {
                assertThat(f.url()).isEqualTo(HTTPS + "/nothing-here");
                assertThat(f.httpStatus()).isEqualTo(404);
                assertThat(f.evidence()).isEqualTo("missing on an HTTPS 404 response");
            });
            assertThat(only(findings, Status.PASS, "hsts")).isEmpty();
        }

        @Test
        void theReportClaimsA404OnlyWhenOneCameBack() {
            Chain redirected = new Chain(List.of(fetch(HTTPS + "/", 302, "Location", "/home", "Strict-Transport-Security", HSTS),
                    fetch(HTTPS + "/home", 200, "Strict-Transport-Security", HSTS)), End.ANSWERED);
            assertThat(new HstsCheck().findings(visit(goodPlain(), List.of(redirected),
                    notFound(404, "Strict-Transport-Security", HSTS), null, null)).get(0).evidence())
                    .isEqualTo("once on each of 3 HTTPS responses (including a 404 and a redirect)");
            // A site that answers every path with its home page: no 404 was seen, and the report says so.
            List<Finding> catchAll = new HstsCheck().findings(visit(goodPlain(), List.of(page("/", "Strict-Transport-Security", HSTS)),
                    notFound(200, "Strict-Transport-Security", HSTS), null, null));
            assertThat(catchAll.get(0).evidence())
                    .isEqualTo("once on each of 2 HTTPS responses (including the 200 for a path that does not exist)");
            assertThat(only(catchAll, Status.INFO, "hsts")).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).contains("no HTTPS redirect was seen"));
        }

        @Test
        void sentTwiceFails() {
            List<Finding> findings = new HstsCheck().findings(visit(goodPlain(),
                    List.of(page("/", "Strict-Transport-Security", HSTS, "Strict-Transport-Security", "max-age=300")),
                    null, null, null));
            assertThat(only(findings, Status.FAIL, "hsts")).singleElement()
                    .satisfies(f -> assertThat(f.evidence()).startsWith("sent 2 times"));
        }

        @Test
        void aShortMaxAgeWarnsAndPreloadWithoutItsRulesFails() {
            List<Finding> findings = new HstsCheck().findings(visit(goodPlain(),
                    List.of(page("/", "Strict-Transport-Security", "max-age=86400; preload")), null, null, null));
            assertThat(only(findings, Status.WARN, "hsts.max-age")).singleElement()
                    .satisfies(f -> assertThat(f.details()).containsEntry("max_age", 86400L));
            assertThat(only(findings, Status.FAIL, "hsts.preload")).singleElement().satisfies(f -> assertThat(f.evidence())
                    .isEqualTo("claims preload without max-age of at least 31536000, includeSubDomains"));
        }

        @Test
        void preloadNeedsThePlainHttpRedirectToo() {
            List<Fetch> serving = List.of(fetch(HTTP + "/", 200), goodPlain().get(1));
            List<Finding> findings = new HstsCheck().findings(visit(serving,
                    List.of(page("/", "Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")), null, null, null));
            assertThat(only(findings, Status.FAIL, "hsts.preload")).singleElement().satisfies(f -> assertThat(f.evidence())
                    .isEqualTo("claims preload without a redirect from http:// to https:// on the same host"));
        }
    }

    @Nested
    class Cookies {
        @Test
        void aCookieWithoutSecureFailsOnThePageThatSetIt() {
            List<Finding> findings = new CookiesCheck().findings(visit(goodPlain(), List.of(page("/"),
                    page("/login", "Set-Cookie", "sid=1; HttpOnly")), null, null, null));
            assertThat(only(findings, Status.FAIL, "cookies")).singleElement().satisfies(f -> {
                assertThat(f.url()).isEqualTo(HTTPS + "/login");
                assertThat(f.evidence()).isEqualTo("cookie sid without Secure: sid=1; HttpOnly");
            });
            assertThat(only(findings, Status.PASS, "cookies")).isEmpty();
        }

        @Test
        void hostPrefixRulesAreChecked() {
            List<Finding> findings = new CookiesCheck().findings(visit(goodPlain(),
                    List.of(page("/", "Set-Cookie", "__Host-id=1; Secure; Path=/; Domain=site.test")), null, null, null));
            assertThat(only(findings, Status.FAIL, "cookies.prefix")).hasSize(1);
            assertThat(only(findings, Status.PASS, "cookies")).hasSize(1);
        }

        @Test
        void noCookiesIsReportedNotJudged() {
            assertThat(new CookiesCheck().findings(visit(goodPlain(), List.of(page("/")), null, null, null)))
                    .singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(Status.INFO));
        }
    }

    @Nested
    class Redirects {
        @Test
        void theAppRedirectingToPlainHttpFailsWithTheWholeChain() {
            Chain chain = new Chain(List.of(fetch(HTTPS + "/login", 302, "Location", "http://site.test/account"),
                    Fetch.failed("http://site.test/account", "not followed: plain HTTP")), End.TO_PLAIN_HTTP);
            assertThat(new RedirectsCheck().findings(visit(goodPlain(), List.of(chain), null, null, null)))
                    .singleElement().satisfies(f -> {
                        assertThat(f.status()).isEqualTo(Status.FAIL);
                        assertThat(f.httpStatus()).isEqualTo(302);
                        assertThat(f.url()).isEqualTo(HTTPS + "/login");
                        assertThat(f.evidence()).isEqualTo("the app redirects to plain HTTP: " + HTTPS
                                + "/login -> http://site.test/account");
                    });
        }

        @Test
        void aLoopFails() {
            List<Fetch> hops = new ArrayList<>();
            for (int i = 0; i <= SiteFetcher.MAX_REDIRECTS; i++) {
                hops.add(fetch(HTTPS + "/", 301, "Location", HTTPS + "/"));
            }
            assertThat(new RedirectsCheck().findings(visit(goodPlain(), List.of(new Chain(hops, End.TOO_MANY)), null, null, null)))
                    .singleElement().satisfies(f -> assertThat(f.evidence()).startsWith("more than 10 redirects"));
        }
    }

    @Nested
    class MixedContent {
        @Test
        void ownHttpUrlsFailOthersResourcesWarnOthersLinksAreTheirs() {
            String html = "<form action=\"http://site.test/signin\"></form><a href=\"http://site.test/about\">a</a>"
                    + "<img src=\"http://cdn.example/x.png\"><a href=\"http://elsewhere.example/\">b</a>";
            Chain chain = new Chain(List.of(Fetch.answered(HTTPS + "/", response(200, html, "Content-Type", "text/html"))),
                    End.ANSWERED);
            List<Finding> findings = new MixedContentCheck().findings(visit(goodPlain(), List.of(chain), null, null, null));
            assertThat(findings).extracting(Finding::status, Finding::evidence).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(Status.FAIL,
                            "a form posts to plain HTTP: <form action=\"http://site.test/signin\">"),
                    org.assertj.core.groups.Tuple.tuple(Status.FAIL,
                            "1 http:// link(s) to the site itself, e.g. <a href=\"http://site.test/about\">"),
                    org.assertj.core.groups.Tuple.tuple(Status.WARN,
                            "1 resource(s) from other sites over http://, e.g. <img src=\"http://cdn.example/x.png\">"));
        }

        @Test
        void onlyHtmlIsRead() {
            Chain json = new Chain(List.of(Fetch.answered(HTTPS + "/", response(200, "{\"u\":\"<a href='http://site.test/'>\"}",
                    "Content-Type", "application/json"))), End.ANSWERED);
            assertThat(new MixedContentCheck().findings(visit(goodPlain(), List.of(json), null, null, null))).isEmpty();
        }
    }

    @Nested
    class Spoofing {
        @Test
        void aRedirectToItselfIsALoop() {
            Fetch baseline = fetch(HTTPS + "/", 200);
            Fetch spoofed = fetch(HTTPS + "/", 301, "Location", "/");
            assertThat(new SpoofingCheck().findings(visit(goodPlain(), List.of(), null, baseline, spoofed)))
                    .singleElement().satisfies(f -> {
                        assertThat(f.status()).isEqualTo(Status.FAIL);
                        assertThat(f.evidence()).endsWith("redirects to itself (a loop)");
                    });
        }

        @Test
        void anotherStatusWarnsTheSameStatusPasses() {
            assertThat(new SpoofingCheck().findings(visit(goodPlain(), List.of(), null, fetch(HTTPS + "/", 200),
                    fetch(HTTPS + "/", 403))).get(0).status()).isEqualTo(Status.WARN);
            assertThat(new SpoofingCheck().findings(visit(goodPlain(), List.of(), null, fetch(HTTPS + "/", 200),
                    fetch(HTTPS + "/", 200))).get(0).status()).isEqualTo(Status.PASS);
        }
    }

    @Nested
    class Certificate {
        @Test
        void expiryWarnsThreeWeeksAheadAndFailsAfter() throws Exception {
            X509Certificate leaf = LEAF;
            Instant notAfter = leaf.getNotAfter().toInstant();
            assertThat(expiry(leaf, notAfter.minus(Duration.ofDays(30))).status()).isEqualTo(Status.PASS);
            Finding soon = expiry(leaf, notAfter.minus(Duration.ofDays(10)).minusSeconds(1));
            assertThat(soon.status()).isEqualTo(Status.WARN);
            assertThat(soon.details()).containsEntry("days_left", 10L);
            assertThat(expiry(leaf, notAfter.plusSeconds(1)).status()).isEqualTo(Status.FAIL);
        }

        private Finding expiry(X509Certificate leaf, Instant now) {
            SiteVisit.Tls tls = new SiteVisit.Tls(null, true, null, false, leaf, 1, null, null, null, null, "not scanned");
            SiteVisit visit = new SiteVisit("site.test", false, HTTPS, HTTP, now, tls, List.of(), null, List.of(), null, null, null);
            return new CertificateCheck().findings(visit).stream().filter(f -> f.check().equals("tls.expiry"))
                    .findFirst().orElseThrow();
        }

        @Test
        void anUnreachableSiteIsOneFailure() {
            SiteVisit visit = new SiteVisit("site.test", false, HTTPS, HTTP, Instant.now(),
                    SiteVisit.Tls.unreachable("cannot connect to site.test:443: Connection refused"), List.of(), null,
                    List.of(), null, null, null);
            assertThat(SiteProbe.judge(visit)).singleElement().satisfies(f -> {
                assertThat(f.check()).isEqualTo("tls.connect");
                assertThat(f.fix()).isNotNull();
            });
        }
    }

    @Test
    void theSameFindingFromTwoPagesIsReportedOnce() {
        // --path / given as well as the start URL /: one chain per distinct page is fetched, but a
        // repeated identical chain must not double the report either.
        SiteVisit visit = visit(goodPlain(), List.of(page("/", "Set-Cookie", "a=1"), page("/", "Set-Cookie", "a=1")),
                null, null, null);
        assertThat(only(SiteProbe.judge(visit), Status.FAIL, "cookies")).hasSize(1);
    }
}
