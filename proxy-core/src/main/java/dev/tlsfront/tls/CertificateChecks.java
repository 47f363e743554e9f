package dev.tlsfront.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The mistakes a set of certificates can have, found by {@code check}, at start and at every
 * reload, each at the certificate entry's (or host's) place in the config: an expired or not yet
 * valid certificate and a host no certificate covers are errors; a chain without its intermediate, a
 * certificate that names none of the hosts and one that expires within 14 days are warnings.
 * (A key that does not match, or a chain whose leaf is not first, is found while loading.)
 */
public final class CertificateChecks {

    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    /** One certificate file as loaded, with where the config names it. */
    record Entry(String where, Path file, List<X509Certificate> chain) {}

    /** One problem; an error stops a start and keeps a reload from applying. */
    public record Finding(boolean error, String message) {
        @Override
        public String toString() {
            return (error ? "" : "warning: ") + message;
        }
    }

    private CertificateChecks() {}

    /**
     * @param hosts the site's hosts
     * @param hostPosition where each host was written, as a message prefix ("FILE:LINE:COLUMN: " or "")
     * @param othersCover whether hosts no entry covers get certificates otherwise (ACME, self-signed)
     */
    static List<Finding> of(List<Entry> entries, List<String> hosts, Function<String, String> hostPosition,
            boolean othersCover, Instant now) {
        List<Finding> findings = new ArrayList<>();
        for (Entry entry : entries) {
            validity(entry, now, findings);
            intermediate(entry, findings);
            names(entry, hosts, findings);
        }
        if (!othersCover) {
            for (String host : hosts) {
                if (entries.stream().noneMatch(e -> CertificateInfo.of(e.chain().get(0)).covers(host))) {
                    findings.add(new Finding(true, hostPosition.apply(host) + "hosts: '" + host + "' is covered by no"
                            + " certificate (expected: a certificate in https.certificates that names it, or https.acme"
                            + " to get one)"));
                }
            }
        }
        return findings;
    }

    private static void validity(Entry entry, Instant now, List<Finding> findings) {
        X509Certificate leaf = entry.chain().get(0);
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            findings.add(new Finding(true, entry.where() + ": '" + entry.file() + "' is not valid before " + notBefore
                    + " (expected: a certificate valid now; is this machine's clock right?)"));
        } else if (!now.isBefore(notAfter)) {
            findings.add(new Finding(true, entry.where() + ": '" + entry.file() + "' expired on " + notAfter
                    + " (expected: a current certificate: renew it)"));
        } else if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
            findings.add(new Finding(false, entry.where() + ": '" + entry.file() + "' expires in "
                    + Duration.between(now, notAfter).toDays() + " days, on " + notAfter));
        }
    }

    /** A leaf a CA issued must come with the certificate that issued it, unless that is a root. */
    private static void intermediate(Entry entry, List<Finding> findings) {
        X509Certificate leaf = entry.chain().get(0);
        if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())) {
            return;  // self-signed
        }
        boolean issuerPresent = entry.chain().stream().skip(1)
                .anyMatch(c -> c.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()));
        if (!issuerPresent) {
            findings.add(new Finding(false, entry.where() + ": '" + entry.file() + "' has no intermediate certificate"
                    + " for its issuer " + leaf.getIssuerX500Principal().getName() + " (expected: the full chain, leaf"
                    + " first, such as certbot's fullchain.pem; clients that do not have the intermediate cached fail)"));
        }
    }

    private static void names(Entry entry, List<String> hosts, List<Finding> findings) {
        CertificateInfo info = CertificateInfo.of(entry.chain().get(0));
        if (hosts.stream().noneMatch(info::covers)) {
            findings.add(new Finding(false, entry.where() + ": '" + entry.file() + "' names none of hosts (it names "
                    + String.join(", ", info.names()) + ")"));
        }
    }
}
