package dev.tlsfront.forward;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import dev.tlsfront.http.WebSocketUpgrade;
import io.netty.channel.ChannelPipeline;
import java.util.function.Consumer;

/**
 * A 101 the app gave to a WebSocket upgrade: the HTTP exchanges of both connections end, and the two
 * are joined byte for byte for the rest of their lives.
 */
final class ProtocolSwitch {

    private ProtocolSwitch() {}

    /**
     * @param toTunnel removes the client pipeline's HTTP handlers (and the exchange's own)
     */
    static void join(Channel client, Channel backend, HttpResponse response, Consumer<ChannelPipeline> toTunnel) {
        WebSocketUpgrade.restoreFor(response.headers());
        client.write(response);
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        // From here on both connections carry the protocol's bytes: the backend's decoder passes them
        // through after a 101, its encoder must not see them, and the relay's work is over.
        ((HttpClientCodec) backend.pipeline().get(BackendChannels.CODEC)).removeOutboundHandler();
        backend.pipeline().remove(BackendChannels.RELAY);
        TunnelHandler.join(client, backend);
        toTunnel.accept(client.pipeline());
        client.read();
        backend.read();
    }
}
