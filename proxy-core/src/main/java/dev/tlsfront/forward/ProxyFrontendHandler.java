package dev.tlsfront.forward;

import dev.tlsfront.http.DrainRequest;
import dev.tlsfront.forward.RetryRule.Decision;
import dev.tlsfront.forward.RetryRule.Failure;
import dev.tlsfront.http.LocalResponse;
import dev.tlsfront.http.MalformedRequest;
import dev.tlsfront.http.QuietTimer;
import dev.tlsfront.http.WebSocketUpgrade;
import dev.tlsfront.http.ExchangeNotes;
import dev.tlsfront.failures.FailureText;
import dev.tlsfront.upstream.Server;
import dev.tlsfront.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each request of one client connection to an app server and relays the response, one
 * exchange at a time: the next pipelined request is read only when the current response is
 * complete, so responses go back in request order.
 *
 * <p>An exchange moves through {@link Phase}s. The server is chosen by the {@link Upstream}; a
 * failure before any response reached the client is retried where {@link RetryRule} allows, on
 * another server; otherwise no server gives 503, a failed one 502, a silent one 504, and one that
 * fails after the response head was sent makes the client connection close, so that an incomplete
 * response can never look complete. A 101 to a WebSocket upgrade ends the HTTP exchanges of both
 * connections ({@link ProtocolSwitch}).
 */
