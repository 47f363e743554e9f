package dev.tlsfront.config;

import java.util.Locale;
import java.util.Map;

/**
 * The response fields {@code https.response_headers} may not set, each with what to do instead.
 *
 * <p>That setting puts one value on every response, so a field that frames or routes a message
 * (RFC 9112 §6, RFC 9110 §7.6.1) would make the response disagree with its own body or connection:
 * {@code Content-Length: 5} on a 196-byte page desynchronises every keep-alive connection. And the
 * fields that tlsfront's own policies write would silently override them.
 */
final class ReservedResponseHeaders {

    private static final String FRAMING = "frames or routes each message, so one value for every response would"
            + " corrupt them (expected: a field that describes the content, such as X-Content-Type-Options)";

    private static final Map<String, String> RESERVED = Map.ofEntries(
            Map.entry("content-length", FRAMING),
            Map.entry("transfer-encoding", FRAMING),
            Map.entry("connection", FRAMING),
            Map.entry("keep-alive", FRAMING),
            Map.entry("upgrade", FRAMING),
            Map.entry("te", FRAMING),
            Map.entry("trailer", FRAMING),
            Map.entry("strict-transport-security", "set by tlsfront on every HTTPS response (expected: the https.hsts"
                    + " settings max_age, include_subdomains and preload instead)"),
            Map.entry("set-cookie", "cookies come from the app (expected: https.cookies to add HttpOnly or SameSite"
                    + " to the app's cookies; Secure is always added)"));

    private ReservedResponseHeaders() {}

    /** Why {@code name} may not be set there, or null when it may. */
    static String problem(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("proxy-") ? FRAMING : RESERVED.get(lower);
    }
}
