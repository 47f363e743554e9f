package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * Rewrites the {@code http://} URLs of this site in a response's Location, Content-Location and
 * Refresh headers to {@code https://} (see {@link LocationRewriter}), for the Host the request named.
 */
final class LocationRewritePolicy implements ResponsePolicy {

    private static final AsciiString REFRESH = AsciiString.cached("refresh");

    private final LocationRewriter rule;
    private final Runnable onRewrite;

    /**
     * @param onRewrite told of each header rewritten (for the metrics)
     */
    LocationRewritePolicy(LocationRewriter rule, Runnable onRewrite) {
        this.rule = rule;
        this.onRewrite = onRewrite;
    }

    @Override
    public void apply(HttpResponse response, ExchangeFacts exchange) {
        HttpHeaders headers = response.headers();
        String requestHost = exchange.requestHost();
        rewrite(headers, HttpHeaderNames.LOCATION, false, requestHost);
        rewrite(headers, HttpHeaderNames.CONTENT_LOCATION, false, requestHost);
        rewrite(headers, REFRESH, true, requestHost);
    }

    private void rewrite(HttpHeaders headers, AsciiString name, boolean refresh, String requestHost) {
        String value = headers.get(name);
        if (value == null) {
            return;
        }
        String rewritten = refresh ? rule.rewriteRefresh(value, requestHost) : rule.rewrite(value, requestHost);
        if (rewritten != null) {
            headers.set(name, rewritten);
            onRewrite.run();
        }
    }
}
