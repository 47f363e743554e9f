package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * Replaces every client-sent forwarding header of a request with tlsfront's own, so the backend
 * sees {@code X-Forwarded-Proto: https} and the real client address (see {@link ForwardedHeaders}).
 */
final class ForwardedHeadersPolicy implements RequestPolicy {

    private final ForwardedHeaders rule;

    ForwardedHeadersPolicy(ForwardedHeaders rule) {
        this.rule = rule;
    }

    @Override
    public void apply(HttpRequest request, ExchangeFacts exchange) {
        String client = exchange.client();
        if (client == null) {
            return;
        }
        String originating = rule.apply(request.headers(), exchange.peer().getAddress(), client);
        if (originating.equals(client)) {
            return;  // the usual case: no look-up of the notes
        }
        ExchangeNotes notes = exchange.notes();
        if (notes != null) {
            notes.originatingClient(originating);  // for the access log, behind trusted proxies
        }
    }
}
