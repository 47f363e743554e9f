package dev.tlsfront.http;

import dev.tlsfront.config.HostName;
import java.util.List;
import java.util.Set;

/**
 * Turns the app's absolute {@code http://} URLs that point at this site into {@code https://} ones,
 * the classic failure of an app behind a TLS proxy: it builds {@code http://} redirects and the
 * browser bounces through plain HTTP (or gets a mixed-content error).
 *
 * <p>A URL points at this site when its host is one of the site's hosts or the request's own Host,
 * with no port, port 80, the plaintext listener's port or the TLS listener's port; or when it is the
 * backend's own address (an app that builds URLs from the address it listens on). Other sites' URLs
 * and relative URLs are left alone.
 */
public final class LocationRewriter {

    private final Set<String> hosts;
    private final String canonical;
    private final Set<Integer> sitePorts;
    /** The app servers' own addresses ({@code host:port}, host normalised). */
    private final Set<String> backends;
    private final String httpsPortSuffix;

    /**
     * @param hosts the site's hosts, normalised; the first is canonical
     * @param httpPort the plaintext listener's port
     * @param tlsPort the TLS listener's port
     * @param publicHttpsPort the port browsers reach the TLS listener on (written into the URL; omitted when 443)
     * @param backends the app servers' TCP addresses, as {@code host:port}
     */
    public LocationRewriter(List<String> hosts, int httpPort, int tlsPort, int publicHttpsPort, List<String> backends) {
        this.hosts = Set.copyOf(hosts);
        this.canonical = hosts.get(0);
        this.sitePorts = Set.copyOf(java.util.Arrays.asList(-1, 80, 443, httpPort, tlsPort, publicHttpsPort));
        this.backends = backends.stream().map(LocationRewriter::normalized).collect(java.util.stream.Collectors.toSet());
        this.httpsPortSuffix = publicHttpsPort == 443 ? "" : ":" + publicHttpsPort;
    }

    private static String normalized(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return HostName.normalize(hostPort.substring(0, colon)) + hostPort.substring(colon);
    }

    /**
     * The URL as {@code https://}, or null when it is left alone.
     *
     * @param requestHost the request's Host header, or null
     */
    public String rewrite(String url, String requestHost) {
        if (url.length() < 8 || !url.regionMatches(true, 0, "http://", 0, 7)) {
            return null;
        }
        int end = 7;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(7, end);
        if (authority.indexOf('@') >= 0) {
            return null;  // userinfo: not a URL the app builds for its own pages
        }
        HostHeader target = HostHeader.parse(authority);
        if (target == null) {
            return null;
        }
        HostHeader request = requestHost == null ? null : HostHeader.parse(requestHost);
        String host;
        if (backends.contains(target.host() + ":" + (target.port() < 0 ? 80 : target.port()))) {
            host = request != null && hosts.contains(request.host()) ? request.host() : canonical;
        } else if ((hosts.contains(target.host()) || request != null && target.host().equals(request.host()))
                && sitePorts.contains(target.port())) {
            host = target.host();
        } else {
            return null;
        }
        String bracketed = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "https://" + bracketed + httpsPortSuffix + url.substring(end);
    }

    /**
     * A Refresh header ({@code 5; url=http://...}) with its URL rewritten, or null when it is left alone.
     */
    public String rewriteRefresh(String value, String requestHost) {
        int semi = value.indexOf(';');
        if (semi < 0) {
            semi = value.indexOf(',');
        }
        if (semi < 0) {
            return null;
        }
        int start = semi + 1;
        while (start < value.length() && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        if (value.regionMatches(true, start, "url", 0, 3)) {
            int eq = start + 3;
            while (eq < value.length() && value.charAt(eq) == ' ') {
                eq++;
            }
            if (eq < value.length() && value.charAt(eq) == '=') {
                start = eq + 1;
                while (start < value.length() && value.charAt(start) == ' ') {
                    start++;
                }
            }
        }
        char quote = start < value.length() ? value.charAt(start) : 0;
        boolean quoted = quote == '\'' || quote == '"';
        int urlStart = quoted ? start + 1 : start;
        int urlEnd = quoted ? value.indexOf(quote, urlStart) : value.length();
        if (urlEnd < 0) {
            urlEnd = value.length();
        }
        String rewritten = rewrite(value.substring(urlStart, urlEnd).strip(), requestHost);
        if (rewritten == null) {
            return null;
        }
        return value.substring(0, urlStart) + rewritten + value.substring(urlEnd);
    }
}
