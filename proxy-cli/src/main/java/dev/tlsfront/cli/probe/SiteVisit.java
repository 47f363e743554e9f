package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.ProbeClient.Response;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the probe fetched from a site, read-only: the checks judge this and nothing else, so
 * each check is a plain function of it, and can be tested on recorded responses.
 *
 * @param host the site's name as probed (lower case)
 * @param hostIsAddress whether the site was probed by IP address rather than by name
 * @param httpsOrigin {@code https://HOST[:PORT]}
 * @param httpOrigin {@code http://HOST[:PORT]}
 * @param now when the visit was made
 * @param tls the TLS handshakes and scans
 * @param plain the plain-HTTP fetches of {@code /} and a deep path
 * @param spoofedHost a plain-HTTP fetch with {@code Host: evil.example}, or null
 * @param chains each start page with its redirects followed
 * @param notFound a fetch of a path that does not exist, or null
 * @param spoofBaseline the start page again, or null
 * @param spoofed the start page with client-sent X-Forwarded-Proto and -For, or null
 */
record SiteVisit(String host, boolean hostIsAddress, String httpsOrigin, String httpOrigin, Instant now, Tls tls,
        List<Fetch> plain, Fetch spoofedHost, List<Chain> chains, Fetch notFound, Fetch spoofBaseline, Fetch spoofed) {

    /** One request: its URL, and the response or why there was none. */
    record Fetch(String url, Response response, String error) {
        static Fetch answered(String url, Response response) {
            return new Fetch(url, response, null);
        }

        static Fetch failed(String url, String error) {
            return new Fetch(url, null, error);
        }

        boolean ok() {
            return response != null;
        }
    }

    /** How following a page's redirects ended. */
    enum End { ANSWERED, TO_PLAIN_HTTP, LEFT_SITE, TOO_MANY, FAILED }

    /** A page and its redirects, in order; the last hop is where it {@link End ended}. */
    record Chain(List<Fetch> hops, End end) {
        Fetch last() {
            return hops.get(hops.size() - 1);
        }

        List<String> urls() {
            return hops.stream().map(Fetch::url).toList();
        }
    }

    /**
     * The TLS side: whether it connected, whether the certificate was trusted, what it is, and what
     * the scan of versions and suites found.
     *
     * @param connectError why no handshake could be made at all, or null
     * @param trustError why the certificate is not trusted, or null
     * @param versions the versions accepted, or null when not scanned ({@code notScanned} says why)
     * @param cbc a CBC suite accepted, or null
     * @param noForwardSecrecy a suite without forward secrecy accepted, or null
     */
    record Tls(String connectError, boolean verified, String trustError, boolean insecure, X509Certificate leaf,
            int chainLength, byte[] ocsp, List<String> versions, String cbc, String noForwardSecrecy, String notScanned) {
        static Tls unreachable(String why) {
            return new Tls(why, false, null, false, null, 0, null, null, null, null, null);
        }
    }

    /** Every HTTPS response seen, with its URL: the pages, their redirects, and the not-found page. */
    List<Fetch> httpsResponses() {
        List<Fetch> all = new ArrayList<>();
        for (Chain chain : chains) {
            chain.hops().stream().filter(Fetch::ok).forEach(all::add);
        }
        Optional.ofNullable(notFound).filter(Fetch::ok).ifPresent(all::add);
        return all;
    }
}
