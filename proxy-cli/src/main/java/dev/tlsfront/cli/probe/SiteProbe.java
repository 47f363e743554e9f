package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.ProbeClient.Response;
import dev.tlsfront.http.SecureCookies;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Checks a live site against the HTTPS-only checklist, from the outside, with GET and HEAD only and
 * never leaving the site: plain HTTP, TLS, HSTS, cookies, redirects, mixed content, spoofed
 * forwarding headers. Each check adds findings; nothing here throws for what the site does wrong.
 */
public final class SiteProbe {

    static final long SIX_MONTHS = 15_768_000;
    static final long ONE_YEAR = 31_536_000;
    static final Duration EXPIRY_WARNING = Duration.ofDays(21);
    static final int MAX_REDIRECTS = 10;

    /**
     * @param url the site's start URL (https://)
     * @param paths more paths to fetch and follow
     * @param httpPort the plaintext port
     * @param caFile trust these certificates instead of the JDK's (null: the JDK's)
     * @param insecure do not judge the certificate's trust (its dates and names are still reported)
     * @param resolve connect here instead of resolving the host
     */
    public record Options(URI url, List<String> paths, int httpPort, File caFile, boolean insecure,
            Optional<java.net.InetAddress> resolve) {}

    private final Options options;
    private final Clock clock;
    private final String host;
    private final int httpsPort;
    private final List<Finding> findings = new ArrayList<>();
    /** Every HTTPS response seen, for the HSTS and cookie checks that look at all of them. */
    private final List<Response> httpsResponses = new ArrayList<>();
    private final List<Response> httpsRedirects = new ArrayList<>();
    private ProbeClient client;
    private SslContext tls;
    private String startPage;

    public SiteProbe(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
        this.host = options.url().getHost().toLowerCase(Locale.ROOT);
        this.httpsPort = options.url().getPort() > 0 ? options.url().getPort() : 443;
    }

    public List<Finding> run(String userAgent) {
        try (ProbeClient probeClient = new ProbeClient(host, options.resolve(), userAgent)) {
            client = probeClient;
            certificate();
            if (tls == null) {
                return findings;
            }
            plainHttp();
            tlsVersionsAndSuites();
            for (String path : pages()) {
                follow(path);
            }
            notFound();
            hsts();
            cookies();
            spoofing();
        }
        return findings;
    }

    private List<String> pages() {
        Set<String> pages = new LinkedHashSet<>();
        String start = options.url().getRawPath() == null || options.url().getRawPath().isEmpty() ? "/" : options.url().getRawPath();
        pages.add(options.url().getRawQuery() == null ? start : start + "?" + options.url().getRawQuery());
        pages.addAll(options.paths());
        return List.copyOf(pages);
    }

    private String hostHeader(int port, int defaultPort) {
        return port == defaultPort ? host : host + ":" + port;
    }

    private String httpsOrigin() {
        return "https://" + hostHeader(httpsPort, 443);
    }

    // --- TLS: trust, names, expiry, stapling --------------------------------------------------

