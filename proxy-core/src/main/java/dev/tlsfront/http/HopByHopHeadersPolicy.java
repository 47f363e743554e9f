package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpRequest;

/**
 * Removes what describes the client's connection rather than the request before it is forwarded,
 * in this order: the hop-by-hop headers ({@link HopByHopHeaders}; a WebSocket upgrade keeps
 * {@code Upgrade: websocket} and {@code Connection: upgrade}, nothing else), then the underscore
 * look-alikes of framing and connection fields ({@link LookalikeFields}).
 */
final class HopByHopHeadersPolicy implements RequestPolicy {

    static final HopByHopHeadersPolicy INSTANCE = new HopByHopHeadersPolicy();

    private HopByHopHeadersPolicy() {}

    @Override
    public void apply(HttpRequest request, ExchangeFacts exchange) {
        boolean websocket = WebSocketUpgrade.isRequested(request);
        HopByHopHeaders.removeFrom(request.headers());
        if (websocket) {
            WebSocketUpgrade.restoreFor(request.headers());
        }
        LookalikeFields.removeFrom(request.headers());
    }
}
