package dev.tlsfront.server;

import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.http.HttpsPolicies;
import dev.tlsfront.http.RedirectTarget;
import dev.tlsfront.observe.AccessLog;
import dev.tlsfront.tls.ServerTls;

/**
 * Everything a new connection is set up from, as of the last (re)load. Immutable: a reload makes a
 * new one, and connections already open keep the one they started with.
 *
 * @param config the config
 * @param tls the certificates and TLS settings
 * @param policies the HTTPS-only policies
 * @param redirect where the plaintext listener redirects to
 * @param accessLog the access log's format
 */
record Generation(ProxyConfig config, ServerTls tls, HttpsPolicies policies, RedirectTarget redirect,
        AccessLog accessLog) {}
