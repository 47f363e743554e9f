package dev.tlsfront.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** The pipeline of a connection to an app server: the HTTP/1.1 client codec, then the relay to the exchange. */
final class BackendChannels {

    static final String CODEC = "http-client-codec";
    static final String RELAY = "backend-relay";

    private BackendChannels() {}

    /** Sets up a new backend connection's pipeline. */
    static ChannelHandler initializer() {
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline()
                        .addLast(CODEC, new HttpClientCodec(new HttpDecoderConfig()
                                .setMaxInitialLineLength(8192)
                                .setMaxHeaderSize(64 * 1024)
                                .setMaxChunkSize(64 * 1024), false, false))
                        .addLast(RELAY, new BackendRelayHandler());
            }
        };
    }

    static BackendRelayHandler relay(Channel channel) {
        return (BackendRelayHandler) channel.pipeline().context(RELAY).handler();  // by name: no scan by type
    }
}
