package dev.tlsfront.cli.probe;

import java.util.ArrayList;
import java.util.List;

/** TLS 1.2 and 1.3 only, AEAD suites only, forward secrecy only. */
final class TlsVersionsCheck implements ProbeCheck {

    @Override
    public List<Finding> findings(SiteVisit visit) {
        SiteVisit.Tls tls = visit.tls();
        String origin = visit.httpsOrigin() + "/";
        if (tls.connectError() != null) {
            return List.of();
        }
        if (tls.versions() == null) {
            return List.of(Finding.info("tls.versions", origin, "not checked: " + tls.notScanned()));
        }
        List<Finding> out = new ArrayList<>();
        List<String> accepted = tls.versions();
        for (String old : List.of("TLSv1", "TLSv1.1")) {
            if (accepted.contains(old)) {
                out.add(Finding.fail("tls.versions", origin, "accepts " + old,
                        "allow only TLS 1.2 and 1.3 (nginx: ssl_protocols TLSv1.2 TLSv1.3;)").with("accepted", accepted));
            }
        }
        if (!accepted.contains("TLSv1.2") && !accepted.contains("TLSv1.3")) {
            out.add(Finding.fail("tls.versions", origin, "accepts neither TLS 1.2 nor 1.3 (accepted: " + accepted + ")",
                    "enable TLS 1.2 and 1.3").with("accepted", accepted));
        } else if (out.isEmpty()) {
            out.add(Finding.pass("tls.versions", origin, "accepts " + String.join(", ", accepted) + " only")
                    .with("accepted", accepted));
        }
        out.add(tls.cbc() == null ? Finding.pass("tls.cbc", origin, "refuses CBC suites")
                : Finding.fail("tls.cbc", origin, "accepts the CBC suite " + tls.cbc(),
                        "allow only AEAD suites (AES-GCM, ChaCha20-Poly1305) with ECDHE").with("suite", tls.cbc()));
        out.add(tls.noForwardSecrecy() == null ? Finding.pass("tls.forward-secrecy", origin, "refuses suites without forward secrecy")
                : Finding.fail("tls.forward-secrecy", origin, "accepts " + tls.noForwardSecrecy()
                        + " (RSA key transport: no forward secrecy)", "allow only ECDHE suites")
                        .with("suite", tls.noForwardSecrecy()));
        return out;
    }
}
