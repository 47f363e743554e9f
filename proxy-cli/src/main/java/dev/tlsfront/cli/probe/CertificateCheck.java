package dev.tlsfront.cli.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The certificate: reachable over TLS, trusted for the name, not close to expiry; OCSP stapling reported. */
final class CertificateCheck implements ProbeCheck {

    static final Duration EXPIRY_WARNING = Duration.ofDays(21);

    @Override
    public List<Finding> findings(SiteVisit visit) {
        SiteVisit.Tls tls = visit.tls();
        String origin = visit.httpsOrigin() + "/";
        if (tls.connectError() != null) {
            return List.of(Finding.fail("tls.connect", origin, tls.connectError(),
                    "make the site answer TLS on " + visit.httpsOrigin()));
        }
        List<Finding> out = new ArrayList<>();
        String subject = tls.leaf().getSubjectX500Principal().getName() + ", issued by "
                + tls.leaf().getIssuerX500Principal().getName() + ", " + tls.chainLength() + " certificate"
                + (tls.chainLength() == 1 ? "" : "s") + " in the chain";
        if (tls.verified()) {
            out.add(Finding.pass("tls.certificate", origin, "trusted, names " + visit.host() + ": " + subject));
        } else if (tls.insecure()) {
            out.add(Finding.info("tls.certificate", origin, "trust not checked (--insecure): " + subject));
        } else {
            out.add(Finding.fail("tls.certificate", origin, "not trusted for " + visit.host() + ": " + tls.trustError(),
                    "serve the full chain (leaf first) of a certificate from a public CA that names " + visit.host()));
        }
        Instant notAfter = tls.leaf().getNotAfter().toInstant();
        long days = Duration.between(visit.now(), notAfter).toDays();
        Finding expiry;
        if (notAfter.isBefore(visit.now())) {
            expiry = Finding.fail("tls.expiry", origin, "expired on " + notAfter, "renew the certificate");
        } else if (Duration.between(visit.now(), notAfter).compareTo(EXPIRY_WARNING) < 0) {
            expiry = Finding.warn("tls.expiry", origin, "expires in " + days + " days, on " + notAfter,
                    "renew it now (certbot renew, or https.acme), and check that renewals run");
        } else {
            expiry = Finding.pass("tls.expiry", origin, "expires in " + days + " days, on " + notAfter);
        }
        out.add(expiry.with("not_after", notAfter.toString()).with("days_left", days));
        byte[] ocsp = tls.ocsp();
        out.add(Finding.info("tls.ocsp", origin, ocsp != null && ocsp.length > 0
                ? "OCSP response stapled (" + ocsp.length + " bytes)" : "no OCSP response stapled")
                .with("stapled", ocsp != null && ocsp.length > 0));
        return out;
    }
}
