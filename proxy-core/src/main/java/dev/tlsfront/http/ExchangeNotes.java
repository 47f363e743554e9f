package dev.tlsfront.http;

import io.netty.util.AttributeKey;

/**
 * What the forwarder and the policies know about the current exchange and the observer cannot see:
 * when the backend was asked and answered, how it failed, and who the client was behind trusted
 * proxies. One per connection (or HTTP/2 stream), written and read on its event loop.
 */
public final class ExchangeNotes {

    public static final AttributeKey<ExchangeNotes> KEY = AttributeKey.valueOf(ExchangeNotes.class, "notes");

    /** Why the backend gave no (complete) answer; the label of {@code tlsfront_backend_failures_total}. */
    public enum BackendFailure {
        /** No connection could be made. */
        CONNECT("connect"),
        /** It closed the connection before the response was complete. */
        CLOSED("closed"),
        /** It sent a response the proxy will not relay (bad framing). */
        INVALID("invalid_response"),
        /** It sent nothing for backend.response_timeout. */
        TIMEOUT("timeout"),
        /** No server was eligible: every one was down, out or retired (503). */
        NO_SERVER("no_server");

        private final String label;

        BackendFailure(String label) {
            this.label = label;
        }

        /** The metric label, e.g. {@code no_server}. */
        public String label() {
            return label;
        }
    }

    private String originatingClient;
    private long requestSentNanos;
    private long backendNanos = -1;
    private BackendFailure failure;
    private String server;

    /** Behind trusted proxies: the client their X-Forwarded-For names, rather than the proxy itself. */
    public void originatingClient(String address) {
        originatingClient = address;
    }

    /** The client named by trusted proxies for this exchange, or null; then forgets it. */
    public String takeOriginatingClient() {
        String taken = originatingClient;
        originatingClient = null;
        return taken;
    }

    /** The request head goes to the backend now. */
    public void requestSent() {
        requestSentNanos = System.nanoTime();
    }

    /** The backend's response head arrived now. */
    public void responseReceived() {
        backendNanos = System.nanoTime() - requestSentNanos;
    }

    /** The exchange went to this server (the last one tried, when it was retried). */
    public void server(String url) {
        server = url;
    }

    /** The server of this exchange, or null when none was tried; then forgets it. */
    public String takeServer() {
        String taken = server;
        server = null;
        return taken;
    }

    public void failed(BackendFailure why) {
        if (failure == null) {
            failure = why;
        }
    }

    /** Time from request to response head at the backend, or -1 if it did not answer; then forgets it. */
    public long takeBackendNanos() {
        long taken = backendNanos;
        backendNanos = -1;
        return taken;
    }

    /** The backend failure of this exchange, if any; then forgets it. */
    public BackendFailure takeFailure() {
        BackendFailure taken = failure;
        failure = null;
        return taken;
    }
}
