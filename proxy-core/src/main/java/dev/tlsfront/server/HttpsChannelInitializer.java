package dev.tlsfront.server;

import dev.tlsfront.config.BackendConfig.RequestBuffering;
import dev.tlsfront.config.HttpsListenerConfig.TlsConfig;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.upstream.Upstream;
import dev.tlsfront.forward.ProxyFrontendHandler;
import dev.tlsfront.http.DrainRequest;
import dev.tlsfront.forward.RequestBufferingHandler;
import dev.tlsfront.forward.TunnelHandler;
import dev.tlsfront.http.ErrorPageHandler;
import dev.tlsfront.http.HeaderPoliciesHandler;
import dev.tlsfront.http.HttpsPolicies;
import dev.tlsfront.http.IdleConnectionHandler;
import dev.tlsfront.http.LingeringCloseHandler;
import dev.tlsfront.http.PlainHttpOnTlsPortHandler;
import dev.tlsfront.http.RequestSyntax;
import dev.tlsfront.http.RequestSyntaxHandler;
import dev.tlsfront.http.RequestValidationHandler;
import dev.tlsfront.http2.Http2ConnectionLifecycleHandler;
import dev.tlsfront.http2.Http2Connections;
import dev.tlsfront.http2.Http2RequestAdapter;
import dev.tlsfront.http2.StreamBodyTimeoutHandler;
import dev.tlsfront.observe.ConnectionObserverHandler;
import dev.tlsfront.observe.ExchangeObserverHandler;
import dev.tlsfront.observe.Listener;
import dev.tlsfront.observe.ProxyMetrics;
import dev.tlsfront.proxyprotocol.ProxyProtocolHandler;
import dev.tlsfront.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS listener's pipelines, in data-path order (requests go down each list, responses come back up).
 *
 * <p>Every connection starts with
 * <ol>
 *   <li>{@value #PROXY_PROTOCOL} (with {@code https.proxy_protocol}): only from a trusted balancer, and
 *       only with a PROXY header, which names the client;
 *   <li>{@value #PLAIN_HTTP}: answers plain HTTP sent to this port with a 400 naming the https:// address;
 *   <li>{@value #TLS}: reads the ClientHello, picks the certificate by SNI, then becomes the SslHandler;
 *   <li>{@value #CONNECTION}: counts the connection and its handshake, keeps its TLS version and cipher;
 *   <li>{@value #PROTOCOL}: reads through the handshake, then sets up what ALPN chose, in its place.
 * </ol>
 *
 * <p>HTTP/1.1 ({@code http/1.1}, or no ALPN) continues with
 * <ol>
 *   <li>{@value #LINGER}: a close while a request body is still arriving ends the output first and
 *       discards the rest of the input, so the client reads the answer rather than a reset;
 *   <li>{@value #SYNTAX}: strict HTTP/1.1 syntax and framing on the raw bytes, and the header deadline;
 *   <li>{@value #CODEC}: HTTP/1.1 decoding and encoding;
 *   <li>{@value #OBSERVE}: the access log and the metrics, one record per exchange as finally answered;
 *   <li>{@value #ERROR_PAGES}: an HTML page instead of the plain text of tlsfront's own errors, for
 *       clients that accept HTML;
 *   <li>{@value #HSTS}: one Strict-Transport-Security on every response, whoever made it;
 *   <li>{@value #FLOW}: hands on one decoded message per read, so body pieces and pipelined requests
 *       are read only as fast as the backend takes them;
 *   <li>{@value #IDLE}: closes a keep-alive connection idle for {@code limits.keepalive_timeout};
 *   <li>{@value #KEEP_ALIVE}: closes the connection after a response when either side asked to;
 *   <li>then the exchange handlers below.
 * </ol>
 *
 * <p>HTTP/2 ({@code h2}) continues with {@value #H2_FLUSH} (the streams' flushes of one event-loop turn
 * become one TLS write), {@value #H2_CODEC} (frames, settings, flow control and the
 * limits of {@link Http2Connections}), {@value #H2_IDLE} and {@value #H2_LIFECYCLE} (GOAWAY when
 * idle or draining), and {@value #H2_STREAMS}, which gives each stream a child channel of its own:
 * <ol>
 *   <li>{@value #H2_STREAM_CODEC}: the stream's frames as HTTP/1.1 objects, and back;
 *   <li>{@value #H2_BODY_TIMEOUT}: {@code limits.body_timeout} for the request body (on HTTP/1.1 the
 *       syntax handler keeps it); here, before the request is split into head and end, it sees a
 *       request that came whole as one and keeps no clock for it;
 *   <li>{@value #H2_ADAPT}: the request shaped exactly as over HTTP/1.1;
 *   <li>{@value #OBSERVE}, {@value #ERROR_PAGES}, {@value #HSTS}, {@value #FLOW} as above;
 *   <li>then the exchange handlers below.
 * </ol>
 *
 * <p>The exchange handlers, the same for both protocols:
 * <ol>
 *   <li>{@value #VALIDATION}: answers what must not be forwarded (bad Host, target, expectation, size) with its
 *       4xx, and a host that is not served on this connection with 421;
 *   <li>{@value #EXPECT}: answers {@code Expect: 100-continue} and removes it;
 *   <li>{@value #HEADER_POLICIES}: the header policies as one ordered list ({@link dev.tlsfront.http.HeaderPolicies}):
 *       on requests, connection-specific headers removed (a WebSocket upgrade keeps its own), then
 *       client-sent forwarding headers replaced with X-Forwarded-Proto/For/Host/Port; on responses,
 *       CSP {@code upgrade-insecure-requests} and the operator's extra headers (when configured), the
 *       app's {@code http://} URLs of this site rewritten to {@code https://}, and Secure added to its cookies;
 *   <li>{@value #BUFFERING}: reads chunked (or, configured so, all) request bodies whole, to forward them
 *       with Content-Length;
 *   <li>{@value #PROXY}: forwards to the backend over HTTP/1.1 and relays the response.
 * </ol>
 *
 * <p>After a WebSocket upgrade on HTTP/1.1 ({@link #toTunnel}): {@value #TLS}, {@value #CONNECTION},
 * {@value #IDLE} as an idle timer for {@code limits.websocket_idle_timeout}, then the tunnel to the backend.
 */
final class HttpsChannelInitializer extends ChannelInitializer<Channel> {

    private static final Logger log = LoggerFactory.getLogger(HttpsChannelInitializer.class);

    static final String PROXY_PROTOCOL = "proxy-protocol";
    static final String PLAIN_HTTP = "plain-http";
    static final String TLS = "tls";
    static final String CONNECTION = "connection";
    static final String PROTOCOL = "protocol";
    static final String LINGER = "lingering-close";
    static final String SYNTAX = "request-syntax";
    static final String CODEC = "http-codec";
    static final String H2_FLUSH = "h2-flush";
    static final String H2_CODEC = "h2-codec";
    static final String H2_IDLE = "h2-idle";
    static final String H2_LIFECYCLE = "h2-lifecycle";
    static final String H2_STREAMS = "h2-streams";
    static final String H2_STREAM_CODEC = "h2-stream-codec";
    static final String H2_ADAPT = "h2-adapt";
    static final String H2_BODY_TIMEOUT = "h2-body-timeout";
    static final String OBSERVE = "observe";
    static final String HSTS = "hsts";
    static final String ERROR_PAGES = "error-pages";
    static final String FLOW = "flow-control";
    static final String IDLE = "idle-timeout";
    static final String KEEP_ALIVE = "keep-alive";
    static final String VALIDATION = "request-validation";
    static final String EXPECT = "expect-continue";
    static final String HEADER_POLICIES = "header-policies";
    static final String BUFFERING = "request-buffering";
    static final String PROXY = "proxy";

    private final Supplier<Generation> current;
    private final Upstream upstream;
    private final ConnectionLimit connections;
    private final ProxyMetrics metrics;

    HttpsChannelInitializer(Supplier<Generation> current, Upstream upstream, ConnectionLimit connections,
            ProxyMetrics metrics) {
        this.current = current;
        this.upstream = upstream;
        this.connections = connections;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!connections.admit(ch)) {
            return;
        }
        Generation generation = current.get();
        generation.config().https().proxyProtocol().ifPresent(proxy -> ch.pipeline().addLast(PROXY_PROTOCOL,
                new ProxyProtocolHandler(proxy, why -> metrics.proxyProtocolRefused(Listener.HTTPS, why.label()))));
        ch.pipeline()
                .addLast(PLAIN_HTTP, new PlainHttpOnTlsPortHandler(generation.redirect().siteUrl()))
                .addLast(TLS, generation.tls().newSniHandler())
                .addLast(CONNECTION, new ConnectionObserverHandler(Listener.HTTPS, metrics))
                .addLast(PROTOCOL, new ProtocolSelector(generation));
    }

    /** Reads through the TLS handshake (the connection does not read by itself), then sets up the protocol. */
    private final class ProtocolSelector extends ApplicationProtocolNegotiationHandler {
        private final Generation generation;
        /** The server began draining during the handshake: the protocol's handlers hear of it once added. */
        private boolean drainRequested;

        ProtocolSelector(Generation generation) {
            super(TlsConfig.HTTP_1_1);
            this.generation = generation;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            ctx.read();
            super.channelActive(ctx);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();  // the handshake is not done while this handler is still here
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == DrainRequest.INSTANCE) {
                drainRequested = true;
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ServerTls.ACME_TLS_1.equals(protocol)) {
                // RFC 8737 §3: a validation connection ends with the handshake; no HTTP is spoken on it.
                ctx.close();
                return;
            } else if (TlsConfig.H2.equals(protocol)) {
                http2(ctx.pipeline(), generation);
            } else {
                http1(ctx.pipeline(), generation);
            }
            if (drainRequested) {
                ctx.fireUserEventTriggered(DrainRequest.INSTANCE);  // to the handlers just added after this one
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            if (cause instanceof java.io.IOException) {
                // A peer that goes away before its handshake ends (a balancer's health check resets
                // its connection once it has sent its PROXY header): expected, one DEBUG line.
                log.debug("{}: closed before the TLS handshake ended: {}", ctx.channel(),
                        dev.tlsfront.failures.FailureText.describe(cause));
                ctx.close();
                return;
            }
            super.exceptionCaught(ctx, cause);
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("{}: TLS handshake failed: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }

    private void http1(ChannelPipeline pipeline, Generation generation) {
        ProxyConfig config = generation.config();
        pipeline.addLast(LINGER, new LingeringCloseHandler())
                .addLast(SYNTAX, new RequestSyntaxHandler(limits(config), config.limits().headerTimeout().toMillis(),
                        config.limits().bodyTimeout().toMillis()))
                .addLast(CODEC, new HttpServerCodec(decoderConfig(config)))
                .addLast(OBSERVE, new ExchangeObserverHandler(Listener.HTTPS, metrics, generation.accessLog(),
                        config.policy().trustedProxies()))
                .addLast(ERROR_PAGES, new ErrorPageHandler(generation.policies().errorPages()))
                .addLast(HSTS, generation.policies().newHstsHandler())
                .addLast(FLOW, new FlowControlHandler())
                .addLast(IDLE, new IdleConnectionHandler(config.limits().keepAliveTimeout().toMillis()))
                .addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler());
        exchange(pipeline, generation);
    }

    private void http2(ChannelPipeline pipeline, Generation generation) {
        ProxyConfig config = generation.config();
        // The connection reads all the time; each stream reads its own data only as the backend takes it,
        // and its flow-control window is given back as it does.
        pipeline.channel().config().setAutoRead(true);
        Http2FrameCodec codec = Http2Connections.serverCodec(config.limits().maxHeaderBlock(),
                config.server().drainTimeout());
        // Both stateless: one of each serves every stream of the connection.
        Http2StreamFrameToHttpObjectCodec streamCodec = new Http2StreamFrameToHttpObjectCodec(true);
        Http2RequestAdapter adapter = new Http2RequestAdapter(config.limits().maxRequestLine(),
                config.limits().maxHeaderFields());
        // Each stream flushes its response as the app's answer arrives; without this every response
        // is its own TLS record and send() (2.0 sends per request against HAProxy's 1.15, measured).
        pipeline.addLast(H2_FLUSH, new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
                .addLast(H2_CODEC, codec)
                .addLast(H2_IDLE, new IdleStateHandler(0, 0, config.limits().keepAliveTimeout().toMillis(),
                        TimeUnit.MILLISECONDS))
                .addLast(H2_LIFECYCLE, new Http2ConnectionLifecycleHandler(codec))
                .addLast(H2_STREAMS, new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.config().setAutoRead(false);
                        stream.pipeline()
                                .addLast(H2_STREAM_CODEC, streamCodec)
                                .addLast(H2_BODY_TIMEOUT, new StreamBodyTimeoutHandler(config.limits().bodyTimeout().toMillis()))
                                .addLast(H2_ADAPT, adapter)
                                .addLast(OBSERVE, new ExchangeObserverHandler(Listener.HTTPS, metrics, generation.accessLog(),
                        config.policy().trustedProxies()))
                                .addLast(ERROR_PAGES, new ErrorPageHandler(generation.policies().errorPages()))
                                .addLast(HSTS, generation.policies().newHstsHandler())
                                .addLast(FLOW, new FlowControlHandler());
                        exchange(stream.pipeline(), generation);
                    }
                }));
    }

    private void exchange(ChannelPipeline pipeline, Generation generation) {
        ProxyConfig config = generation.config();
        HttpsPolicies policy = generation.policies();
        pipeline.addLast(VALIDATION, new RequestValidationHandler(config.hosts(), config.limits().maxBodySize(),
                        config.https().anyHost()))
                .addLast(EXPECT, new HttpServerExpectContinueHandler())
                .addLast(HEADER_POLICIES, new HeaderPoliciesHandler(policy.headers()));
        if (config.backend().requestBuffering() != RequestBuffering.OFF) {
            pipeline.addLast(BUFFERING, new RequestBufferingHandler(config.backend().requestBuffering(),
                    config.backend().requestBufferMemory(), maxBufferedBody(config)));
        }
        long websocketIdle = config.limits().websocketIdleTimeout().toMillis();
        pipeline.addLast(PROXY, new ProxyFrontendHandler(upstream, p -> toTunnel(p, websocketIdle)));
    }

    /** The HTTP handlers, removed last to first so that bytes a decoder still held go on to the tunnel. */
    private static final List<String> HTTP_HANDLERS = List.of(PROXY, BUFFERING, HEADER_POLICIES, EXPECT, VALIDATION, KEEP_ALIVE, IDLE, FLOW, HSTS, ERROR_PAGES, OBSERVE, CODEC,
            SYNTAX, LINGER);

    static void toTunnel(ChannelPipeline pipeline, long idleTimeoutMillis) {
        for (String name : HTTP_HANDLERS) {
            if (pipeline.context(name) != null) {
                pipeline.remove(name);
            }
        }
        pipeline.addBefore(TunnelHandler.NAME, IDLE, new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS));
    }

    /** The size limit of a buffered body: limits.max_body_size, or 1 GiB when that is unlimited. */
    static long maxBufferedBody(ProxyConfig config) {
        return config.limits().maxBodySize() > 0 ? config.limits().maxBodySize() : 1L << 30;
    }

    static RequestSyntax.Limits limits(ProxyConfig config) {
        return new RequestSyntax.Limits(config.limits().maxRequestLine(), config.limits().maxHeaderBlock(),
                config.limits().maxHeaderFields());
    }

    /** Netty's own limits sit above the syntax check's, which answers first with the precise status. */
    static HttpDecoderConfig decoderConfig(ProxyConfig config) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(2 * config.limits().maxRequestLine())
                .setMaxHeaderSize(2 * (config.limits().maxHeaderBlock() + config.limits().maxRequestLine()))
                .setMaxChunkSize(64 * 1024);
    }
}
