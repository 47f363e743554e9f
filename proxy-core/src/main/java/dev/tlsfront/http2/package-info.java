/**
 * HTTP/2 to clients: the connection-level settings and limits, and what turns each stream into the
 * same HTTP/1.1-shaped request the rest of the pipeline (and the app) sees for HTTP/1.1.
 */
package dev.tlsfront.http2;
