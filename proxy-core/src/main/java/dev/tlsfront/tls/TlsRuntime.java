package dev.tlsfront.tls;

import java.time.Clock;

/**
 * What the TLS listener keeps across reloads: the session ticket keys tlsfront rotates itself, and
 * the OCSP staples fetched in the background.
 */
public record TlsRuntime(TicketKeys tickets, OcspStaples staples) implements AutoCloseable {

    /** For a running listener: staples are fetched. */
    public static TlsRuntime serving(Clock clock) {
        return new TlsRuntime(new TicketKeys(), new OcspStaples(clock, true));
    }

    /** For {@code tlsfront check} and tests that load certificates only: no responder is asked. */
    public static TlsRuntime loadingOnly(Clock clock) {
        return new TlsRuntime(new TicketKeys(), new OcspStaples(clock, false));
    }

    @Override
    public void close() {
        staples.close();
    }
}
