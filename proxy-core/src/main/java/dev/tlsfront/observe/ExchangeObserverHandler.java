package dev.tlsfront.observe;

import dev.tlsfront.http.ExchangeNotes;
import dev.tlsfront.http.MalformedRequest;
import dev.tlsfront.proxyprotocol.ClientAddress;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import dev.tlsfront.config.Cidr;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Watches each exchange go by, just above the HTTP codec (on an HTTP/2 stream, above the frame to
 * HTTP object codec), so it sees requests as parsed and responses as finally sent, whoever made them
 * (the backend, a policy, a 4xx of tlsfront's own). It gives each request its {@link RequestId}
 * (in the request to the app and in the response), and when a response ends it records the
 * exchange in the metrics and, when configured, the access log.
 */
public final class ExchangeObserverHandler extends ChannelDuplexHandler {

    private static final io.netty.util.AsciiString X_REQUEST_ID = io.netty.util.AsciiString.cached("x-request-id");

    /** A request read whose response has not ended yet. */
    private static final class Pending {
        final long startNanos = System.nanoTime();
        final String method;
        final String target;
        final String protocol;
        final String host;
        final String referer;
        final String userAgent;
        String requestId = "-";
        int status;
        long bytesSent;

        /** With {@code forTheLog} false only what the metrics need is kept: no header lookups. */
        Pending(HttpRequest request, boolean forTheLog) {
            method = request.method().name();
            if (!forTheLog) {
                target = protocol = host = referer = userAgent = "-";
                return;
            }
            HttpHeaders headers = request.headers();
            target = request.uri();
            protocol = request.protocolVersion().text();
            host = orDash(headers.get(HttpHeaderNames.HOST));
            referer = orDash(headers.get(HttpHeaderNames.REFERER));
            userAgent = orDash(headers.get(HttpHeaderNames.USER_AGENT));
        }

        /** A request that could not be parsed: nothing of it is trusted enough to log. */
        Pending() {
            method = target = protocol = host = referer = userAgent = "-";
        }
    }

    private final Listener listener;
    private final ProxyMetrics metrics;
    private final AccessLog accessLog;
    private final ExchangeNotes notes = new ExchangeNotes();
    private final List<Cidr> trustedProxies;
    /** Whether the connection's client is a trusted proxy, whose X-Request-ID is kept; null until looked up. */
    private Boolean fromTrustedProxy;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>(2);
    /** The connection's peer, protocol and TLS, looked up at the first exchange's end. */
    private String client;
    private String protocol;
    private ConnectionObserverHandler.TlsSummary tls;

    public ExchangeObserverHandler(Listener listener, ProxyMetrics metrics, AccessLog accessLog) {
        this(listener, metrics, accessLog, List.of());
    }

    /** @param trustedProxies {@code backend.trusted_proxies}: their X-Request-ID is kept */
    public ExchangeObserverHandler(Listener listener, ProxyMetrics metrics, AccessLog accessLog,
            List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
        this.listener = listener;
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(ExchangeNotes.KEY).set(notes);
    }

    /** On an HTTP/2 stream the connection is the parent channel. */
    private void lookUpConnection(Channel channel) {
        Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        SocketAddress remote = ClientAddress.of(channel);
        client = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        protocol = channel instanceof Http2StreamChannel ? "HTTP/2.0" : null;
        tls = connection.attr(ConnectionObserverHandler.TLS).get();
        if (tls == null) {
            tls = ConnectionObserverHandler.TlsSummary.NONE;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            Pending next = new Pending(request, accessLog.enabled());
            if (fromTrustedProxy == null) {
                fromTrustedProxy = isTrustedProxy(ClientAddress.of(ctx.channel()));
            }
            next.requestId = RequestId.decide(request.headers().get(X_REQUEST_ID), fromTrustedProxy);
            request.headers().set(X_REQUEST_ID, next.requestId);
            pending.add(next);
        } else if (msg instanceof MalformedRequest && pending.isEmpty()) {
            // In the middle of a body it aborts the exchange already pending; otherwise it is answered.
            pending.add(new Pending());
        }
        ctx.fireChannelRead(msg);
    }

    /** Once per connection, and once per request on HTTP/2 (a stream is one exchange): a plain loop. */
    private boolean isTrustedProxy(InetSocketAddress client) {
        if (client == null || client.getAddress() == null) {
            return false;
        }
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(client.getAddress())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                    && response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                ctx.write(msg, promise);  // 100 Continue: the final response is still to come
                return;
            }
            if (pending.isEmpty()) {
                pending.add(new Pending());
            }
            pending.peek().status = response.status().code();
            if (!pending.peek().requestId.equals("-")) {
                response.headers().set(X_REQUEST_ID, pending.peek().requestId);
            }
        }
        if (msg instanceof HttpContent content && !pending.isEmpty()) {
            Pending current = pending.peek();
            current.bytesSent += content.content().readableBytes();
            if (msg instanceof LastHttpContent) {
                complete(ctx, pending.poll(), current.status);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Exchanges cut short: 499 (nginx's "client closed request") when no response had begun,
        // otherwise the status that was sent, with the bytes that were.
        Pending cut;
        while ((cut = pending.poll()) != null) {
            complete(ctx, cut, cut.status == 0 ? 499 : cut.status);
        }
        ctx.fireChannelInactive();
    }

    private void complete(ChannelHandlerContext ctx, Pending done, int status) {
        long requestNanos = System.nanoTime() - done.startNanos;
        long backendNanos = notes.takeBackendNanos();
        String originating = notes.takeOriginatingClient();
        ExchangeNotes.BackendFailure failure = notes.takeFailure();
        String server = notes.takeServer();
        if (failure != null) {
            metrics.backendFailure(failure);
        }
        metrics.request(listener, done.method, status, requestNanos);
        if (accessLog.enabled()) {
            if (client == null) {
                lookUpConnection(ctx.channel());
            }
            accessLog.record(new CompletedExchange(originating != null ? originating : client, System.currentTimeMillis(), done.method, done.target,
                    protocol != null && !done.protocol.equals("-") ? protocol : done.protocol, done.host, status,
                    done.bytesSent, done.referer, done.userAgent, requestNanos, backendNanos, tls.protocol(), tls.cipher(),
                    done.requestId, server == null ? "-" : server));
        }
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
