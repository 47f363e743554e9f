package dev.tlsfront.observe;

/**
 * One request and its answer, as the access log writes it.
 *
 * @param client the peer's address
 * @param endMillis when the response ended (epoch milliseconds), the time the log line shows as nginx's does
 * @param method the request method, or "-" when the request could not be parsed
 * @param target the request target as sent, or "-"
 * @param protocol the client's HTTP version, or "-"
 * @param host the Host header, or "-"
 * @param status the status sent (499: the client went away first)
 * @param bytesSent response body bytes handed to the connection
 * @param referer the Referer header, or "-"
 * @param userAgent the User-Agent header, or "-"
 * @param requestNanos from the request head's arrival to the response's end
 * @param backendNanos from the request to the backend to its response head; -1 without a backend answer
 * @param tlsProtocol the connection's TLS version, or "-" on the plaintext listener
 * @param tlsCipher the connection's cipher suite, or "-"
 * @param requestId the request's X-Request-ID, or "-" for a request that could not be parsed
 * @param upstream the app server that answered (the last tried), or "-" when none was
 */
public record CompletedExchange(String client, long endMillis, String method, String target, String protocol,
        String host, int status, long bytesSent, String referer, String userAgent, long requestNanos,
        long backendNanos, String tlsProtocol, String tlsCipher, String requestId, String upstream) {}
