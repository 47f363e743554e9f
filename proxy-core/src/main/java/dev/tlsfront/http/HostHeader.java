package dev.tlsfront.http;

import dev.tlsfront.config.HostName;

/**
 * A Host header (RFC 9110 §7.2) or URI authority, parsed: {@code host[:port]} or {@code [v6][:port]},
 * with no userinfo, no list and no whitespace inside.
 *
 * @param host the host, normalised (lower case, brackets and a trailing dot removed)
 * @param port the port, or -1 when none was given
 */
public record HostHeader(String host, int port) {

    /** The header parsed, or null when it is not a valid host (RFC 9112 §3.2: answer 400). */
    public static HostHeader parse(String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            return null;
        }
        String host;
        String port = "";
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return null;
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
            if (host.indexOf(':') < 0) {
                return null;
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? "" : text.substring(colon + 1);
        }
        if (port.length() > 5 || !HostName.isValid(host)) {
            return null;
        }
        int number = port.isEmpty() ? -1 : 0;
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            number = number * 10 + (c - '0');
        }
        if (number > 65535) {
            return null;
        }
        return new HostHeader(HostName.normalize(host), number);
    }
}
