package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.ProbeClient.Response;
import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain HTTP only redirects: one permanent redirect to the same host and path on https://, no
 * HSTS, no cookies, no page, and never to a Host a client sent.
 */
final class PlainHttpCheck implements ProbeCheck {

    @Override
    public List<Finding> findings(SiteVisit visit) {
        if (visit.plain().isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        boolean hsts = false;
        boolean cookies = false;
        for (Fetch fetch : visit.plain()) {
            String path = fetch.url().substring(visit.httpOrigin().length());
            if (!fetch.ok()) {
                out.add(Finding.fail("http.redirect", fetch.url(), fetch.error(),
                        "listen on " + visit.httpOrigin() + " and answer every request with a 301 to https://"));
                continue;
            }
            Response response = fetch.response();
            String location = response.first("location").orElse(null);
            String shown = fetch.url() + " -> " + response.status() + (location == null ? "" : " " + location);
            String expected = visit.httpsOrigin() + path;
            Finding verdict;
            if (response.status() >= 200 && response.status() < 300) {
                verdict = Finding.fail("http.redirect", fetch.url(), shown + ": the page is served over plain HTTP",
                        "answer every plain-HTTP request with a 301 to https:// (never forward it to the app)");
            } else if (!response.isRedirect()) {
                verdict = Finding.fail("http.redirect", fetch.url(), shown + ": not a redirect",
                        "answer every plain-HTTP request with a 301 to https://");
            } else if (!location.equals(expected) && visit.hostIsAddress() && toAnotherHost(location, visit.host())) {
                // tlsfront (and most front doors) send a request for a host they do not serve to the canonical name.
                verdict = Finding.info("http.redirect", fetch.url(), shown + ": the site was probed by its address and"
                        + " redirects to its name; probe https://" + URI.create(location).getHost() + "/ with --resolve "
                        + URI.create(location).getHost() + ":PORT:" + visit.host() + " to check it under that name");
            } else if (!location.equals(expected)) {
                verdict = Finding.fail("http.redirect", fetch.url(), shown + " (expected " + expected + ")",
                        "redirect to the same host and path on https:// (nginx: return 301 https://$host$request_uri;)");
            } else if (response.status() != 301 && response.status() != 308) {
                verdict = Finding.fail("http.redirect", fetch.url(), shown + ": not permanent",
                        "use 301 (or 308), so that browsers and search engines remember it");
            } else {
                verdict = Finding.pass("http.redirect", fetch.url(), shown);
            }
            out.add(verdict.withStatus(response.status()).with("location", location));
            List<String> sts = response.all("strict-transport-security");
            if (!sts.isEmpty()) {
                hsts = true;
                out.add(Finding.fail("http.hsts", fetch.url(), "Strict-Transport-Security sent over plain HTTP: " + sts,
                        "send HSTS only on HTTPS responses (RFC 6797 §7.2)").withStatus(response.status())
                        .with("strict_transport_security", sts));
            }
            List<String> set = response.all("set-cookie");
            if (!set.isEmpty()) {
                cookies = true;
                out.add(Finding.fail("http.cookies", fetch.url(), "cookies set over plain HTTP: " + set,
                        "do not forward plain-HTTP requests to the app; redirect them").withStatus(response.status())
                        .with("set_cookie", set));
            }
            if (response.isRedirect() && response.body().length() > 512) {
                out.add(Finding.warn("http.body", fetch.url(), "the redirect carries a " + response.body().length()
                        + "-byte body", "answer plain HTTP with the redirect alone, not a page").withStatus(response.status()));
            }
        }
        if (!hsts) {
            out.add(Finding.pass("http.hsts", visit.httpOrigin() + "/", "no Strict-Transport-Security over plain HTTP"));
        }
        if (!cookies) {
            out.add(Finding.pass("http.cookies", visit.httpOrigin() + "/", "no cookies over plain HTTP"));
        }
        Fetch spoofed = visit.spoofedHost();
        if (spoofed != null && spoofed.ok()) {
            String location = spoofed.response().first("location").orElse(null);
            out.add(location != null && location.toLowerCase(Locale.ROOT).contains("evil.example")
                    ? Finding.fail("http.host", spoofed.url(), "Host: evil.example -> " + location,
                            "redirect only to the site's own names, never to the Host a client sent")
                    : Finding.pass("http.host", spoofed.url(), "Host: evil.example is not echoed into the redirect"));
        } else if (spoofed != null) {
            out.add(Finding.info("http.host", spoofed.url(), "Host: evil.example: " + spoofed.error()));
        }
        return out;
    }

    private static boolean toAnotherHost(String location, String host) {
        try {
            URI uri = URI.create(location);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && !uri.getHost().equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
