package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayList;
import java.util.Locale;

/**
 * Adds the CSP directive {@code upgrade-insecure-requests} to every HTTPS response, so browsers load
 * the page's {@code http://} subresources over HTTPS: merged into the backend's
 * Content-Security-Policy when it has one, set on its own otherwise.
 */
final class UpgradeInsecureRequestsPolicy implements ResponsePolicy {

    static final String DIRECTIVE = "upgrade-insecure-requests";

    static final UpgradeInsecureRequestsPolicy INSTANCE = new UpgradeInsecureRequestsPolicy();

    private UpgradeInsecureRequestsPolicy() {}

    /** The policy with the directive added, or the same instance when it already has it. */
    static String merge(String policy) {
        if (policy == null || policy.isBlank()) {
            return DIRECTIVE;
        }
        for (String directive : policy.split(";")) {
            if (directive.strip().toLowerCase(Locale.ROOT).equals(DIRECTIVE)) {
                return policy;
            }
        }
        String trimmed = policy.strip();
        return trimmed.endsWith(";") ? trimmed + " " + DIRECTIVE : trimmed + "; " + DIRECTIVE;
    }

    @Override
    public void apply(HttpResponse response, ExchangeFacts exchange) {
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            return;
        }
        // With several policies the browser enforces each; the directive in the first one suffices.
        String policy = response.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY);
        String merged = merge(policy);
        if (merged == policy) {
            return;
        }
        if (policy == null) {
            response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, merged);
        } else {
            var all = new ArrayList<>(response.headers().getAll(HttpHeaderNames.CONTENT_SECURITY_POLICY));
            all.set(0, merged);
            response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, all);
        }
    }
}
