package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Strict-Transport-Security once on every HTTPS response, errors and redirects included, with a
 * max-age long enough to matter; and, where it claims preload, meeting the preload list's rules.
 */
final class HstsCheck implements ProbeCheck {

    static final long SIX_MONTHS = 15_768_000;
    static final long ONE_YEAR = 31_536_000;

    @Override
    public List<Finding> findings(SiteVisit visit) {
        List<Fetch> responses = visit.httpsResponses();
        if (responses.isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        long minMaxAge = Long.MAX_VALUE;
        boolean subdomains = true;
        boolean preload = false;
        boolean redirectSeen = false;
        for (Fetch fetch : responses) {
            int status = fetch.response().status();
            redirectSeen |= fetch.response().isRedirect();
            List<String> values = fetch.response().all("strict-transport-security");
            if (values.isEmpty()) {
                out.add(Finding.fail("hsts", fetch.url(), "missing on an HTTPS " + status + " response",
                        "send Strict-Transport-Security on every HTTPS response, errors and redirects included"
                                + " (nginx: add_header ... always;)").withStatus(status));
                continue;
            }
            if (values.size() > 1) {
                out.add(Finding.fail("hsts", fetch.url(), "sent " + values.size() + " times: " + values,
                        "send it once: set it at the proxy and remove the app's own, or the other way round")
                        .withStatus(status).with("strict_transport_security", values));
            }
            long maxAge = maxAge(values.get(0));
            if (maxAge < 0) {
                out.add(Finding.fail("hsts", fetch.url(), "no valid max-age in \"" + values.get(0) + "\"",
                        "send max-age=63072000").withStatus(status).with("strict_transport_security", values));
                continue;
            }
            String value = values.get(0).toLowerCase(Locale.ROOT);
            minMaxAge = Math.min(minMaxAge, maxAge);
            subdomains &= value.contains("includesubdomains");
            preload |= value.contains("preload");
        }
        String origin = visit.httpsOrigin() + "/";
        if (out.isEmpty()) {
            out.add(Finding.pass("hsts", origin, "once on each of " + responses.size() + " HTTPS responses"
                    + seen(visit, redirectSeen)).with("responses", responses.size()));
        }
        if (!redirectSeen) {
            out.add(Finding.info("hsts", origin, "no HTTPS redirect was seen to check (give one with --path)"));
        }
        if (minMaxAge == Long.MAX_VALUE) {
            return out;
        }
        Finding age = minMaxAge < SIX_MONTHS
                ? Finding.warn("hsts.max-age", origin, "max-age=" + minMaxAge + " (" + minMaxAge / 86400 + " days)",
                        "raise it to at least 6 months (15768000), 2 years (63072000) once everything works over HTTPS")
                : Finding.pass("hsts.max-age", origin, "max-age=" + minMaxAge + " (" + minMaxAge / 86400 + " days)");
        out.add(age.with("max_age", minMaxAge));
        out.add(Finding.info("hsts.directives", origin, "includeSubDomains " + (subdomains ? "yes" : "no")
                + ", preload " + (preload ? "yes" : "no")).with("include_subdomains", subdomains).with("preload", preload));
        if (preload) {
            List<String> missing = new ArrayList<>();
            if (minMaxAge < ONE_YEAR) {
                missing.add("max-age of at least 31536000");
            }
            if (!subdomains) {
                missing.add("includeSubDomains");
            }
            boolean plainRedirects = new PlainHttpCheck().findings(visit).stream()
                    .noneMatch(f -> f.check().equals("http.redirect") && f.status() == Finding.Status.FAIL);
            if (!plainRedirects) {
                missing.add("a redirect from http:// to https:// on the same host");
            }
            out.add(missing.isEmpty() ? Finding.pass("hsts.preload", origin, "meets the preload list's rules")
                    : Finding.fail("hsts.preload", origin, "claims preload without " + String.join(", ", missing),
                            "meet hstspreload.org's rules, or drop preload").with("missing", missing));
        }
        return out;
    }

    /** What the responses included, as far as it was seen: only claims a 404 if one came back. */
    private static String seen(SiteVisit visit, boolean redirectSeen) {
        List<String> kinds = new ArrayList<>();
        if (visit.notFound() != null && visit.notFound().ok()) {
            int status = visit.notFound().response().status();
            kinds.add(status == 404 ? "a 404" : "the " + status + " for a path that does not exist");
        }
        if (redirectSeen) {
            kinds.add("a redirect");
        }
        return kinds.isEmpty() ? "" : " (including " + String.join(" and ", kinds) + ")";
    }

    /** The max-age in seconds, or -1 when there is none that parses. */
    static long maxAge(String header) {
        long maxAge = -1;
        for (String directive : header.split(";")) {
            String d = directive.strip().toLowerCase(Locale.ROOT);
            if (d.startsWith("max-age=")) {
                try {
                    maxAge = Long.parseLong(d.substring(8).replace("\"", "").strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return maxAge;
    }
}
