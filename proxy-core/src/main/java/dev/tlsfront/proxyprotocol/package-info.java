/**
 * The PROXY protocol: the first stage of a listener behind an L4 balancer. It admits connections
 * from the balancer's networks only, reads the header the balancer puts before the client's bytes,
 * and records the client's address ({@link dev.tlsfront.proxyprotocol.ClientAddress}), which every
 * later stage uses in place of the socket's peer.
 */
package dev.tlsfront.proxyprotocol;
