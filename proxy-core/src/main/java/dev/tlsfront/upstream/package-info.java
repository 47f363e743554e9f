/**
 * The app servers below the forwarder: which server an exchange goes to ({@link Upstream}, with a
 * {@link Balancer} per event loop), whether each server is eligible (active {@link HealthCheck}s and
 * the {@link PassiveHealth} rule), and each server's keep-alive connections ({@link ServerPool}).
 *
 * <p><b>Threading.</b> A server's health is shared by every event loop: it is read on the request
 * path with one volatile read and no lock, and written by its health check (one event loop) and by
 * failed requests (a compare-and-set, on the failure path only). Pools and balancer state are per
 * event loop, in plain fields.
 */
package dev.tlsfront.upstream;
