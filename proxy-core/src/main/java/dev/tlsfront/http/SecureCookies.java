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
            int pairEnd = semi < 0 ? line.length() : semi;
            int eq = line.indexOf('=');
            String name = eq < 0 || eq > pairEnd ? "" : stripped(line, 0, eq);
            boolean secure = false;
            boolean httpOnly = false;
            boolean sameSite = false;
            boolean domain = false;
            String path = null;
            // Read by index, not by substrings: this runs for every Set-Cookie of every response.
            while (semi >= 0) {
                int next = line.indexOf(';', semi + 1);
                int end = next < 0 ? line.length() : next;
                int aeq = line.indexOf('=', semi + 1);
                int nameEnd = aeq < 0 || aeq > end ? end : aeq;
                int start = skipWhitespace(line, semi + 1, nameEnd);
                int length = trimmedEnd(line, start, nameEnd) - start;
                if (named(line, start, length, "secure")) {
                    secure = true;
                } else if (named(line, start, length, "httponly")) {
                    httpOnly = true;
                } else if (named(line, start, length, "samesite")) {
                    sameSite = true;
                } else if (named(line, start, length, "domain")) {
                    domain = true;
                } else if (named(line, start, length, "path")) {
                    path = nameEnd == end ? "" : stripped(line, nameEnd + 1, end);
                }
                semi = next;
            }
            return new Attributes(name, secure, httpOnly, sameSite, domain, path);
        }

        private static boolean named(String line, int start, int length, String attribute) {
            return length == attribute.length() && line.regionMatches(true, start, attribute, 0, length);
        }

        private static int skipWhitespace(String line, int from, int to) {
            while (from < to && Character.isWhitespace(line.charAt(from))) {
                from++;
            }
            return from;
        }

        private static int trimmedEnd(String line, int from, int to) {
            while (to > from && Character.isWhitespace(line.charAt(to - 1))) {
                to--;
            }
            return to;
        }

        private static String stripped(String line, int from, int to) {
            int start = skipWhitespace(line, from, to);
            return line.substring(start, trimmedEnd(line, start, to));
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
