package dev.tlsfront.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.Locale;

/**
 * Adds the CSP directive {@code upgrade-insecure-requests} to every HTTPS response, so browsers load
 * the page's {@code http://} subresources over HTTPS: merged into the backend's
 * Content-Security-Policy when it has one, set on its own otherwise.
 */
@Sharable
public final class UpgradeInsecureRequestsHandler extends ChannelOutboundHandlerAdapter {

    static final String DIRECTIVE = "upgrade-insecure-requests";

    public static final UpgradeInsecureRequestsHandler INSTANCE = new UpgradeInsecureRequestsHandler();

    private UpgradeInsecureRequestsHandler() {}

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
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            // With several policies the browser enforces each; the directive in the first one suffices.
            String policy = response.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY);
            String merged = merge(policy);
            if (merged != policy) {
                if (policy == null) {
                    response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, merged);
                } else {
                    var all = new java.util.ArrayList<>(response.headers().getAll(HttpHeaderNames.CONTENT_SECURITY_POLICY));
                    all.set(0, merged);
                    response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, all);
                }
            }
        }
        ctx.write(msg, promise);
    }
}
