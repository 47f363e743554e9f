package dev.tlsfront.forward;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Whether a request that an app server failed is sent again, and where. A failure to connect is
 * retried on another server whatever the method: nothing was sent. Once a request has been sent,
 * only a GET, HEAD or OPTIONS without a body is sent again, and only while nothing has reached the
 * client; never a POST that may have reached the app. A response that timed out or was not HTTP
 * is not retried: the app may be busy with it still, and a second server would likely do the same.
 */
final class RetryRule {

    /** How an attempt failed before any of its response reached the client. */
    enum Failure {
        /** No connection could be made. */
        CONNECT,
        /** A pooled keep-alive connection turned out closed by the server as it was reused (RFC 9112 §9.3.1). */
        STALE_CONNECTION,
        /** The server closed the connection without a response. */
        CLOSED,
        /** No response within backend.response_timeout. */
        TIMEOUT,
        /** The response could not be relayed (bad framing, not HTTP). */
        INVALID
    }

    enum Decision {
        /** Once more to the same server on a new connection: the server is not at fault. */
        SAME_SERVER,
        /** To another server, counting against backend.retries. */
        ANOTHER_SERVER,
        /** Answer the client with 502 or 504. */
        NONE
    }

    private RetryRule() {}

    /** RFC 9110 §9.2.2 methods that are safe to send twice, without a body that would have to be kept. */
    static boolean resendable(HttpRequest request) {
        HttpMethod method = request.method();
        return (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS))
                && !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
    }

    /**
     * @param resendable what {@link #resendable} says of the request
     * @param requestComplete the whole request was read from the client (and so could be sent again)
     * @param retriesLeft further servers that may still be tried
     * @param staleRetried the request was already sent once more after a stale connection
     */
    static Decision decide(Failure failure, boolean resendable, boolean requestComplete, int retriesLeft,
            boolean staleRetried) {
        return switch (failure) {
            case CONNECT -> retriesLeft > 0 ? Decision.ANOTHER_SERVER : Decision.NONE;
            case STALE_CONNECTION -> !resendable || !requestComplete ? Decision.NONE
                    : !staleRetried ? Decision.SAME_SERVER
                    : retriesLeft > 0 ? Decision.ANOTHER_SERVER : Decision.NONE;
            case CLOSED -> resendable && requestComplete && retriesLeft > 0 ? Decision.ANOTHER_SERVER : Decision.NONE;
            case TIMEOUT, INVALID -> Decision.NONE;
        };
    }
}
