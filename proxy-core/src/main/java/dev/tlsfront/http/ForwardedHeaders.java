package dev.tlsfront.http;

import dev.tlsfront.config.Cidr;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the backend learns about the client: exactly one X-Forwarded-For, -Proto, -Host and -Port set
 * by tlsfront (and optionally an RFC 7239 Forwarded), after every client-sent header that a framework
 * might trust for the scheme, host or client address has been removed.
 *
 * <p>Header names are compared case-insensitively and with {@code _} read as {@code -}: gunicorn,
 * uWSGI and CGI-style servers turn both into the same {@code HTTP_X_FORWARDED_FOR} variable, so a
 * client sending {@code X_Forwarded_For} could otherwise spoof the address.
 */
public final class ForwardedHeaders {

    /** Headers (lower case, dashes) that frameworks and app servers read for scheme, host or client address. */
    static final Set<String> SPOOFABLE = Set.of(
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "x-forwarded-prefix",
            "x-forwarded-ssl", "x-forwarded-protocol", "x-forwarded-scheme", "x-forwarded-server", "x-forwarded-by",
            "x-scheme", "x-url-scheme", "front-end-https", "x-real-ip", "forwarded",
            // read by Rack/Rails (Client-IP), Spring, and CDN-aware middleware
            "client-ip", "x-client-ip", "true-client-ip", "x-cluster-client-ip", "cf-connecting-ip",
            "fastly-client-ip", "x-original-forwarded-for", "x-original-host", "x-host");

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    private static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    private final List<Cidr> trustedProxies;
    private final boolean forwarded;
    private final AsciiString tlsPort;

    /**
     * @param trustedProxies peers whose X-Forwarded-For (and Forwarded) chain is kept and extended
     * @param forwarded whether to send an RFC 7239 Forwarded header as well
     * @param tlsPort the TLS listener's port, sent as X-Forwarded-Port
     */
    public ForwardedHeaders(List<Cidr> trustedProxies, boolean forwarded, int tlsPort) {
        this.trustedProxies = List.copyOf(trustedProxies);
        this.forwarded = forwarded;
        this.tlsPort = AsciiString.of(Integer.toString(tlsPort));
    }

    /** Rewrites the request headers of a request that came from {@code peer}. */
    public String apply(HttpHeaders headers, InetAddress peer) {
        return apply(headers, peer, peer.getHostAddress());
    }

    /**
     * Rewrites the request headers of a request that came from {@code peer}, whose address text
     * the caller computed once per connection.
     *
     * @return where the request came from, for the access log: the peer, or behind trusted proxies the
     *     nearest address in their X-Forwarded-For chain that is not one of them (nginx's
     *     {@code real_ip_recursive})
     */
    public String apply(HttpHeaders headers, InetAddress peer, String client) {
        boolean trusted = isTrusted(peer);
        List<String> chain = trusted ? headers.getAll(X_FORWARDED_FOR) : List.of();
        String forChain = trusted ? String.join(", ", chain) : "";
        String originating = trusted ? originatingClient(forChain, client) : client;
        String forwardedChain = trusted && forwarded ? String.join(", ", headers.getAll(FORWARDED)) : "";
        removeSpoofable(headers);

        headers.set(X_FORWARDED_FOR, forChain.isBlank() ? client : forChain + ", " + client);
        headers.set(X_FORWARDED_PROTO, HTTPS);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        headers.set(X_FORWARDED_PORT, tlsPort);
        if (forwarded) {
            String element = forwardedElement(peer, host);
            headers.set(FORWARDED, forwardedChain.isBlank() ? element : forwardedChain + ", " + element);
        }
        return originating;
    }

    /** Right to left through the chain the trusted peer sent, past every trusted address. */
    private String originatingClient(String forChain, String peerText) {
        String[] hops = forChain.split(",");
        String candidate = peerText;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.startsWith("[") && hop.endsWith("]")) {
                hop = hop.substring(1, hop.length() - 1);
            }
            InetAddress address = NetUtil.createInetAddressFromIpAddressString(hop);  // IP literals only, no DNS
            if (address == null) {
                return candidate;
            }
            candidate = address.getHostAddress();
            if (!isTrusted(address)) {
                return candidate;
            }
        }
        return candidate;
    }

    private boolean isTrusted(InetAddress peer) {
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** Removes every spoofable header, whatever its case or underscores. Allocates only when one is present. */
    static void removeSpoofable(HttpHeaders headers) {
        List<String> doomed = null;
        for (Map.Entry<CharSequence, CharSequence> header : iterable(headers)) {
            CharSequence name = header.getKey();
            if (mayBeSpoofable(name) && SPOOFABLE.contains(canonical(name))) {
                if (doomed == null) {
                    doomed = new ArrayList<>(2);
                }
                doomed.add(name.toString());
            }
        }
        if (doomed != null) {
            for (String name : doomed) {
                headers.remove(name);
            }
        }
    }

    /** A cheap first test on the first letter, so most headers are never lower-cased. */
    private static boolean mayBeSpoofable(CharSequence name) {
        char c = (char) (name.charAt(0) | 0x20);
        return c == 'x' || c == 'f' || c == 'c' || c == 't';
    }

    private static String canonical(CharSequence name) {
        return name.toString().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpHeaders headers) {
        return headers::iteratorCharSequence;
    }

    /** {@code for=...;proto=https;host=...}, quoting what RFC 7239 §4 requires to be quoted. */
    static String forwardedElement(InetAddress peer, String host) {
        String address = peer.getHostAddress();
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        // RFC 7239 §6: an IPv6 address is bracketed, and so must be a quoted-string.
        String node = peer instanceof Inet6Address ? "\"[" + address + "]\"" : address;
        StringBuilder out = new StringBuilder("for=").append(node).append(";proto=https");
        if (host != null && !host.isEmpty()) {
            out.append(";host=").append(isToken(host) ? host : quoted(host));
        }
        return out.toString();
    }

    private static boolean isToken(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean token = c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            if (!token) {
                return false;
            }
        }
        return true;
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
