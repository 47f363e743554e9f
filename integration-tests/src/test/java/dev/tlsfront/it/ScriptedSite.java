package dev.tlsfront.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A site deliberately set up wrong, for the probe to find: a plaintext listener and a TLS listener
 * (BoringSSL, so that old protocols can be allowed), each answering by a script from the request's
 * path and headers. The mistakes are in the scripts the tests give it.
 */
final class ScriptedSite implements AutoCloseable {

    /** An answer: status, header fields (name, value, name, value...), and a body. */
    record Reply(int status, String body, String... headers) {
        static Reply redirect(int status, String location, String... more) {
            String[] headers = new String[more.length + 2];
            headers[0] = "Location";
            headers[1] = location;
            System.arraycopy(more, 0, headers, 2, more.length);
            return new Reply(status, "", headers);
        }

        static Reply html(String body, String... headers) {
            String[] all = new String[headers.length + 2];
            all[0] = "Content-Type";
            all[1] = "text/html; charset=utf-8";
            System.arraycopy(headers, 0, all, 2, headers.length);
            return new Reply(200, body, all);
        }
    }

    /** The script: from (path, request) to the reply. */
    interface Script extends BiFunction<String, FullHttpRequest, Reply> {}

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel http;
    private final Channel https;

    /**
     * @param protocols the TLS versions the TLS listener accepts, e.g. TLSv1.1 TLSv1.2; with TLS 1.1 it
     *     also accepts a CBC suite (there is no other for it)
     */
    ScriptedSite(TestCertificate certificate, List<String> protocols, Script plain, Script secure) throws Exception {
        SslContextBuilder builder = SslContextBuilder.forServer(certificate.cert().toFile(), certificate.key().toFile())
                .sslProvider(SslProvider.OPENSSL).protocols(protocols);
        if (protocols.contains("TLSv1.1")) {
            builder.ciphers(List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA"));
        }
        SslContext tls = builder.build();
        http = listen(null, plain);
        https = listen(tls, secure);
    }

    private Channel listen(SslContext tls, Script script) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        String path = request.uri();
                                        Reply reply = script.apply(path, request);
                                        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.valueOf(reply.status()),
                                                Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
                                        for (int i = 0; i + 1 < reply.headers().length; i += 2) {
                                            response.headers().add(reply.headers()[i], reply.headers()[i + 1]);
                                        }
                                        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                                        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    int httpPort() {
        return ((InetSocketAddress) http.localAddress()).getPort();
    }

    int httpsPort() {
        return ((InetSocketAddress) https.localAddress()).getPort();
    }

    @Override
    public void close() {
        http.close().syncUninterruptibly();
        https.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
