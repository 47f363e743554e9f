package dev.tlsfront.http;

/**
 * Fired as a user event on every client channel when the proxy shuts down: an idle connection
 * closes now, a busy one finishes its exchange and closes with {@code Connection: close}.
 */
public enum DrainRequest {
    INSTANCE
}
