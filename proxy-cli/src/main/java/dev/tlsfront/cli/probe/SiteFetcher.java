package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.ProbeClient.Response;
import dev.tlsfront.cli.probe.SiteVisit.Chain;
import dev.tlsfront.cli.probe.SiteVisit.End;
import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Fetches what the checks judge, with GET only and never leaving the site: the TLS handshake and
 * scan, plain HTTP on {@code /}, a deep path and with a spoofed Host, each start page with its
 * redirects, a page that does not exist, and the start page with spoofed forwarding headers.
 */
final class SiteFetcher {

    static final int MAX_REDIRECTS = 10;
    static final String DEEP_PATH = "/tlsfront-probe/deep/path?a=1&b=two";

    private final SiteProbe.Options options;
    private final Clock clock;
    private final ProbeClient client;
    private final String host;
    private final int httpsPort;
    private SslContext tls;

    SiteFetcher(SiteProbe.Options options, Clock clock, ProbeClient client) {
        this.options = options;
        this.clock = clock;
        this.client = client;
        this.host = options.url().getHost().toLowerCase(Locale.ROOT);
        this.httpsPort = options.url().getPort() > 0 ? options.url().getPort() : 443;
    }

    SiteVisit visit() {
        String httpsOrigin = "https://" + hostHeader(httpsPort, 443);
        String httpOrigin = "http://" + hostHeader(options.httpPort(), 80);
        boolean byAddress = host.indexOf(':') >= 0 || host.matches("[0-9.]+") || host.startsWith("[");
        SiteVisit.Tls tlsSeen = tls();
        if (tlsSeen.connectError() != null) {
            return new SiteVisit(host, byAddress, httpsOrigin, httpOrigin, clock.instant(), tlsSeen, List.of(), null,
                    List.of(), null, null, null);
        }
        List<Fetch> plain = new ArrayList<>();
        for (String path : List.of("/", DEEP_PATH)) {
            plain.add(plain(path, hostHeader(options.httpPort(), 80)));
        }
        Fetch spoofedHost = plain.get(0).ok() ? plain("/", "evil.example") : null;
        List<Chain> chains = new ArrayList<>();
        for (String path : pages()) {
            chains.add(follow(path, httpsOrigin));
        }
        Fetch notFound = https(httpsOrigin, "/tlsfront-probe-" + Long.toHexString(clock.millis()) + "-not-found");
        Fetch baseline = null;
        Fetch spoofed = null;
        String start = chains.isEmpty() || !chains.get(0).hops().get(0).ok() ? null : pathOf(chains.get(0).hops().get(0).url());
        if (start != null) {
            baseline = https(httpsOrigin, start);
            spoofed = https(httpsOrigin, start, "X-Forwarded-Proto", "http", "X-Forwarded-For", "203.0.113.7");
        }
        return new SiteVisit(host, byAddress, httpsOrigin, httpOrigin, clock.instant(), tlsSeen, plain, spoofedHost,
                chains, notFound, baseline, spoofed);
    }

    private String hostHeader(int port, int defaultPort) {
        return port == defaultPort ? host : host + ":" + port;
    }

    private List<String> pages() {
        Set<String> pages = new LinkedHashSet<>();
        String start = options.url().getRawPath() == null || options.url().getRawPath().isEmpty() ? "/" : options.url().getRawPath();
        pages.add(options.url().getRawQuery() == null ? start : start + "?" + options.url().getRawQuery());
        pages.addAll(options.paths());
        return List.copyOf(pages);
    }

    private static String pathOf(String url) {
        URI uri = URI.create(url);
        return (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private SiteVisit.Tls tls() {
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
            String trustError = null;
            try {
                session = client.handshake(verifying, httpsPort);
                tls = verifying;
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("cannot connect")) {
                    return SiteVisit.Tls.unreachable(e.getMessage());
                }
                trustError = e.getMessage();
                tls = lenient;
                session = client.handshake(lenient, httpsPort);
            }
            Certificate[] chain = session.session().getPeerCertificates();
            List<String> versions = null;
            String cbc = null;
            String rsa = null;
            String notScanned = null;
            if (!TlsScan.available()) {
                notScanned = "BoringSSL (netty-tcnative) is not available on this platform";
            } else {
                TlsScan scan = new TlsScan(client, httpsPort);
                try {
                    versions = scan.acceptedVersions();
                    cbc = scan.acceptedSuite(TlsScan.CBC);
                    rsa = scan.acceptedSuite(TlsScan.NO_FORWARD_SECRECY);
                } catch (SSLException e) {
                    notScanned = e.getMessage();
                }
            }
            return new SiteVisit.Tls(null, tls == verifying, trustError, options.insecure(), (X509Certificate) chain[0],
                    chain.length, session.ocspResponse(), versions, cbc, rsa, notScanned);
        } catch (IOException e) {
            return SiteVisit.Tls.unreachable("no TLS handshake with " + host + ":" + httpsPort + ": " + e.getMessage());
        }
    }

    private Fetch plain(String path, String hostHeader) {
        String url = "http://" + hostHeader(options.httpPort(), 80) + path;
        try {
            return Fetch.answered(url, client.request(Optional.empty(), options.httpPort(), HttpMethod.GET, path, hostHeader));
        } catch (IOException e) {
            return Fetch.failed(url, e.getMessage());
        }
    }

    private Fetch https(String origin, String target, String... extra) {
        String url = origin + target;
        try {
            return Fetch.answered(url, client.request(Optional.of(tls), httpsPort, HttpMethod.GET, target,
                    hostHeader(httpsPort, 443), extra));
        } catch (IOException e) {
            return Fetch.failed(url, e.getMessage());
        }
    }

    private Chain follow(String path, String origin) {
        List<Fetch> hops = new ArrayList<>();
        String target = path;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Fetch fetch = https(origin, target);
            hops.add(fetch);
            if (!fetch.ok()) {
                return new Chain(hops, End.FAILED);
            }
            Response response = fetch.response();
            if (!response.isRedirect()) {
                return new Chain(hops, End.ANSWERED);
            }
            URI next = URI.create(fetch.url()).resolve(response.first("location").get().strip());
            boolean sameSite = next.getHost() != null && next.getHost().equalsIgnoreCase(host);
            if (sameSite && "http".equals(next.getScheme())) {
                hops.add(Fetch.failed(next.toString(), "not followed: plain HTTP"));
                return new Chain(hops, End.TO_PLAIN_HTTP);
            }
            if (!sameSite || !"https".equals(next.getScheme())) {
                hops.add(Fetch.failed(next.toString(), "not followed: another site"));
                return new Chain(hops, End.LEFT_SITE);
            }
            target = next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
        }
        return new Chain(hops, End.TOO_MANY);
    }
}
