package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.SiteVisit.Chain;
import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import java.util.ArrayList;
import java.util.List;

/**
 * Every page answers over HTTPS, and the app's own redirects stay on https://: an app that does not
 * know it is behind HTTPS builds {@code Location: http://...} and bounces the browser through plain HTTP.
 */
final class RedirectsCheck implements ProbeCheck {

    @Override
    public List<Finding> findings(SiteVisit visit) {
        List<Finding> out = new ArrayList<>();
        for (Chain chain : visit.chains()) {
            String start = chain.hops().get(0).url();
            String shown = String.join(" -> ", chain.urls());
            Fetch last = chain.last();
            switch (chain.end()) {
                case FAILED -> out.add(Finding.fail("page", last.url(), last.error(), "make the page answer over HTTPS"));
                case ANSWERED -> {
                    if (chain.hops().size() > 1) {
                        out.add(Finding.pass("redirects", start, shown + " (" + last.response().status() + ")")
                                .withStatus(chain.hops().get(0).response().status()).with("chain", chain.urls()));
                    }
                }
                case TO_PLAIN_HTTP -> out.add(Finding.fail("redirects", start, "the app redirects to plain HTTP: " + shown,
                        "make the app build https:// URLs (trust X-Forwarded-Proto from the proxy, e.g. Django's "
                                + "SECURE_PROXY_SSL_HEADER), or rewrite Location at the proxy")
                        .withStatus(chain.hops().get(chain.hops().size() - 2).response().status()).with("chain", chain.urls()));
                case LEFT_SITE -> out.add(Finding.info("redirects", start, shown + ": leaves the site; not followed")
                        .with("chain", chain.urls()));
                case TOO_MANY -> out.add(Finding.fail("redirects", start, "more than " + SiteFetcher.MAX_REDIRECTS
                        + " redirects: " + shown, "break the redirect loop (often the app redirecting to HTTPS because"
                        + " it does not see it is behind one)").with("chain", chain.urls()));
            }
        }
        if (visit.notFound() != null && !visit.notFound().ok()) {
            out.add(Finding.info("page", visit.notFound().url(), "a path that does not exist: " + visit.notFound().error()));
        }
        return out;
    }
}
