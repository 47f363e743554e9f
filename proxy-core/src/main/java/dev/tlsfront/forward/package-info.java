/**
 * Forwarding: the frontend handler that owns one client connection's exchanges (a small state
 * machine, with the retry rule, the response framing and the protocol switch in classes of their
 * own), and the backend handler that relays responses. Which server, its health and its pooled
 * connections are the {@code upstream} package's, below this one.
 *
 * <p><b>Threading.</b> A backend channel is registered on the event loop of the client channel it
 * serves, and each server's pool is per event loop. Everything in this package therefore runs on one thread
 * per connection pair: handlers hold plain fields, with no {@code volatile}, atomics or locks.
 *
 * <p><b>Backpressure.</b> Both channels run with auto-read off. The frontend reads the next piece of
 * a request body only when the backend channel is writable, and the backend is read only while the
 * client channel is writable, so a slow reader on either side holds at most one read's worth of data
 * plus the channel's write buffer (the high water mark) in memory.
 */
package dev.tlsfront.forward;
