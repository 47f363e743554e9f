package dev.tlsfront.forward;

import dev.tlsfront.http.LocalResponse;
import dev.tlsfront.http.MalformedRequest;
import dev.tlsfront.http.WebSocketUpgrade;
import dev.tlsfront.observe.ExchangeNotes;
import dev.tlsfront.observe.FailureText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each request of one client connection to a backend connection and relays the response,
 * one exchange at a time: the next pipelined request is read only when the current response is
 * complete, so responses go back in request order.
 *
 * <p>A backend that cannot be reached gives 502, one that does not answer within the response
 * timeout gives 504, and one that fails after the response head was sent makes the client connection
 * close, so that an incomplete response can never look complete.
 *
 * <p>A WebSocket upgrade that the backend accepts (101) ends the HTTP exchanges of both connections:
 * the client pipeline sheds its HTTP handlers (through {@code toTunnel}), the backend connection its
 * encoder, and the two are joined by a {@link TunnelHandler} for the rest of their lives.
 */
public final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter implements Exchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyFrontendHandler.class);

    /** RFC 9110 §9.2.2: requests that may be sent twice without changing the outcome. */
    private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE, HttpMethod.PUT, HttpMethod.DELETE);

    private final BackendPool pool;
    private final long responseTimeoutNanos;
    private final Consumer<ChannelPipeline> toTunnel;

    private ChannelHandlerContext ctx;
    /** For the access log and the metrics: backend timing and failures. */
    private ExchangeNotes notes;
    private boolean draining;
    /** A read was asked of the client channel and no message has answered it yet. */
    private boolean readRequested;

    // The current exchange; request is null between exchanges.
    private HttpRequest request;
    private Channel backend;
    private BackendRelayHandler relay;
    private boolean backendReused;
    private boolean retryAllowed;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean clientHttp10;
    private boolean backendReadPending;
    private long lastBackendActivity;
    private ScheduledFuture<?> responseTimer;

    /**
     * @param toTunnel removes the client pipeline's HTTP handlers once a protocol switch is agreed,
     *     leaving what carries bytes (TLS) and an idle timer before the tunnel's end
     */
    public ProxyFrontendHandler(BackendPool pool, Consumer<ChannelPipeline> toTunnel) {
        this.pool = pool;
        this.responseTimeoutNanos = pool.config().responseTimeout().toNanos();
        this.toTunnel = toTunnel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ExchangeNotes observed = ctx.channel().attr(ExchangeNotes.KEY).get();
        this.notes = observed != null ? observed : new ExchangeNotes();
        if (ctx.channel().isActive()) {
            requestClientData();  // set up after the TLS handshake: the connection is long active
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!readRequested) {
            requestClientData();
        }
        ctx.fireChannelActive();
    }

    /** Asks for the next message from the client: a request head, or the next piece of a body. */
    private void requestClientData() {
        readRequested = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // The flow-control handler counts a read that produced no message (TLS handshake records, a
        // partial header block) as answered: ask again, keeping exactly one read outstanding.
        if (readRequested) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readRequested = false;
        if (msg instanceof HttpRequest head) {
            if (request != null) {
                // Cannot happen while reads are paced by the flow-control handler; never interleave two exchanges.
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            startExchange(head);
            return;
        }
        if (msg instanceof MalformedRequest || msg instanceof HttpContent bad && bad.decoderResult().isFailure()) {
            // The body turned out malformed after its head was forwarded: the backend connection is
            // out of step, so neither it nor the client connection may be used again.
            ReferenceCountUtil.release(msg);
            if (request != null) {
                log.debug("{} {}: malformed request body; aborting the exchange", request.method(), request.uri());
            }
            abort();
            return;
        }
        if (msg instanceof HttpContent content && backend != null && !requestDone) {
            boolean last = content instanceof LastHttpContent;
            if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
                // Trailers are dropped, never merged into the headers the backend trusts.
                ((LastHttpContent) content).trailingHeaders().clear();
            }
            requestDone = last;
            backend.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            if (last) {
                armResponseTimer();
            } else if (backend.isWritable()) {
                requestClientData();
            }
            return;
        }
        // Body of a request that was already answered locally (the connection closes after it).
        ReferenceCountUtil.release(msg);
    }

    private void startExchange(HttpRequest head) {
        if (head.decoderResult().isFailure()) {
            ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, true));
            return;
        }
        request = head;
        requestDone = false;
        responseStarted = false;
        clientHttp10 = head.protocolVersion().equals(HttpVersion.HTTP_1_0);
        retryAllowed = IDEMPOTENT.contains(head.method()) && !HttpUtil.isTransferEncodingChunked(head)
                && HttpUtil.getContentLength(head, 0L) == 0;
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        Channel pooled = pool.pollIdle(ctx.channel().eventLoop());
        if (pooled != null) {
            attach(pooled, true);
        } else {
            connect();
        }
    }

    private void connect() {
        ChannelFuture connecting = pool.connect(ctx.channel().eventLoop());
        HttpRequest forRequest = request;
        connecting.addListener(f -> {
            if (request != forRequest || !ctx.channel().isActive()) {
                connecting.channel().close();  // the client went away meanwhile
                return;
            }
            if (!f.isSuccess()) {
                log.warn("{} {}: backend {} unreachable: {}", request.method(), request.uri(), pool.config().url(),
                        FailureText.describe(f.cause()));
                notes.failed(ExchangeNotes.BackendFailure.CONNECT);
                respondLocally(HttpResponseStatus.BAD_GATEWAY);
                return;
            }
            attach(connecting.channel(), false);
        });
    }

    private void attach(Channel channel, boolean reused) {
        backend = channel;
        backendReused = reused;
        relay = (BackendRelayHandler) channel.pipeline().context(BackendPool.RELAY).handler();
        relay.lease(this);
        notes.requestSent();
        channel.write(request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (requestDone) {
            // A retry: the request had no body, and its end was already read from the client.
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            armResponseTimer();
        } else {
            requestClientData();  // the first body piece; for a bodiless request its end is usually queued already
            if (!requestDone && backend != null) {
                channel.flush();  // send the head now rather than wait for a slow body
            }
        }
        channel.read();
    }

    @Override
    public void responseHead(HttpResponse response) {
        responseStarted = true;
        lastBackendActivity = System.nanoTime();
        notes.responseReceived();
        if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            switchProtocols(response);
            return;
        }
        // RFC 9110 §6.2: the version is the sender's, i.e. the proxy's, whatever the backend spoke.
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        int code = response.status().code();
        if (clientHttp10) {
            // HTTP/1.0 has no chunked coding: the body then ends when the connection does.
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        } else if (!HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response)
                && response.status().codeClass() != HttpStatusClass.INFORMATIONAL && code != 204) {
            // A body delimited by the backend closing (or none, for HEAD and 304) is chunked to the
            // client, so the client connection can stay open (RFC 9112 §6.1 allows it for 304).
            HttpUtil.setTransferEncodingChunked(response, true);
        }
        if (draining) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(response);
    }

    /** A 101: the tunnel if a WebSocket upgrade was asked for, otherwise the backend is broken (502). */
    private void switchProtocols(HttpResponse response) {
        Channel upgraded = backend;
        if (!WebSocketUpgrade.isForwarded(request) || !requestDone) {
            log.warn("{} {}: backend {} switched protocols unasked", request.method(), request.uri(), pool.config().url());
            notes.failed(ExchangeNotes.BackendFailure.INVALID);
            responseStarted = false;
            respondLocally(HttpResponseStatus.BAD_GATEWAY);
            upgraded.close();
            return;
        }
        cancelResponseTimer();
        endExchange();
        WebSocketUpgrade.restoreFor(response.headers());
        ctx.write(response);
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        // From here on both connections carry the protocol's bytes: the backend's decoder passes them
        // through after a 101, its encoder must not see them, and the relay's work is over.
        ((HttpClientCodec) upgraded.pipeline().get(BackendPool.CODEC)).removeOutboundHandler();
        upgraded.pipeline().remove(BackendPool.RELAY);
        Channel client = ctx.channel();
        TunnelHandler.join(client, upgraded);
        toTunnel.accept(client.pipeline());  // removes this handler too
        client.read();
        upgraded.read();
    }

    @Override
    public void responseContent(HttpContent content) {
        if (!(content instanceof LastHttpContent)) {
            ctx.write(content);
            return;
        }
        Channel used = backend;
        boolean reusable = relay.keepAlive() && requestDone;
        boolean closeClient = !requestDone || draining;
        endExchange();
        ChannelFuture written = ctx.writeAndFlush(content);
        if (reusable) {
            pool.release(used);
        } else {
            used.close();
        }
        if (closeClient) {
            written.addListener(ChannelFutureListener.CLOSE);
        } else {
            requestClientData();
        }
    }

    @Override
    public void backendReadComplete() {
        ctx.flush();
        lastBackendActivity = System.nanoTime();
        if (ctx.channel().isWritable()) {
            backend.read();
        } else {
            backendReadPending = true;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && backendReadPending && backend != null) {
            backendReadPending = false;
            backend.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void backendWritabilityChanged() {
        if (backend != null && backend.isWritable() && !requestDone && !readRequested) {
            requestClientData();
        }
    }

    @Override
    public void backendFailed(String why) {
        retryAllowed = false;
        notes.failed(ExchangeNotes.BackendFailure.INVALID);
        log.warn("{} {}: backend {} {}", request.method(), request.uri(), pool.config().url(), why);
    }

    @Override
    public void backendClosed() {
        if (request == null) {
            return;
        }
        backend = null;
        if (responseStarted) {
            log.warn("{} {}: backend {} closed the connection before the response was complete",
                    request.method(), request.uri(), pool.config().url());
            notes.failed(ExchangeNotes.BackendFailure.CLOSED);
            abort();
            return;
        }
        if (backendReused && retryAllowed && requestDone) {
            // RFC 9112 §9.3.1: the backend closed an idle keep-alive connection as it was reused;
            // an idempotent request without a body is sent once more on a new connection.
            retryAllowed = false;
            connect();
            return;
        }
        log.warn("{} {}: backend {} closed the connection without a response", request.method(), request.uri(),
                pool.config().url());
        notes.failed(ExchangeNotes.BackendFailure.CLOSED);
        respondLocally(HttpResponseStatus.BAD_GATEWAY);
    }

    private void armResponseTimer() {
        lastBackendActivity = System.nanoTime();
        if (responseTimer == null && responseTimeoutNanos > 0) {  // 0: no limit, as for every timeout
            responseTimer = ctx.executor().schedule(this::responseTimerFired, responseTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Fires at most once per timeout period and reschedules itself while an exchange waits on the
     * backend; exchanges start and end without touching the scheduler.
     */
    private void responseTimerFired() {
        responseTimer = null;
        if (request == null || !requestDone) {
            return;  // nothing to time now; the next request's end arms it again
        }
        long quiet = System.nanoTime() - lastBackendActivity;
        if (quiet < responseTimeoutNanos) {
            responseTimer = ctx.executor().schedule(this::responseTimerFired, responseTimeoutNanos - quiet,
                    TimeUnit.NANOSECONDS);
            return;
        }
        log.warn("{} {}: backend {} sent nothing for {} ms", request.method(), request.uri(), pool.config().url(),
                TimeUnit.NANOSECONDS.toMillis(responseTimeoutNanos));
        notes.failed(ExchangeNotes.BackendFailure.TIMEOUT);
        if (responseStarted) {
            abort();
        } else {
            Channel silent = backend;
            respondLocally(HttpResponseStatus.GATEWAY_TIMEOUT);
            silent.close();
        }
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    /** Answers the current request with a response of tlsfront's own and ends the exchange. */
    private void respondLocally(HttpResponseStatus status) {
        // A request whose body was not read to its end leaves the connection out of step: close it.
        boolean close = !requestDone || draining;
        endExchange();
        ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), status, close));
        if (!close) {
            requestClientData();
        }
    }

    /** Closes the client connection mid-response, so the client sees the response is incomplete. */
    private void abort() {
        Channel used = backend;
        endExchange();
        if (used != null) {
            used.close();
        }
        ctx.close();
    }

    private void endExchange() {
        if (relay != null) {
            relay.lease(null);
        }
        backend = null;
        relay = null;
        request = null;
        backendReadPending = false;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DrainRequest.INSTANCE) {
            draining = true;
            if (request == null) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelResponseTimer();
        if (request != null) {
            Channel used = backend;
            endExchange();
            if (used != null) {
                used.close();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
