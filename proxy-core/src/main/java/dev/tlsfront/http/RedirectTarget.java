package dev.tlsfront.http;

import dev.tlsfront.config.HttpListenerConfig.RedirectConfig;
import java.util.List;

/**
 * Where the plaintext listener sends a request: {@code https://HOST[:PORT]PATH?QUERY}, where HOST is
 * the request's host only when it is one of the site's hosts (otherwise the canonical host), so the
 * Location never names a host the operator did not configure (an open redirect otherwise).
 */
public final class RedirectTarget {

    private final List<String> hosts;
    private final RedirectConfig config;
    private final String portSuffix;

    /**
     * @param hosts the site's hosts, normalised; the first is canonical
     * @param httpsPort the port the Location names; omitted when 443
     */
    public RedirectTarget(List<String> hosts, RedirectConfig config, int httpsPort) {
        this.hosts = List.copyOf(hosts);
        this.config = config;
        this.portSuffix = httpsPort == 443 ? "" : ":" + httpsPort;
    }

    /** The site's canonical address, {@code https://HOST[:PORT]/}. */
    public String siteUrl() {
        String host = hosts.get(0);
        return "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + portSuffix + "/";
    }

    /** The decision for one request. */
    public sealed interface Outcome {}

    /** Redirect with this status to this absolute URL. */
    public record Redirect(int status, String location) implements Outcome {}

    /** The Host is not a valid host (RFC 9112 §3.2: 400). */
    public record InvalidHost(String host) implements Outcome {}

    /**
     * @param method the request method
     * @param target the request-target as received
     * @param host the Host header, or null when absent
     */
    public Outcome decide(String method, String target, String host) {
        String authority = host;
        String pathAndQuery = target;
        if (!target.startsWith("/") && target.regionMatches(true, 0, "http", 0, 4) && target.contains("://")) {
            // RFC 9112 §3.2.2: an absolute-form target's authority takes the place of Host.
            int start = target.indexOf("://") + 3;
            int slash = indexOfAny(target, start, "/?");
            authority = target.substring(start, slash < 0 ? target.length() : slash);
            pathAndQuery = slash < 0 ? "/" : target.substring(slash);
            if (pathAndQuery.startsWith("?")) {
                pathAndQuery = "/" + pathAndQuery;
            }
        } else if (!target.startsWith("/")) {
            pathAndQuery = "/";  // "*" (OPTIONS) and authority-form (CONNECT) have no path to keep
        }
        String chosen = hosts.get(0);
        if (authority != null && !authority.isEmpty()) {
            HostHeader parsed = authority.indexOf('@') >= 0 ? null : HostHeader.parse(authority);
            if (parsed == null) {
                return new InvalidHost(authority);
            }
            if (hosts.contains(parsed.host())) {
                chosen = parsed.host();
            }
        }
        String hostPart = chosen.indexOf(':') >= 0 ? "[" + chosen + "]" : chosen;
        String path = config.keepPath() ? escape(pathAndQuery) : "/";
        return new Redirect(config.status().codeFor(method), "https://" + hostPart + portSuffix + path);
    }

    /** Drops a fragment and percent-encodes every byte outside visible ASCII, CR and LF included. */
    static String escape(String pathAndQuery) {
        int hash = pathAndQuery.indexOf('#');
        String text = hash < 0 ? pathAndQuery : pathAndQuery.substring(0, hash);
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean visible = c > 0x20 && c < 0x7F;
            if (visible && out == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (visible) {
                out.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(c < 0x100 ? java.nio.charset.StandardCharsets.ISO_8859_1
                        : java.nio.charset.StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static int indexOfAny(String text, int from, String chars) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
