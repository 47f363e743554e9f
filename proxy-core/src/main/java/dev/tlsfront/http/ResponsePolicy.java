package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpResponse;

/** One rule applied to every response head the app sends back; {@link HeaderPolicies} lists them in order. */
public interface ResponsePolicy {

    /** Changes {@code response}'s headers as the rule says. */
    void apply(HttpResponse response, ExchangeFacts exchange);
}
