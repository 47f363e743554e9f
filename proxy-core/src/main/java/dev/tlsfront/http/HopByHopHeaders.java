package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 §7.6.1), so
 * that neither the backend nor the client sees what the other side's connection said.
 */
public final class HopByHopHeaders {

    /** Always connection-specific; Transfer-Encoding and Content-Length are framing, kept and re-framed. */
    private static final List<AsciiString> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE,
            HttpHeaderNames.PROXY_AUTHENTICATE);

    private static final Set<String> ALWAYS_NAMES = Set.of(ALWAYS.stream().map(AsciiString::toString).toArray(String[]::new));

    /** Headers that {@code Connection} may not name away: routing, framing and what the proxy adds. */
    private static final Set<String> PROTECTED = Set.of(
            "host", "content-length", "transfer-encoding", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "forwarded", "strict-transport-security", "set-cookie", "location");

    private HopByHopHeaders() {}

    /** Removes the hop-by-hop headers and every header the Connection header names. */
    public static void removeFrom(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            // Nearly every message says just "keep-alive": read without splitting, and keep a list
            // only for a name that the fixed set below does not remove anyway.
            List<String> named = null;
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                int start = 0;
                while (start <= value.length()) {
                    int comma = value.indexOf(',', start);
                    int end = comma < 0 ? value.length() : comma;
                    String token = start == 0 && end == value.length() ? value : value.substring(start, end);
                    String name = token.strip().toLowerCase(java.util.Locale.ROOT);
                    if (!name.isEmpty() && !PROTECTED.contains(name) && !ALWAYS_NAMES.contains(name)) {
                        if (named == null) {
                            named = new ArrayList<>(2);
                        }
                        named.add(name);
                    }
                    start = end + 1;
                }
            }
            if (named != null) {
                for (String name : named) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
    }
}
