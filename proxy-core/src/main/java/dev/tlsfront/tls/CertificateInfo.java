package dev.tlsfront.tls;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What an operator needs to know of a certificate: the names it serves, when it expires, its key
 * type and its SHA-256 fingerprint.
 */
public record CertificateInfo(List<String> names, Instant notAfter, String keyType, String sha256) {

    public CertificateInfo {
        names = List.copyOf(names);
    }

    public static CertificateInfo of(X509Certificate certificate) {
        return new CertificateInfo(names(certificate), certificate.getNotAfter().toInstant(),
                certificate.getPublicKey().getAlgorithm(), fingerprint(certificate));
    }

    /** DNS and IP subject alternative names, lower case; the subject CN only when there are none. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            var sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    } else if (type == 7) {
                        names.add(normalizeIp((String) san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // fall through to the CN
        }
        if (names.isEmpty()) {
            String dn = certificate.getSubjectX500Principal().getName();
            for (String part : dn.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /**
     * Whether the certificate is valid for {@code host} (normalised, as in the config): a name equal to
     * it, or a wildcard standing for exactly its first label (RFC 6125 §6.4.3), or the same IP address.
     */
    public boolean covers(String host) {
        String wanted = host.indexOf(':') >= 0 ? normalizeIp(host) : host;
        int dot = wanted.indexOf('.');
        for (String name : names) {
            if (name.equals(wanted) || dot > 0 && name.startsWith("*.") && name.substring(2).equals(wanted.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    private static String normalizeIp(String ip) {
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return ip;
        }
    }

    /** The SHA-256 of the DER encoding, as colon-separated upper-case hex (as browsers show it). */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return String.join(", ", names) + " (" + keyType + ", expires " + notAfter + ", SHA-256 " + sha256 + ")";
    }
}