    private void certificate() {
        SslContextBuilder trusting = SslContextBuilder.forClient().enableOcsp(TlsScan.available())
                .sslProvider(TlsScan.available() ? io.netty.handler.ssl.SslProvider.OPENSSL : io.netty.handler.ssl.SslProvider.JDK);
        try {
            if (options.caFile() != null) {
                trusting.trustManager(options.caFile());
            }
            SslContext verifying = trusting.endpointIdentificationAlgorithm("HTTPS").build();
            SslContext lenient = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null).build();
            ProbeClient.Handshake session;
            try {
                session = client.handshake(verifying, httpsPort);
                tls = verifying;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("cannot connect")) {
                    findings.add(Finding.fail("tls.connect", e.getMessage(), "make the site listen for HTTPS on port " + httpsPort));
                    return;
                }
                if (!options.insecure()) {
                    findings.add(Finding.fail("tls.certificate", "not trusted for " + host + ": " + e.getMessage(),
                            "serve the full chain (leaf first) of a certificate from a public CA that names " + host));
                }
                tls = lenient;
                session = client.handshake(lenient, httpsPort);
            }
            describeCertificate(session, tls == verifying);
        } catch (IOException e) {
            findings.add(Finding.fail("tls.connect", "no TLS handshake with " + host + ":" + httpsPort + ": " + e.getMessage(),
                    "make the site answer TLS on port " + httpsPort));
            tls = null;
        }
    }

    private void describeCertificate(ProbeClient.Handshake handshake, boolean verified) throws IOException {
        Certificate[] chain = handshake.session().getPeerCertificates();
        X509Certificate leaf = (X509Certificate) chain[0];
        Instant notAfter = leaf.getNotAfter().toInstant();
        long days = Duration.between(clock.instant(), notAfter).toDays();
        String subject = leaf.getSubjectX500Principal().getName() + ", issued by " + leaf.getIssuerX500Principal().getName()
                + ", " + chain.length + " certificate" + (chain.length == 1 ? "" : "s") + " in the chain";
        if (verified) {
            findings.add(Finding.pass("tls.certificate", "trusted, names " + host + ": " + subject));
        } else if (options.insecure()) {
            findings.add(Finding.info("tls.certificate", "trust not checked (--insecure): " + subject));
        }
        if (days < 0) {
            findings.add(Finding.fail("tls.expiry", "expired on " + notAfter, "renew the certificate"));
        } else if (Duration.between(clock.instant(), notAfter).compareTo(EXPIRY_WARNING) < 0) {
            findings.add(Finding.warn("tls.expiry", "expires in " + days + " days, on " + notAfter,
                    "renew it now (certbot renew), and check that renewals run"));
        } else {
            findings.add(Finding.pass("tls.expiry", "expires in " + days + " days, on " + notAfter));
        }
        byte[] ocsp = handshake.ocspResponse();
        findings.add(Finding.info("tls.ocsp", ocsp != null && ocsp.length > 0
                ? "OCSP response stapled (" + ocsp.length + " bytes)" : "no OCSP response stapled"));
    }

    private void tlsVersionsAndSuites() {
        if (!TlsScan.available()) {
            findings.add(Finding.info("tls.versions", "not checked: BoringSSL (netty-tcnative) is not available on this platform"));
            return;
        }
        TlsScan scan = new TlsScan(client, httpsPort);
        try {
            List<String> accepted = scan.acceptedVersions();
            for (String old : List.of("TLSv1", "TLSv1.1")) {
                if (accepted.contains(old)) {
                    findings.add(Finding.fail("tls.versions", "accepts " + old,
                            "allow only TLS 1.2 and 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)"));
                }
            }
            if (!accepted.contains("TLSv1.2") && !accepted.contains("TLSv1.3")) {
                findings.add(Finding.fail("tls.versions", "accepts neither TLS 1.2 nor 1.3 (accepted: " + accepted + ")",
                        "enable TLS 1.2 and 1.3"));
            } else if (accepted.stream().noneMatch(v -> v.equals("TLSv1") || v.equals("TLSv1.1"))) {
                findings.add(Finding.pass("tls.versions", "accepts " + String.join(", ", accepted) + " only"));
            }
            String cbc = scan.acceptedSuite(TlsScan.CBC);
            findings.add(cbc == null ? Finding.pass("tls.cbc", "refuses CBC suites")
                    : Finding.fail("tls.cbc", "accepts the CBC suite " + cbc,
                            "allow only AEAD suites (AES-GCM, ChaCha20-Poly1305) with ECDHE"));
            String rsa = scan.acceptedSuite(TlsScan.NO_FORWARD_SECRECY);
            findings.add(rsa == null ? Finding.pass("tls.forward-secrecy", "refuses suites without forward secrecy")
                    : Finding.fail("tls.forward-secrecy", "accepts " + rsa + " (RSA key transport: no forward secrecy)",
                            "allow only ECDHE suites"));
        } catch (SSLException e) {
            findings.add(Finding.info("tls.versions", "not checked: " + e.getMessage()));
        }
    }

    // --- plain HTTP ---------------------------------------------------------------------------

    private void plainHttp() {
        int port = options.httpPort();
        String deep = "/tlsfront-probe/deep/path?a=1&b=two";
        for (String path : List.of("/", deep)) {
            Response response;
            try {
                response = client.request(Optional.empty(), port, HttpMethod.GET, path, hostHeader(port, 80));
            } catch (IOException e) {
                findings.add(Finding.fail("http.redirect", "http://" + hostHeader(port, 80) + path + ": " + e.getMessage(),
                        "listen on port " + port + " and answer every request with a 301 to https://"));
                return;
            }
            String shown = "http://" + hostHeader(port, 80) + path + " -> " + response.status()
                    + response.first("location").map(l -> " " + l).orElse("");
            String expected = httpsOrigin() + path;
            if (response.status() >= 200 && response.status() < 300) {
                findings.add(Finding.fail("http.redirect", shown + ": the page is served over plain HTTP",
                        "answer every plain-HTTP request with a 301 to https:// (never forward it to the app)"));
            } else if (!response.isRedirect()) {
                findings.add(Finding.fail("http.redirect", shown + ": not a redirect",
                        "answer every plain-HTTP request with a 301 to https://"));
            } else if (!response.first("location").get().equals(expected)) {
                findings.add(Finding.fail("http.redirect", shown + " (expected " + expected + ")",
                        "redirect to the same host and path on https:// (nginx: return 301 https://$host$request_uri;)"));
            } else if (response.status() != 301 && response.status() != 308) {
                findings.add(Finding.fail("http.redirect", shown + ": not permanent",
                        "use 301 (or 308), so that browsers and search engines remember it"));
            } else {
                findings.add(Finding.pass("http.redirect", shown));
            }
            if (!response.all("strict-transport-security").isEmpty()) {
                findings.add(Finding.fail("http.hsts", "Strict-Transport-Security sent over plain HTTP on " + path + ": "
                        + response.all("strict-transport-security"), "send HSTS only on HTTPS responses (RFC 6797 §7.2)"));
            }
            if (!response.all("set-cookie").isEmpty()) {
                findings.add(Finding.fail("http.cookies", "cookies set over plain HTTP on " + path + ": "
                        + response.all("set-cookie"), "do not forward plain-HTTP requests to the app; redirect them"));
            }
            if (response.isRedirect() && response.body().length() > 512) {
                findings.add(Finding.warn("http.body", "the redirect for " + path + " carries a " + response.body().length()
                        + "-byte body", "answer plain HTTP with the redirect alone, not a page"));
            }
        }
        if (findings.stream().noneMatch(f -> f.check().equals("http.hsts"))) {
            findings.add(Finding.pass("http.hsts", "no Strict-Transport-Security over plain HTTP"));
        }
        if (findings.stream().noneMatch(f -> f.check().equals("http.cookies"))) {
            findings.add(Finding.pass("http.cookies", "no cookies over plain HTTP"));
        }
        try {
            Response spoofedHost = client.request(Optional.empty(), port, HttpMethod.GET, "/", "evil.example");
            if (spoofedHost.first("location").filter(l -> l.toLowerCase(Locale.ROOT).contains("evil.example")).isPresent()) {
                findings.add(Finding.fail("http.host", "Host: evil.example -> " + spoofedHost.first("location").get(),
                        "redirect only to the site's own names, never to the Host a client sent"));
            } else {
                findings.add(Finding.pass("http.host", "Host: evil.example is not echoed into the redirect"));
            }
        } catch (IOException e) {
            findings.add(Finding.info("http.host", "Host: evil.example: " + e.getMessage()));
        }
    }

    // --- pages: redirects and mixed content ----------------------------------------------------

    private Response get(String target, String... extra) throws IOException {
        Response response = client.request(Optional.of(tls), httpsPort, HttpMethod.GET, target, hostHeader(httpsPort, 443), extra);
        httpsResponses.add(response);
        if (response.isRedirect()) {
            httpsRedirects.add(response);
        }
        return response;
    }

    private void follow(String path) {
        String target = path;
        List<String> chain = new ArrayList<>();
        chain.add(httpsOrigin() + path);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Response response;
            try {
                response = get(target);
            } catch (IOException e) {
                findings.add(Finding.fail("page", httpsOrigin() + target + ": " + e.getMessage(), "make the page answer over HTTPS"));
                return;
            }
            if (startPage == null) {
                startPage = target;
            }
            if (!response.isRedirect()) {
                if (chain.size() > 1) {
                    findings.add(Finding.pass("redirects", String.join(" -> ", chain) + " (" + response.status() + ")"));
                }
                mixedContent(httpsOrigin() + target, response);
                return;
            }
            URI next = URI.create(httpsOrigin() + target).resolve(response.first("location").get().strip());
            chain.add(next.toString());
            if (sameSite(next) && "http".equals(next.getScheme())) {
                findings.add(Finding.fail("redirects", "the app redirects to plain HTTP: " + String.join(" -> ", chain),
                        "make the app build https:// URLs (trust X-Forwarded-Proto from the proxy, e.g. Django's "
                                + "SECURE_PROXY_SSL_HEADER), or rewrite Location at the proxy"));
                return;
            }
            if (!sameSite(next) || !"https".equals(next.getScheme())) {
                findings.add(Finding.info("redirects", String.join(" -> ", chain) + ": leaves the site; not followed"));
                return;
            }
            target = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        }
        findings.add(Finding.fail("redirects", "more than " + MAX_REDIRECTS + " redirects: " + String.join(" -> ", chain),
                "break the redirect loop (often the app redirecting to HTTPS because it does not see it is behind one)"));
    }

    private boolean sameSite(URI uri) {
        return uri.getHost() != null && uri.getHost().equalsIgnoreCase(host);
    }

    private void mixedContent(String pageUrl, Response response) {
        if (!response.first("content-type").map(t -> t.toLowerCase(Locale.ROOT).startsWith("text/html")).orElse(false)) {
            return;
        }
        Document page = Jsoup.parse(response.body(), pageUrl);
        List<String> own = new ArrayList<>();
        List<String> forms = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (Element element : page.select("[href], [src], form[action]")) {
            for (String attribute : List.of("href", "src", "action")) {
                if (!element.hasAttr(attribute)) {
                    continue;
                }
                String value = element.absUrl(attribute);
                if (!value.regionMatches(true, 0, "http://", 0, 7)) {
                    continue;
                }
                URI uri;
                try {
                    uri = URI.create(value);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                String shown = "<" + element.tagName() + " " + attribute + "=\"" + element.attr(attribute) + "\">";
                if (sameSite(uri)) {
                    (element.tagName().equals("form") ? forms : own).add(shown);
                } else if (!element.tagName().equals("a")) {
                    others.add(shown);
                }
            }
        }
        for (String form : forms) {
            findings.add(Finding.fail("mixed-content", pageUrl + ": a form posts to plain HTTP: " + form,
                    "make the app build https:// (or relative) URLs; the proxy cannot rewrite page bodies"));
        }
        if (!own.isEmpty()) {
            findings.add(Finding.fail("mixed-content", pageUrl + ": " + own.size() + " http:// link(s) to the site itself, e.g. "
                    + own.get(0), "make the app build https:// (or relative) URLs"));
        }
        if (!others.isEmpty()) {
            findings.add(Finding.warn("mixed-content", pageUrl + ": " + others.size() + " resource(s) from other sites over http://, e.g. "
                    + others.get(0), "load them over https://"));
        }
        if (forms.isEmpty() && own.isEmpty() && others.isEmpty()) {
            findings.add(Finding.pass("mixed-content", pageUrl + ": no http:// links, sources or form actions"));
        }
    }

    private void notFound() {
        try {
            get("/tlsfront-probe-" + Long.toHexString(clock.millis()) + "-not-found");
        } catch (IOException e) {
            findings.add(Finding.info("page", "a path that does not exist: " + e.getMessage()));
        }
    }

    // --- HSTS and cookies over everything seen -------------------------------------------------

    private void hsts() {
        boolean redirectSeen = !httpsRedirects.isEmpty();
        long minMaxAge = Long.MAX_VALUE;
        boolean subdomains = true;
        boolean preload = false;
        boolean problem = false;
        for (Response response : httpsResponses) {
            List<String> values = response.all("strict-transport-security");
            String what = "an HTTPS " + response.status() + " response";
            if (values.isEmpty()) {
                findings.add(Finding.fail("hsts", "missing on " + what,
                        "send Strict-Transport-Security on every HTTPS response, errors and redirects included (nginx: add_header ... always;)"));
                problem = true;
                continue;
            }
            if (values.size() > 1) {
                findings.add(Finding.fail("hsts", "sent " + values.size() + " times on " + what + ": " + values,
                        "send it once: set it at the proxy and remove the app's own, or the other way round"));
                problem = true;
            }
            String value = values.get(0).toLowerCase(Locale.ROOT);
            long maxAge = -1;
            for (String directive : value.split(";")) {
                String d = directive.strip();
                if (d.startsWith("max-age=")) {
                    try {
                        maxAge = Long.parseLong(d.substring(8).replace("\"", "").strip());
                    } catch (NumberFormatException e) {
                        maxAge = -1;
                    }
                }
            }
            if (maxAge < 0) {
                findings.add(Finding.fail("hsts", "no valid max-age in \"" + values.get(0) + "\"", "send max-age=63072000"));
                problem = true;
                continue;
            }
            minMaxAge = Math.min(minMaxAge, maxAge);
            subdomains &= value.contains("includesubdomains");
            preload |= value.contains("preload");
        }
        if (minMaxAge == Long.MAX_VALUE) {
            return;
        }
        if (!problem) {
            findings.add(Finding.pass("hsts", "once on each of " + httpsResponses.size() + " HTTPS responses (including a 404"
                    + (redirectSeen ? " and a redirect" : "") + ")"));
        }
        if (!redirectSeen) {
            findings.add(Finding.info("hsts", "no HTTPS redirect was seen to check (give one with --path)"));
        }
        if (minMaxAge < SIX_MONTHS) {
            findings.add(Finding.warn("hsts.max-age", "max-age=" + minMaxAge + " (" + minMaxAge / 86400 + " days)",
                    "raise it to at least 6 months (15768000), 2 years (63072000) once everything works over HTTPS"));
        } else {
            findings.add(Finding.pass("hsts.max-age", "max-age=" + minMaxAge + " (" + minMaxAge / 86400 + " days)"));
        }
        findings.add(Finding.info("hsts.directives", "includeSubDomains " + (subdomains ? "yes" : "no") + ", preload " + (preload ? "yes" : "no")));
        if (preload) {
            List<String> missing = new ArrayList<>();
            if (minMaxAge < ONE_YEAR) {
                missing.add("max-age of at least 31536000");
            }
            if (!subdomains) {
                missing.add("includeSubDomains");
            }
            if (findings.stream().anyMatch(f -> f.check().equals("http.redirect") && f.status() == Finding.Status.FAIL)) {
                missing.add("a redirect from http:// to https:// on the same host");
            }
            findings.add(missing.isEmpty() ? Finding.pass("hsts.preload", "meets the preload list's rules")
                    : Finding.fail("hsts.preload", "claims preload without " + String.join(", ", missing),
                            "meet hstspreload.org's rules, or drop preload"));
        }
    }

    private void cookies() {
        int seen = 0;
        List<String> notes = new ArrayList<>();
        for (Response response : httpsResponses) {
            for (String line : response.all("set-cookie")) {
                seen++;
                SecureCookies.Attributes cookie = SecureCookies.Attributes.of(line);
                String name = cookie.name();
                if (!cookie.secure()) {
                    findings.add(Finding.fail("cookies", "cookie " + name + " without Secure: " + line,
                            "add Secure to every cookie (the app's SESSION_COOKIE_SECURE, or the proxy)"));
                }
                if (name.regionMatches(true, 0, "__Secure-", 0, 9) && !cookie.secure()) {
                    findings.add(Finding.fail("cookies.prefix", "cookie " + name + " has the __Secure- prefix without Secure",
                            "add Secure: browsers refuse the cookie otherwise"));
                }
                String hostProblem = SecureCookies.hostPrefixProblem(line);
                if (hostProblem != null) {
                    findings.add(Finding.fail("cookies.prefix", hostProblem, "give __Host- cookies Secure, Path=/ and no Domain"));
                }
                notes.add(name + " (" + (cookie.httpOnly() ? "HttpOnly" : "no HttpOnly") + ", "
                        + (cookie.sameSite() ? "SameSite" : "no SameSite") + ")");
            }
        }
        if (seen == 0) {
            findings.add(Finding.info("cookies", "no cookies set on the pages fetched"));
            return;
        }
        if (findings.stream().noneMatch(f -> f.check().equals("cookies") && f.status() == Finding.Status.FAIL)) {
            findings.add(Finding.pass("cookies", seen + " cookie(s), all Secure"));
        }
        findings.add(Finding.info("cookies.attributes", String.join(", ", notes)));
    }

    // --- spoofed forwarding headers ------------------------------------------------------------

    private void spoofing() {
        if (startPage == null) {
            return;
        }
        try {
            Response plain = client.request(Optional.of(tls), httpsPort, HttpMethod.GET, startPage, hostHeader(httpsPort, 443));
            Response spoofed = client.request(Optional.of(tls), httpsPort, HttpMethod.GET, startPage, hostHeader(httpsPort, 443),
                    "X-Forwarded-Proto", "http", "X-Forwarded-For", "203.0.113.7");
            String shown = "X-Forwarded-Proto: http, X-Forwarded-For: 203.0.113.7 -> " + spoofed.status()
                    + spoofed.first("location").map(l -> " " + l).orElse("");
            Optional<String> location = spoofed.first("location");
            if (location.filter(l -> l.regionMatches(true, 0, "http://", 0, 7)).isPresent()) {
                findings.add(Finding.fail("spoofing", shown + ": a client-sent header made the site redirect to plain HTTP",
                        "remove X-Forwarded-* sent by clients at the proxy and set them itself"));
            } else if (spoofed.isRedirect() && URI.create(httpsOrigin() + startPage).equals(
                    URI.create(httpsOrigin() + startPage).resolve(location.get()))) {
                findings.add(Finding.fail("spoofing", shown + ": redirects to itself (a loop)",
                        "remove X-Forwarded-* sent by clients at the proxy and set them itself"));
            } else if (spoofed.status() != plain.status()) {
                findings.add(Finding.warn("spoofing", shown + " instead of " + plain.status(),
                        "remove X-Forwarded-* sent by clients at the proxy and set them itself"));
            } else {
                findings.add(Finding.pass("spoofing", shown + ", as without them"));
            }
        } catch (IOException e) {
            findings.add(Finding.info("spoofing", "not checked: " + e.getMessage()));
        }
    }
}
