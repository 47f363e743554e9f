package dev.tlsfront.forward;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** What a backend connection reports to the request exchange that leased it. */
interface Exchange {

    /** The final response head, hop-by-hop headers already removed. */
    void responseHead(HttpResponse response);

    /** A piece of the response body; the last one is a {@link io.netty.handler.codec.http.LastHttpContent}. */
    void responseContent(HttpContent content);

    /** One read from the backend has been handed over. */
    void backendReadComplete();

    void backendWritabilityChanged();

    /** The backend connection closed. */
    void backendClosed();

    /** The backend sent something that is not HTTP; the connection is being closed. */
    void backendFailed(String why);
}
