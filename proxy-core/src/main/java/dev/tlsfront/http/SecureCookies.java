package dev.tlsfront.http;

import dev.tlsfront.config.PolicyConfig;

/**
 * Adds {@code Secure} to a Set-Cookie line that lacks it (and optionally {@code HttpOnly} and
 * {@code SameSite}), keeping everything else in the line byte for byte.
 *
 * <p>The line is read as a browser reads it (RFC 6265bis §5.6): the name and value end at the first
 * {@code ;}, and each attribute after it is matched by name, case-insensitively and ignoring
 * whitespace. So a cookie named or valued {@code secure} still gets the flag, and one whose
 * attributes already say {@code secure} in any spelling is left alone.
 */
public final class SecureCookies {

    private final String suffixHttpOnly;
    private final String sameSite;

    public SecureCookies(PolicyConfig.Cookies config) {
        this.suffixHttpOnly = config.httpOnly() ? "HttpOnly" : null;
        this.sameSite = config.sameSite().map(v -> "SameSite=" + v).orElse(null);
    }

    /** What a Set-Cookie line's attributes say, as far as these rules care. */
    public record Attributes(String name, boolean secure, boolean httpOnly, boolean sameSite, boolean domain, String path) {

        public static Attributes of(String line) {
            int semi = line.indexOf(';');
            String pair = semi < 0 ? line : line.substring(0, semi);
            int eq = pair.indexOf('=');
            String name = eq < 0 ? "" : pair.substring(0, eq).strip();
            boolean secure = false;
            boolean httpOnly = false;
            boolean sameSite = false;
            boolean domain = false;
            String path = null;
            while (semi >= 0) {
                int next = line.indexOf(';', semi + 1);
                String attribute = line.substring(semi + 1, next < 0 ? line.length() : next);
                int aeq = attribute.indexOf('=');
                String attrName = (aeq < 0 ? attribute : attribute.substring(0, aeq)).strip();
                if (attrName.equalsIgnoreCase("secure")) {
                    secure = true;
                } else if (attrName.equalsIgnoreCase("httponly")) {
                    httpOnly = true;
                } else if (attrName.equalsIgnoreCase("samesite")) {
                    sameSite = true;
                } else if (attrName.equalsIgnoreCase("domain")) {
                    domain = true;
                } else if (attrName.equalsIgnoreCase("path")) {
                    path = aeq < 0 ? "" : attribute.substring(aeq + 1).strip();
                }
                semi = next;
            }
            return new Attributes(name, secure, httpOnly, sameSite, domain, path);
        }
    }

    /** The line with the missing attributes appended; the same instance when nothing is missing. */
    public String rewrite(String line) {
        return rewrite(line, Attributes.of(line));
    }

    /** As {@link #rewrite(String)}, with the line's attributes already read. */
    public String rewrite(String line, Attributes attributes) {
        StringBuilder added = null;
        if (!attributes.secure()) {
            added = new StringBuilder("Secure");
        }
        if (suffixHttpOnly != null && !attributes.httpOnly()) {
            added = append(added, suffixHttpOnly);
        }
        if (sameSite != null && !attributes.sameSite()) {
            added = append(added, sameSite);
        }
        if (added == null) {
            return line;
        }
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        boolean endsWithSeparator = end > 0 && line.charAt(end - 1) == ';';
        if (endsWithSeparator) {
            return line + (end == line.length() ? " " : "") + added;
        }
        return line + "; " + added;
    }

    private static StringBuilder append(StringBuilder added, String attribute) {
        return added == null ? new StringBuilder(attribute) : added.append("; ").append(attribute);
    }

    /**
     * Why browsers will reject this cookie for its {@code __Host-} prefix (RFC 6265bis §4.1.3.2:
     * Secure, no Domain, Path=/), or null when they will not.
     */
    public static String hostPrefixProblem(String line) {
        return hostPrefixProblem(Attributes.of(line));
    }

    /** As {@link #hostPrefixProblem(String)}, with the line's attributes already read. */
    public static String hostPrefixProblem(Attributes attributes) {
        if (!attributes.name().regionMatches(true, 0, "__Host-", 0, 7)) {
            return null;
        }
        if (attributes.domain()) {
            return "cookie " + attributes.name() + " has a Domain attribute, which browsers refuse for a __Host- cookie";
        }
        if (!"/".equals(attributes.path())) {
            return "cookie " + attributes.name() + " has " + (attributes.path() == null ? "no Path" : "Path=" + attributes.path())
                    + ", and browsers refuse a __Host- cookie without Path=/";
        }
        return null;
    }
}
