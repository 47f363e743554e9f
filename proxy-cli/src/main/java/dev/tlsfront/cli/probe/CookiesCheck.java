package dev.tlsfront.cli.probe;

import dev.tlsfront.cli.probe.SiteVisit.Fetch;
import dev.tlsfront.http.SecureCookies;
import java.util.ArrayList;
import java.util.List;

/** Every cookie set over HTTPS is Secure, and the __Secure- and __Host- prefixes keep their rules. */
final class CookiesCheck implements ProbeCheck {

    @Override
    public List<Finding> findings(SiteVisit visit) {
        List<Finding> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean insecure = false;
        for (Fetch fetch : visit.httpsResponses()) {
            int status = fetch.response().status();
            for (String line : fetch.response().all("set-cookie")) {
                SecureCookies.Attributes cookie = SecureCookies.Attributes.of(line);
                String name = cookie.name();
                if (!cookie.secure()) {
                    insecure = true;
                    out.add(Finding.fail("cookies", fetch.url(), "cookie " + name + " without Secure: " + line,
                            "add Secure to every cookie (the app's SESSION_COOKIE_SECURE, or the proxy)")
                            .withStatus(status).with("set_cookie", line));
                    if (name.regionMatches(true, 0, "__Secure-", 0, 9)) {
                        out.add(Finding.fail("cookies.prefix", fetch.url(), "cookie " + name
                                + " has the __Secure- prefix without Secure", "add Secure: browsers refuse the cookie otherwise")
                                .withStatus(status).with("set_cookie", line));
                    }
                }
                String hostProblem = SecureCookies.hostPrefixProblem(line);
                if (hostProblem != null) {
                    out.add(Finding.fail("cookies.prefix", fetch.url(), hostProblem,
                            "give __Host- cookies Secure, Path=/ and no Domain").withStatus(status).with("set_cookie", line));
                }
                notes.add(name + " (" + (cookie.httpOnly() ? "HttpOnly" : "no HttpOnly") + ", "
                        + (cookie.sameSite() ? "SameSite" : "no SameSite") + ")");
            }
        }
        String origin = visit.httpsOrigin() + "/";
        if (notes.isEmpty()) {
            return visit.httpsResponses().isEmpty() ? out
                    : List.of(Finding.info("cookies", origin, "no cookies set on the pages fetched"));
        }
        if (!insecure) {
            out.add(0, Finding.pass("cookies", origin, notes.size() + " cookie(s), all Secure"));
        }
        out.add(Finding.info("cookies.attributes", origin, String.join(", ", notes)));
        return out;
    }
}
