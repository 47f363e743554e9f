package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.ProbeClient.Response;
import dev.tlsfront.cli.probe.SiteVisit.Chain;
import dev.tlsfront.cli.probe.SiteVisit.End;
import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The HTML pages reached link, load and post over https:// only. Links to other sites are theirs to
 * fix; resources loaded from them over http:// are a warning, the site's own http:// URLs a failure.
 */
final class MixedContentCheck implements ProbeCheck {

    @Override
    public List<Finding> findings(SiteVisit visit) {
        List<Finding> out = new ArrayList<>();
        for (Chain chain : visit.chains()) {
            if (chain.end() == End.ANSWERED) {
                out.addAll(page(visit.host(), chain.last()));
            }
        }
        return out;
    }

    private static List<Finding> page(String host, Fetch fetch) {
        Response response = fetch.response();
        if (!response.first("content-type").map(t -> t.toLowerCase(Locale.ROOT).startsWith("text/html")).orElse(false)) {
            return List.of();
        }
        Document page = Jsoup.parse(response.body(), fetch.url());
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
                if (uri.getHost() != null && uri.getHost().equalsIgnoreCase(host)) {
                    (element.tagName().equals("form") ? forms : own).add(shown);
                } else if (!element.tagName().equals("a")) {
                    others.add(shown);
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        int status = response.status();
        for (String form : forms) {
            out.add(Finding.fail("mixed-content", fetch.url(), "a form posts to plain HTTP: " + form,
                    "make the app build https:// (or relative) URLs; the proxy cannot rewrite page bodies")
                    .withStatus(status).with("element", form));
        }
        if (!own.isEmpty()) {
            out.add(Finding.fail("mixed-content", fetch.url(), own.size() + " http:// link(s) to the site itself, e.g. "
                    + own.get(0), "make the app build https:// (or relative) URLs").withStatus(status).with("elements", own));
        }
        if (!others.isEmpty()) {
            out.add(Finding.warn("mixed-content", fetch.url(), others.size()
                    + " resource(s) from other sites over http://, e.g. " + others.get(0), "load them over https://")
                    .withStatus(status).with("elements", others));
        }
        if (out.isEmpty()) {
            out.add(Finding.pass("mixed-content", fetch.url(), "no http:// links, sources or form actions").withStatus(status));
        }
        return out;
    }
}
