/**
 * Listeners: one initializer per listener kind lists its whole pipeline in order, and
 * {@link dev.tlsfront.server.ProxyServer} binds them, and drains and stops them.
 */
package dev.tlsfront.server;
