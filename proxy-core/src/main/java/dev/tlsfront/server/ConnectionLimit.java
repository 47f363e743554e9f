package dev.tlsfront.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open connections of one listener, and its limit: a connection beyond the limit is closed at
 * once, before any handshake or allocation for it; those already open are unaffected.
 */
final class ConnectionLimit {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    private final ChannelGroup open;
    private final int max;
    /** Shared by the listener's event loops; touched once per refused connection only. */
    private final AtomicLong refused = new AtomicLong();

    /** @param max the most connections open at once, 0 for no limit */
    ConnectionLimit(ChannelGroup open, int max) {
        this.open = open;
        this.max = max;
    }

    /** Tracks the new channel and returns true, or closes it and returns false when the listener is full. */
    boolean admit(Channel ch) {
        if (max > 0 && open.size() >= max) {
            ch.close();
            if (refused.getAndIncrement() % 1000 == 0) {
                log.warn("{} connections open on {}, the most allowed (limits.max_connections): refusing new ones"
                        + " ({} refused so far)", max, open.name(), refused.get());
            }
            return false;
        }
        open.add(ch);
        return true;
    }
}
