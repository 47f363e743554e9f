package dev.tlsfront.cli.probe;

import java.io.File;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a live site against the HTTPS-only checklist, from the outside, with GET only and never
 * leaving the site: first everything is fetched ({@link SiteFetcher}), then each check judges what
 * was fetched, in the order of the report. Nothing here throws for what the site does wrong.
 */
public final class SiteProbe {

    /** The checklist, in the order of the report. */
    static final List<ProbeCheck> CHECKS = List.of(
            new CertificateCheck(),
            new TlsVersionsCheck(),
            new PlainHttpCheck(),
            new RedirectsCheck(),
            new MixedContentCheck(),
            new HstsCheck(),
            new CookiesCheck(),
            new SpoofingCheck());

    /**
     * @param url the site's start URL (https://)
     * @param paths more paths to fetch and follow
     * @param httpPort the plaintext port
     * @param caFile trust these certificates instead of the JDK's (null: the JDK's)
     * @param insecure do not judge the certificate's trust (its dates and names are still reported)
     * @param resolve connect here instead of resolving the host
     */
    public record Options(URI url, List<String> paths, int httpPort, File caFile, boolean insecure,
            Optional<InetAddress> resolve) {}

    private final Options options;
    private final Clock clock;

    public SiteProbe(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    public List<Finding> run(String userAgent) {
        String host = options.url().getHost().toLowerCase(Locale.ROOT);
        try (ProbeClient client = new ProbeClient(host, options.resolve(), userAgent)) {
            return judge(new SiteFetcher(options, clock, client).visit());
        }
    }

    /** Every check's findings over one visit, in order, each distinct finding once. */
    static List<Finding> judge(SiteVisit visit) {
        Set<Finding> findings = new LinkedHashSet<>();
        for (ProbeCheck check : CHECKS) {
            findings.addAll(check.findings(visit));
        }
        return new ArrayList<>(findings);
    }
}
