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

    /** Headers that {@code Connection} may not name away: routing, framing and what the proxy adds. */
    private static final Set<String> PROTECTED = Set.of(
            "host", "content-length", "transfer-encoding", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-host", "x-forwarded-port", "forwarded", "strict-transport-security", "set-cookie", "location");

    private HopByHopHeaders() {}

    /** Removes the hop-by-hop headers and every header the Connection header names. */
    public static void removeFrom(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            List<String> named = new ArrayList<>();
            for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String token : value.split(",")) {
                    String name = token.strip().toLowerCase(java.util.Locale.ROOT);
                    if (!name.isEmpty() && !PROTECTED.contains(name)) {
                        named.add(name);
                    }
                }
            }
            for (String name : named) {
                headers.remove(name);
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
    }
}
