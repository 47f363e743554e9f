/**
 * Automatic certificates: an ACME client (RFC 8555, through acme4j) that gets and renews a
 * certificate for every host no certificate file covers, answers the CA's http-01 and tls-alpn-01
 * challenges in-process, keeps everything in a storage folder that several instances may share, and
 * hands the TLS listener finished key material ({@link dev.tlsfront.tls.ManagedCertificates}).
 *
 * <p>All CA traffic and file work runs on one thread of its own, never on an event loop; the event
 * loops only read immutable snapshots and the concurrent maps of pending challenge answers.
 */
package dev.tlsfront.acme;
