package dev.tlsfront.server;

import dev.tlsfront.forward.BackendPool;
import dev.tlsfront.forward.ProxyFrontendHandler;
import dev.tlsfront.http.HopByHopHeadersHandler;
import dev.tlsfront.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;
import java.util.function.Supplier;

/**
 * The TLS listener's pipeline, in data-path order:
 *
 * <ol>
 *   <li>{@value #TLS}: reads the ClientHello, picks the certificate by SNI, then becomes the SslHandler;
 *   <li>{@value #CODEC}: HTTP/1.1 decoding and encoding;
 *   <li>{@value #FLOW}: hands on one decoded message per read, so body pieces and pipelined requests
 *       are read only as fast as the backend takes them;
 *   <li>{@value #KEEP_ALIVE}: closes the connection after a response when either side asked to;
 *   <li>{@value #EXPECT}: answers {@code Expect: 100-continue} and removes it;
 *   <li>{@value #HOP_BY_HOP}: removes connection-specific request headers;
 *   <li>{@value #PROXY}: forwards to the backend and relays the response.
 * </ol>
 *
 * Responses, including the proxy's own, travel back through the same handlers in reverse.
 */
final class HttpsChannelInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
    static final String CODEC = "http-codec";
    static final String FLOW = "flow-control";
    static final String KEEP_ALIVE = "keep-alive";
    static final String EXPECT = "expect-continue";
    static final String HOP_BY_HOP = "hop-by-hop";
    static final String PROXY = "proxy";

    private final Supplier<ServerTls> tls;
    private final BackendPool pool;
    private final ChannelGroup channels;

    HttpsChannelInitializer(Supplier<ServerTls> tls, BackendPool pool, ChannelGroup channels) {
        this.tls = tls;
        this.pool = pool;
        this.channels = channels;
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        ch.pipeline()
                .addLast(TLS, tls.get().newSniHandler())
                .addLast(CODEC, new HttpServerCodec(new HttpDecoderConfig()
                        .setMaxInitialLineLength(8192)
                        .setMaxHeaderSize(32 * 1024)
                        .setMaxChunkSize(64 * 1024)))
                .addLast(FLOW, new FlowControlHandler())
                .addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler())
                .addLast(EXPECT, new HttpServerExpectContinueHandler())
                .addLast(HOP_BY_HOP, HopByHopHeadersHandler.INSTANCE)
                .addLast(PROXY, new ProxyFrontendHandler(pool));
    }
}
