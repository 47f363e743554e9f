package dev.tlsfront.config;

import java.util.Locale;

/**
 * The syntax of a host as it may appear in {@code hosts} and in a Host header (RFC 3986 §3.2.2): a
 * DNS name, an IPv4 address, or an IPv6 address (bare here; brackets belong to the header form).
 */
public final class HostName {


    private HostName() {}

    /**
     * True for a DNS name (labels of letters, digits, {@code -} and {@code _}, 1-63 long, not
     * starting or ending with {@code -}; 253 at most, an optional final dot), an IPv4 address or a
     * bare IPv6 address. Checked on every request: no regex.
     */
    public static boolean isValid(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return isIpv6(host);
        }
        int length = host.endsWith(".") ? host.length() - 1 : host.length();
        if (length == 0 || length > 253) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? host.charAt(i) : '.';
            if (c == '.') {
                int label = i - labelStart;
                if (label == 0 || label > 63 || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv6(String host) {
        int zone = host.indexOf('%');
        String address = zone < 0 ? host : host.substring(0, zone);
        if (address.length() < 2 || address.length() > 45 || address.contains(":::")
                || zone >= 0 && zone == host.length() - 1) {
            return false;
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        for (int i = zone + 1; zone >= 0 && i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80 || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The form hosts are compared in: lower case, without a trailing dot. */
    public static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
