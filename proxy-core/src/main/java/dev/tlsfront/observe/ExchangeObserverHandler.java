package dev.tlsfront.observe;

import dev.tlsfront.http.MalformedRequest;
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
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import javax.net.ssl.SSLSession;

/**
 * Watches each exchange go by, just above the HTTP codec, so it sees requests as parsed and responses
 * as finally sent, whoever made them (the backend, a policy, a 4xx of tlsfront's own). When a
 * response ends it records the exchange in the metrics and, when configured, the access log; TLS
 * handshakes and connections are counted here too. It changes nothing that passes through.
 */
public final class ExchangeObserverHandler extends ChannelDuplexHandler {

    /** A request read whose response has not ended yet. */
    private static final class Pending {
        final long startNanos = System.nanoTime();
        final String method;
        final String target;
        final String protocol;
        final String host;
        final String referer;
        final String userAgent;
        int status;
        long bytesSent;

        Pending(HttpRequest request) {
            HttpHeaders headers = request.headers();
            method = request.method().name();
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
    private final ArrayDeque<Pending> pending = new ArrayDeque<>(2);
    private String client = "-";
    private String tlsProtocol = "-";
    private String tlsCipher = "-";

    public ExchangeObserverHandler(Listener listener, ProxyMetrics metrics, AccessLog accessLog) {
        this.listener = listener;
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(ExchangeNotes.KEY).set(notes);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        client = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        metrics.connectionOpened(listener);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            pending.add(new Pending(request));
        } else if (msg instanceof MalformedRequest && pending.isEmpty()) {
            // In the middle of a body it aborts the exchange already pending; otherwise it is answered.
            pending.add(new Pending());
        }
        ctx.fireChannelRead(msg);
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
        }
        if (msg instanceof HttpContent content && !pending.isEmpty()) {
            Pending current = pending.peek();
            current.bytesSent += content.content().readableBytes();
            if (msg instanceof LastHttpContent) {
                complete(pending.poll(), current.status);
            }
        }
        ctx.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent handshake) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (handshake.isSuccess() && tls != null) {
                SSLSession session = tls.engine().getSession();
                tlsProtocol = session.getProtocol();
                tlsCipher = session.getCipherSuite();
                metrics.handshake(tlsProtocol, tlsCipher);
            } else {
                metrics.handshakeFailed();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Exchanges cut short: 499 (nginx's "client closed request") when no response had begun,
        // otherwise the status that was sent, with the bytes that were.
        Pending cut;
        while ((cut = pending.poll()) != null) {
            complete(cut, cut.status == 0 ? 499 : cut.status);
        }
        metrics.connectionClosed(listener);
        ctx.fireChannelInactive();
    }

    private void complete(Pending done, int status) {
        long requestNanos = System.nanoTime() - done.startNanos;
        long backendNanos = notes.takeBackendNanos();
        ExchangeNotes.BackendFailure failure = notes.takeFailure();
        if (failure != null) {
            metrics.backendFailure(failure);
        }
        metrics.request(listener, done.method, status, requestNanos);
        if (accessLog.enabled()) {
            accessLog.record(new CompletedExchange(client, System.currentTimeMillis(), done.method, done.target, done.protocol,
                    done.host, status, done.bytesSent, done.referer, done.userAgent, requestNanos, backendNanos,
                    tlsProtocol, tlsCipher));
        }
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
