/** The admin listener: what operators' tools ask the running proxy (health; metrics to come). */
package dev.tlsfront.admin;
