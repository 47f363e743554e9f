package dev.tlsfront.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The syntax of a host as it may appear in {@code hosts} and in a Host header (RFC 3986 §3.2.2): a
 * DNS name, an IPv4 address, or an IPv6 address (bare here; brackets belong to the header form).
 */
public final class HostName {

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9_.-]+)?");

    private HostName() {}

    /** True for a DNS name, an IPv4 address or a bare IPv6 address. */
    public static boolean isValid(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return IPV6.matcher(host).matches() && host.indexOf(":::") < 0;
        }
        return DNS_NAME.matcher(host).matches();
    }

    /** The form hosts are compared in: lower case, without a trailing dot. */
    public static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
