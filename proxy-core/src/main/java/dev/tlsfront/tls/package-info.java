/**
 * TLS: reading certificates and keys, making self-signed ones, and building the SNI-mapped server
 * contexts that the TLS listener hands each connection.
 */
package dev.tlsfront.tls;
