package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Removes request fields whose name is a framing, body-type or connection field spelled with
 * {@code _} for {@code -} ({@code Content_Length}, {@code Transfer_Encoding}, {@code Content_Type},
 * {@code Proxy_Connection}...).
 *
 * <p>tlsfront frames the request by the real fields only, but CGI-style servers (WSGI, Rack, PHP)
 * turn {@code Content-Length} and {@code Content_Length} into the same variable, so the app could
 * read a length the proxy never checked. They are removed rather than refused: nginx drops every
 * field with {@code _} in its name by default, so no working client depends on them, and once they
 * are gone the app sees exactly the framing tlsfront checked. (The forwarding look-alikes, such as
 * {@code X_Forwarded_For}, are removed by {@link ForwardedHeaders}.)
 */
public final class LookalikeFields {

    /** The fields, lower case with dashes, whose underscore spelling must not reach the app. */
    static final Set<String> GUARDED = Set.of("content-length", "content-type", "transfer-encoding", "keep-alive",
            "proxy-connection", "proxy-authorization", "proxy-authenticate");

    private LookalikeFields() {}

    /** Removes every look-alike; allocates only when a field name has an underscore. */
    public static void removeFrom(HttpHeaders headers) {
        List<String> doomed = null;
        for (Map.Entry<CharSequence, CharSequence> header : (Iterable<Map.Entry<CharSequence, CharSequence>>)
                headers::iteratorCharSequence) {
            CharSequence name = header.getKey();
            if (hasUnderscore(name) && GUARDED.contains(name.toString().toLowerCase(Locale.ROOT).replace('_', '-'))) {
                if (doomed == null) {
                    doomed = new ArrayList<>(1);
                }
                doomed.add(name.toString());
            }
        }
        if (doomed != null) {
            doomed.forEach(headers::remove);
        }
    }

    private static boolean hasUnderscore(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '_') {
                return true;
            }
        }
        return false;
    }
}
