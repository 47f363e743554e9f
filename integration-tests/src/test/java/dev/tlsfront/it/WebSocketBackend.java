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
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real WebSocket server (Netty's codec), plain HTTP as an app would be:
 * <ul>
 *   <li>{@code /echo}: says {@code hello} as soon as the handshake is done, then echoes every message;
 *   <li>{@code /flood}: sends 64 KiB binary messages as fast as the connection takes them, counting them;
 *   <li>anything else: 403, the upgrade refused.
 * </ul>
 * It records the handshake requests' headers as received.
 */
final class WebSocketBackend implements AutoCloseable {

    static final int FLOOD_MESSAGE = 64 * 1024;
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    final ConcurrentLinkedQueue<String> handshakes = new ConcurrentLinkedQueue<>();
    final AtomicLong floodBytesWritten = new AtomicLong();

    private final java.nio.file.Path socket;

    WebSocketBackend() throws InterruptedException {
        this(null);
    }

    /** Listening on a Unix socket at {@code socket} rather than a TCP port. */
    WebSocketBackend(java.nio.file.Path socket) throws InterruptedException {
        this.socket = socket;
        server = new ServerBootstrap().group(group)
                .channel(socket == null ? NioServerSocketChannel.class
                        : io.netty.channel.socket.nio.NioServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(65536))
                                .addLast(new SimpleChannelInboundHandler<FullHttpRequest>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        handshakes.add(request.method() + " " + request.uri() + "\n" + request.headers());
                                        String path = request.uri();
                                        if (path.equals("/echo") || path.equals("/flood")) {
                                            ctx.pipeline().addAfter(ctx.name(), "ws", new WebSocketServerProtocolHandler(
                                                    WebSocketServerProtocolConfig.newBuilder().websocketPath(path)
                                                            .maxFramePayloadLength(MAX_MESSAGE).build()));
                                            ctx.pipeline().addAfter("ws", "aggregate", new WebSocketFrameAggregator(MAX_MESSAGE));
                                            ctx.pipeline().addAfter("aggregate", "app",
                                                    path.equals("/echo") ? new Echo() : new Flood());
                                            ctx.fireChannelRead(request);
                                            return;
                                        }
                                        request.release();
                                        if (path.equals("/hello")) {
                                            var hello = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                    Unpooled.copiedBuffer("hello".getBytes()));
                                            hello.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 5);
                                            ctx.writeAndFlush(hello);
                                            return;
                                        }
                                        var refused = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.FORBIDDEN, Unpooled.copiedBuffer("no".getBytes()));
                                        refused.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                                        ctx.writeAndFlush(refused);
                                    }
                                });
                    }
                })
                .bind(socket == null ? new InetSocketAddress("127.0.0.1", 0) : java.net.UnixDomainSocketAddress.of(socket))
                .sync().channel();
    }

    String url() {
        return socket != null ? "unix:" + socket : "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
        Echo() {
            super(false);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame("hello"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            ctx.writeAndFlush(frame);  // text or binary, as it came
        }
    }

    private final class Flood extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                send(ctx);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            send(ctx);
            ctx.fireChannelWritabilityChanged();
        }

        private void send(ChannelHandlerContext ctx) {
            while (ctx.channel().isActive() && ctx.channel().isWritable()) {
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[FLOOD_MESSAGE])))
                        .addListener((ChannelFutureListener) f -> {
                            if (f.isSuccess()) {
                                floodBytesWritten.addAndGet(FLOOD_MESSAGE);
                            }
                        });
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {}
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
