package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adds {@code Secure} (and the configured attributes) to every Set-Cookie of a response (see {@link SecureCookies}). */
final class SecureCookiesPolicy implements ResponsePolicy {

    private static final Logger log = LoggerFactory.getLogger(SecureCookiesPolicy.class);

    private final SecureCookies rule;
    private final Runnable onRewrite;

    /**
     * @param onRewrite told of each Set-Cookie line changed (for the metrics)
     */
    SecureCookiesPolicy(SecureCookies rule, Runnable onRewrite) {
        this.rule = rule;
        this.onRewrite = onRewrite;
    }

    @Override
    public void apply(HttpResponse response, ExchangeFacts exchange) {
        if (response.headers().contains(HttpHeaderNames.SET_COOKIE)) {
            rewrite(response.headers());
        }
    }

    private void rewrite(HttpHeaders headers) {
        List<String> lines = headers.getAll(HttpHeaderNames.SET_COOKIE);
        boolean changed = false;
        String[] rewritten = new String[lines.size()];
        for (int i = 0; i < rewritten.length; i++) {
            String line = lines.get(i);
            SecureCookies.Attributes attributes = SecureCookies.Attributes.of(line);  // read once for both rules
            rewritten[i] = rule.rewrite(line, attributes);
            if (rewritten[i] != line) {
                changed = true;
                onRewrite.run();
            }
            String problem = SecureCookies.hostPrefixProblem(attributes);
            if (problem != null) {
                log.warn("the backend sets a cookie browsers will reject: {}", problem);
            }
        }
        if (changed) {
            // Each cookie stays its own Set-Cookie line, in order (RFC 6265bis §3: never folded).
            headers.remove(HttpHeaderNames.SET_COOKIE);
            for (String line : rewritten) {
                headers.add(HttpHeaderNames.SET_COOKIE, line);
            }
        }
    }
}
