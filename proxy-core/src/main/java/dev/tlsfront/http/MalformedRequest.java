package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Passed down the pipeline, in order with the decoded messages, where the request syntax check
 * stopped the byte stream: whatever came before it is served; this gets {@code status} and the
 * connection is closed.
 *
 * @param status 400, 414 or 431
 * @param reason what was wrong, for the log
 */
public record MalformedRequest(HttpResponseStatus status, String reason) {}