public final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter implements Exchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyFrontendHandler.class);

    /** Where the current exchange is, on the app server's side. */
    enum Phase {
        /** No exchange: waiting for the next request head. */
        IDLE,
        /** A server was chosen and a connection to it is being made. */
        CONNECTING,
        /** The request head went to the server; its body is still being relayed. */
        SENDING,
        /** The whole request went to the server; its response has not begun. */
        AWAITING,
        /** The response head went to the client; its body is being relayed. */
        RESPONDING
    }

    private final Upstream upstream;
    private final Consumer<ChannelPipeline> toTunnel;

    private ChannelHandlerContext ctx;
    /** For the access log and the metrics: backend timing, failures and the server that answered. */
    private ExchangeNotes notes;
    private QuietTimer responseTimer;
    private boolean draining;
    /** An exchange has begun on this connection: an idle connection before that is one whose client has yet to send. */
    private boolean everBusy;
    /** A read was asked of the client channel and no message has answered it yet. */
    private boolean readRequested;

    // The current exchange; request is null in IDLE.
    private Phase phase = Phase.IDLE;
    private HttpRequest request;
    /** The whole request was read from the client (its last content went on, or is to be sent again). */
    private boolean requestComplete;
    private boolean clientHttp10;
    private boolean resendable;
    private int retriesLeft;
    private boolean staleRetried;
    /** Servers that failed this exchange, in order; null until one has. */
    private List<Server> tried;
    private Server server;
    private Channel backend;
    private BackendRelayHandler relay;
    private boolean backendReused;
    private boolean backendReadPending;

    /**
     * @param toTunnel removes the client pipeline's HTTP handlers once a protocol switch is agreed,
     *     leaving what carries bytes (TLS) and an idle timer before the tunnel's end
     */
    public ProxyFrontendHandler(Upstream upstream, Consumer<ChannelPipeline> toTunnel) {
        this.upstream = upstream;
        this.toTunnel = toTunnel;
    }

    Phase phase() {
        return phase;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ExchangeNotes observed = ctx.channel().attr(ExchangeNotes.KEY).get();
        this.notes = observed != null ? observed : new ExchangeNotes();
        this.responseTimer = new QuietTimer(ctx.executor(), upstream.config().responseTimeout().toNanos(),
                this::responseTimedOut);
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
            if (phase != Phase.IDLE) {
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
        if (msg instanceof HttpContent content && backend != null && !requestComplete) {
            boolean last = content instanceof LastHttpContent;
            if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
                // Trailers are dropped, never merged into the headers the backend trusts.
                ((LastHttpContent) content).trailingHeaders().clear();
            }
            backend.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            if (last) {
                requestComplete = true;
                if (phase == Phase.SENDING) {
                    phase = Phase.AWAITING;
                }
                responseTimer.start();
            } else if (backend.isWritable()) {
                requestClientData();
            }
            return;
        }
        // Body of a request that was already answered locally (the connection closes after it).
        ReferenceCountUtil.release(msg);
    }

    private void startExchange(HttpRequest head) {
        everBusy = true;
        if (head.decoderResult().isFailure()) {
            ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, true));
            return;
        }
        request = head;
        requestComplete = false;
        clientHttp10 = head.protocolVersion().equals(HttpVersion.HTTP_1_0);
        resendable = RetryRule.resendable(head);
        retriesLeft = upstream.config().retries();
        staleRetried = false;
        tried = null;
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        attempt(upstream.choose(ctx.channel().eventLoop(), List.of()));
    }

    /** Sends the request to {@code chosen}: a pooled connection if it has one, otherwise a new one. */
    private void attempt(Server chosen) {
        if (chosen == null) {
            noServer();
            return;
        }
        server = chosen;
        server.exchangeStarted();
        notes.server(server.url());
        Channel pooled = server.pollIdle(ctx.channel().eventLoop());
        if (pooled != null) {
            attach(pooled, true);
        } else {
            connect();
        }
    }

    private void connect() {
        phase = Phase.CONNECTING;
        Server target = server;
        HttpRequest forRequest = request;
        ChannelFuture connecting = target.connect(ctx.channel().eventLoop(), BackendChannels.initializer());
        connecting.addListener(f -> {
            if (request != forRequest || server != target || !ctx.channel().isActive()) {
                connecting.channel().close();  // the client went away meanwhile
                return;
            }
            if (!f.isSuccess()) {
                failedBeforeResponse(Failure.CONNECT, "unreachable: " + FailureText.describe(f.cause()));
                return;
            }
            attach(connecting.channel(), false);
        });
    }

    private void attach(Channel channel, boolean reused) {
        backend = channel;
        backendReused = reused;
        relay = BackendChannels.relay(channel);
        relay.lease(this);
        notes.requestSent();
        phase = requestComplete ? Phase.AWAITING : Phase.SENDING;
        channel.write(request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (requestComplete) {
            // Sent again: the request had no body, and its end was already read from the client.
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            responseTimer.start();
        } else {
            requestClientData();  // the first body piece; for a bodiless request its end is usually queued already
            if (phase == Phase.SENDING && backend != null) {
                channel.flush();  // send the head now rather than wait for a slow body
            }
        }
        channel.read();
    }

    @Override
    public void responseHead(HttpResponse response) {
        responseTimer.touch();
        notes.responseReceived();
        if (response.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
            switchProtocols(response);
            return;
        }
        phase = Phase.RESPONDING;
        server.succeeded();
        ResponseFraming.forClient(response, clientHttp10, draining);
        ctx.write(response);
    }

    /** A 101: the tunnel if a WebSocket upgrade was asked for, otherwise the backend is broken (502). */
    private void switchProtocols(HttpResponse response) {
        Channel upgraded = backend;
        if (!WebSocketUpgrade.isForwarded(request) || !requestComplete) {
            ReferenceCountUtil.release(response);
            backendFailed("switched protocols unasked");  // 502, and the connection closes
            return;
        }
        server.succeeded();
        endExchange();
        ProtocolSwitch.join(ctx.channel(), upgraded, response, toTunnel);  // removes this handler too
    }

    @Override
    public void responseContent(HttpContent content) {
        if (!(content instanceof LastHttpContent)) {
            ctx.write(content);
            return;
        }
        Channel used = backend;
        Server usedServer = server;
        boolean reusable = relay.keepAlive() && requestComplete;
        boolean closeClient = !requestComplete || draining;
        endExchange();
        ChannelFuture written = ctx.writeAndFlush(content);
        if (reusable) {
            usedServer.release(used);
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
        responseTimer.touch();
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
        if (backend != null && backend.isWritable() && !requestComplete && !readRequested) {
            requestClientData();
        }
    }

    @Override
    public void backendFailed(String why) {
        notes.failed(ExchangeNotes.BackendFailure.INVALID);
        log.warn("{} {}: backend {} {}", request.method(), request.uri(), server.url(), why);
        if (phase != Phase.RESPONDING) {
            // The relay closes the connection next; what the client gets is decided here, once.
            Channel broken = backend;
            backend = null;
            failedBeforeResponse(Failure.INVALID, why);
            if (broken != null) {
                broken.close();
            }
        }
    }

    @Override
    public void backendClosed() {
        if (request == null || backend == null) {
            return;
        }
        backend = null;
        if (phase == Phase.RESPONDING) {
            log.warn("{} {}: backend {} closed the connection before the response was complete",
                    request.method(), request.uri(), server.url());
            notes.failed(ExchangeNotes.BackendFailure.CLOSED);
            server.failed("closed the connection mid-response");
            abort();
            return;
        }
        failedBeforeResponse(backendReused ? Failure.STALE_CONNECTION : Failure.CLOSED,
                "closed the connection without a response");
    }

    /** The current attempt failed and nothing of its response reached the client: retry, or answer. */
    private void failedBeforeResponse(Failure failure, String why) {
        responseTimer.stop();
        backend = null;
        if (relay != null) {
            relay.lease(null);
            relay = null;
        }
        Decision decision = RetryRule.decide(failure, resendable, requestComplete, retriesLeft, staleRetried);
        if (failure != Failure.STALE_CONNECTION) {
            server.failed(why);
        }
        if (decision == Decision.SAME_SERVER) {
            staleRetried = true;
            connect();  // RFC 9112 §9.3.1: the server closed an idle keep-alive connection as it was reused
            return;
        }
        if (decision == Decision.ANOTHER_SERVER) {
            Server failedServer = server;
            Server next = upstream.choose(ctx.channel().eventLoop(), tried(failedServer));
            if (next != null) {
                log.warn("{} {}: backend {} {}; trying {}", request.method(), request.uri(), failedServer.url(), why,
                        next.url());
                failedServer.exchangeEnded();
                server = null;
                retriesLeft--;
                attempt(next);
                return;
            }
        }
        if (failure != Failure.INVALID) {
            log.warn("{} {}: backend {} {}", request.method(), request.uri(), server.url(), why);
        }
        notes.failed(switch (failure) {
            case CONNECT -> ExchangeNotes.BackendFailure.CONNECT;
            case STALE_CONNECTION, CLOSED -> ExchangeNotes.BackendFailure.CLOSED;
            case TIMEOUT -> ExchangeNotes.BackendFailure.TIMEOUT;
            case INVALID -> ExchangeNotes.BackendFailure.INVALID;
        });
        respondLocally(failure == Failure.TIMEOUT ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY);
    }

    private List<Server> tried(Server failed) {
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        tried.add(failed);
        return tried;
    }

    /** No server takes requests: 503, with when to try again. */
    private void noServer() {
        log.debug("{} {}: no backend server is available", request.method(), request.uri());
        notes.failed(ExchangeNotes.BackendFailure.NO_SERVER);
        boolean close = !requestComplete || draining;
        FullHttpResponse unavailable = LocalResponse.of(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE, close);
        unavailable.headers().setInt(HttpHeaderNames.RETRY_AFTER, upstream.retryAfterSeconds());
        endExchange();
        ctx.writeAndFlush(unavailable);
        if (!close) {
            requestClientData();
        }
    }

    private void responseTimedOut() {
        if (phase != Phase.AWAITING && phase != Phase.RESPONDING) {
            return;
        }
        String why = "sent nothing for " + TimeUnit.NANOSECONDS.toMillis(responseTimer.timeoutNanos()) + " ms";
        Channel silent = backend;
        if (phase == Phase.RESPONDING) {
            log.warn("{} {}: backend {} {}", request.method(), request.uri(), server.url(), why);
            notes.failed(ExchangeNotes.BackendFailure.TIMEOUT);
            server.failed(why);
            abort();
            return;
        }
        failedBeforeResponse(Failure.TIMEOUT, why);
        silent.close();
    }

    /** Answers the current request with a response of tlsfront's own and ends the exchange. */
    private void respondLocally(HttpResponseStatus status) {
        // A request whose body was not read to its end leaves the connection out of step: close it.
        boolean close = !requestComplete || draining;
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
        responseTimer.stop();
        if (relay != null) {
            relay.lease(null);
        }
        if (server != null) {
            server.exchangeEnded();
        }
        server = null;
        backend = null;
        relay = null;
        request = null;
        tried = null;
        backendReadPending = false;
        phase = Phase.IDLE;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DrainRequest.INSTANCE) {
            draining = true;
            // An idle keep-alive connection closes now (its client retries on a new one, RFC 9112
            // §9.3.1); a new one keeps its first request, which its client may already have sent
            // and would not retry: it is answered with Connection: close, or times out as usual.
            if (phase == Phase.IDLE && everBusy) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        responseTimer.cancel();
        if (phase != Phase.IDLE) {
            Channel used = backend;
            endExchange();
            if (used != null) {
                used.close();
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        responseTimer.cancel();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("client connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
