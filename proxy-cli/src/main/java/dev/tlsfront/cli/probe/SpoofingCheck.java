package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.ProbeClient.Response;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * X-Forwarded-Proto and X-Forwarded-For sent by a client change nothing: the front door drops them
 * and sets its own, so an app that trusts them cannot be talked into plain-HTTP redirects or loops.
 */
final class SpoofingCheck implements ProbeCheck {

    static final String SENT = "X-Forwarded-Proto: http, X-Forwarded-For: 203.0.113.7";
    private static final String FIX = "remove X-Forwarded-* sent by clients at the proxy and set them itself";

    @Override
    public List<Finding> findings(SiteVisit visit) {
        if (visit.spoofed() == null) {
            return List.of();
        }
        String url = visit.spoofed().url();
        if (!visit.spoofed().ok() || !visit.spoofBaseline().ok()) {
            String error = visit.spoofed().ok() ? visit.spoofBaseline().error() : visit.spoofed().error();
            return List.of(Finding.info("spoofing", url, "not checked: " + error));
        }
        Response plain = visit.spoofBaseline().response();
        Response spoofed = visit.spoofed().response();
        Optional<String> location = spoofed.first("location");
        String shown = SENT + " -> " + spoofed.status() + location.map(l -> " " + l).orElse("");
        Finding verdict;
        if (location.filter(l -> l.regionMatches(true, 0, "http://", 0, 7)).isPresent()) {
            verdict = Finding.fail("spoofing", url, shown + ": a client-sent header made the site redirect to plain HTTP", FIX);
        } else if (spoofed.isRedirect() && URI.create(url).equals(URI.create(url).resolve(location.get().strip()))) {
            verdict = Finding.fail("spoofing", url, shown + ": redirects to itself (a loop)", FIX);
        } else if (spoofed.status() != plain.status()) {
            verdict = Finding.warn("spoofing", url, shown + " instead of " + plain.status(), FIX);
        } else {
            verdict = Finding.pass("spoofing", url, shown + ", as without them");
        }
        return List.of(verdict.withStatus(spoofed.status()).with("status_without", plain.status()));
    }
}
