package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpRequest;

/** One rule applied to every request head before it is forwarded; {@link HeaderPolicies} lists them in order. */
public interface RequestPolicy {

    /** Changes {@code request}'s headers as the rule says. */
    void apply(HttpRequest request, ExchangeFacts exchange);
}
