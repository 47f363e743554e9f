package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The one protocol upgrade tlsfront carries: WebSocket (RFC 6455 §4.1: a GET over HTTP/1.1 with
 * {@code Upgrade: websocket} and {@code Connection: Upgrade}). Any other upgrade (h2c in particular)
 * is not passed on: its headers are hop-by-hop and removed, so the app answers in HTTP/1.1.
 */
public final class WebSocketUpgrade {

    private WebSocketUpgrade() {}

    /** Whether the client asks to switch this request's connection to WebSocket. */
    public static boolean isRequested(HttpRequest request) {
        HttpHeaders headers = request.headers();
        return request.method().equals(HttpMethod.GET) && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                && hasToken(headers, HttpHeaderNames.UPGRADE, "websocket")
                && hasToken(headers, HttpHeaderNames.CONNECTION, "upgrade");
    }

    /** After the hop-by-hop headers are removed: what the backend must see to upgrade too. */
    public static void restoreFor(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    }

    /** Whether a request on its way to the backend carries the upgrade (only WebSocket ones still do). */
    public static boolean isForwarded(HttpRequest request) {
        return request.headers().contains(HttpHeaderNames.UPGRADE);
    }

    private static boolean hasToken(HttpHeaders headers, CharSequence name, String token) {
        for (String value : headers.getAll(name)) {
            for (String part : value.split(",")) {
                if (part.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
