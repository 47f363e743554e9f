package dev.tlsfront.http;

import dev.tlsfront.proxyprotocol.ClientAddress;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * What the header policies may know of the exchange they change: who the client is (read once per
 * connection or HTTP/2 stream) and the Host of the request being answered. Exchanges on one
 * connection are one at a time, so the response written next belongs to the request read last.
 */
public final class ExchangeFacts {

    private final Channel channel;
    private boolean clientRead;
    private InetSocketAddress peer;
    private String client;
    private String requestHost;

    ExchangeFacts(Channel channel) {
        this.channel = channel;
    }

    /** The connection's client (the PROXY header's, or the socket's peer), or null when it has none. */
    public InetSocketAddress peer() {
        readClient();
        return peer;
    }

    /** {@link #peer()}'s address as text, made once; null when there is no peer. */
    public String client() {
        readClient();
        return client;
    }

    private void readClient() {
        if (clientRead) {
            return;
        }
        clientRead = true;
        InetSocketAddress address = ClientAddress.of(channel);
        if (address != null && address.getAddress() != null) {
            peer = address;
            client = address.getAddress().getHostAddress();
        }
    }

    /** The access log's notes for this exchange, or null when nothing observes it. */
    public ExchangeNotes notes() {
        return channel.attr(ExchangeNotes.KEY).get();
    }

    /** The Host header of the request being answered (null before the first, or when it had none). */
    public String requestHost() {
        return requestHost;
    }

    void requestHost(String host) {
        this.requestHost = host;
    }
}
