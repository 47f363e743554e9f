package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * Sets the operator's extra headers ({@code https.response_headers}, e.g.
 * {@code X-Content-Type-Options: nosniff}) on every HTTPS response, once: a backend's own header of
 * the same name is replaced, so none is ever duplicated.
 */
public final class ResponseHeadersPolicy implements ResponsePolicy {

    private final AsciiString[] names;
    private final AsciiString[] values;

    public ResponseHeadersPolicy(Map<String, String> headers) {
        this.names = headers.keySet().stream().map(AsciiString::cached).toArray(AsciiString[]::new);
        this.values = headers.values().stream().map(AsciiString::cached).toArray(AsciiString[]::new);
    }

    @Override
    public void apply(HttpResponse response, ExchangeFacts exchange) {
        if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            return;
        }
        for (int i = 0; i < names.length; i++) {
            response.headers().set(names[i], values[i]);
        }
    }
}
