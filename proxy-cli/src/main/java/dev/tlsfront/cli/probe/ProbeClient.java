package dev.tlsfront.cli.probe;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSession;

/**
 * The probe's HTTP/1.1 client (Netty), with what curl's {@code --resolve} gives: it connects to a
 * chosen address while sending the site's name as SNI and Host. One request per connection.
 */
final class ProbeClient implements AutoCloseable {

    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final long TIMEOUT_SECONDS = 10;

    /** One answer: status, every header field in order, the body as text, and the TLS session if any. */
    record Response(int status, List<String[]> headers, String body, Optional<SSLSession> tls) {
        List<String> all(String name) {
            List<String> values = new ArrayList<>();
            for (String[] field : headers) {
                if (field[0].equalsIgnoreCase(name)) {
                    values.add(field[1]);
                }
            }
            return values;
        }

        Optional<String> first(String name) {
            return all(name).stream().findFirst();
        }

        boolean isRedirect() {
            return status >= 300 && status < 400 && first("location").isPresent();
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final String host;
    private final Optional<InetAddress> resolved;
    private final String userAgent;

    ProbeClient(String host, Optional<InetAddress> resolved, String userAgent) {
        this.host = host;
        this.resolved = resolved;
        this.userAgent = userAgent;
    }

    InetSocketAddress address(int port) throws UnknownHostException {
        return new InetSocketAddress(resolved.isPresent() ? resolved.get() : InetAddress.getByName(host), port);
    }

    /**
     * GET (or HEAD) {@code target} on {@code port}, over TLS when {@code tls} is given.
     *
     * @param hostHeader the Host field to send (normally the site's name, with the port when not the default)
     * @param extra more header fields, name then value
     */
    Response request(Optional<SslContext> tls, int port, HttpMethod method, String target, String hostHeader,
            String... extra) throws IOException {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        tls.ifPresent(context -> ch.pipeline().addLast("tls", context.newHandler(ch.alloc(), host, port)));
                        ch.pipeline()
                                .addLast(new HttpClientCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                        List<String[]> headers = new ArrayList<>();
                                        response.headers().forEach(e -> headers.add(new String[] {e.getKey(), e.getValue()}));
                                        SslHandler handler = ctx.pipeline().get(SslHandler.class);
                                        answer.complete(new Response(response.status().code(), headers,
                                                response.content().toString(StandardCharsets.UTF_8),
                                                Optional.ofNullable(handler).map(h -> h.engine().getSession())));
                                        ctx.close();
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        answer.completeExceptionally(cause);
                                        ctx.close();
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        answer.completeExceptionally(new IOException("connection closed without an answer"));
                                    }
                                });
                    }
                };
        Channel channel = null;
        try {
            channel = connect(port, pipeline);
            DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target);
            request.headers().set(HttpHeaderNames.HOST, hostHeader)
                    .set(HttpHeaderNames.USER_AGENT, userAgent)
                    .set(HttpHeaderNames.ACCEPT, "text/html,*/*")
                    .set(HttpHeaderNames.CONNECTION, "close");
            for (int i = 0; i + 1 < extra.length; i += 2) {
                request.headers().set(extra[i], extra[i + 1]);
            }
            channel.writeAndFlush(request);
            return answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause().getCause() != null && e.getCause() instanceof io.netty.handler.codec.DecoderException
                    ? e.getCause().getCause() : e.getCause();
            throw failure(cause);
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** What went wrong, in the words of the exception (its type when it has none). */
    private static IOException failure(Throwable cause) {
        return new IOException(cause.getMessage() == null ? cause.toString() : cause.getMessage(), cause);
    }

    /** A completed handshake: the session, and the OCSP response the server stapled, if any. */
    record Handshake(SSLSession session, byte[] ocspResponse) {}

    /** Only a TLS handshake with {@code context}: its session, or the reason it failed. */
    Handshake handshake(SslContext context, int port) throws IOException {
        Channel channel = null;
        SslHandler[] tls = new SslHandler[1];  // kept: a failed handshake closes the channel and empties its pipeline
        try {
            channel = connect(port, new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            tls[0] = context.newHandler(ch.alloc(), host, port);
                            ch.pipeline().addLast("tls", tls[0]);
                            ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();  // the handshake future carries the failure
                                }
                            });
                        }
                    });
            var handshake = tls[0].handshakeFuture().await();
            if (!handshake.isSuccess()) {
                Throwable cause = handshake.cause();
                throw failure(cause);
            }
            var engine = tls[0].engine();
            return new Handshake(engine.getSession(), ocspResponse(engine));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** Connects to the site (or the --resolve address) on {@code port} with that pipeline. */
    private Channel connect(int port, ChannelInitializer<Channel> pipeline) throws IOException, InterruptedException {
        InetSocketAddress address = address(port);
        var connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS))
                .handler(pipeline)
                .connect(address).await();
        if (!connected.isSuccess()) {
            throw new IOException("cannot connect to " + address + ": " + connected.cause().getMessage());
        }
        return connected.channel();
    }

    /** What the server stapled, when the engine asked for it (only BoringSSL's can). */
    private static byte[] ocspResponse(javax.net.ssl.SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            try {
                return openSsl.getOcspResponse();
            } catch (IllegalStateException notRequested) {
                return null;
            }
        }
        return null;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
