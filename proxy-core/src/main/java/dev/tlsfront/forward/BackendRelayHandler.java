package dev.tlsfront.forward;

import dev.tlsfront.http.HopByHopHeaders;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each part of a backend response to the exchange that leased the connection, after taking
 * what the connection itself needs from it (keep-alive) and removing its hop-by-hop headers.
 *
 * <p>Interim 1xx responses (other than 101) are dropped, as nginx does: the client was already sent
 * its own {@code 100 Continue} by the proxy.
 */
final class BackendRelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendRelayHandler.class);

    private Exchange owner;
    private boolean interim;
    private boolean keepAlive;

    /** The connection serves {@code exchange} from now on (null: none, it is idle or being closed). */
    void lease(Exchange exchange) {
        owner = exchange;
        interim = false;
        keepAlive = false;
    }

    /** Whether the last response allows the connection to be used again (RFC 9112 §9.3). */
    boolean keepAlive() {
        return keepAlive;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner == null) {
            // RFC 9112 §9.3: nothing may arrive on an idle connection; it is not safe to reuse.
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                owner.backendFailed("malformed response: " + response.decoderResult().cause().getMessage());
                ctx.close();
                return;
            }
            String framing = framingProblem(response);
            if (framing != null) {
                ReferenceCountUtil.release(msg);
                owner.backendFailed(framing);
                ctx.close();
                return;
            }
            int code = response.status().code();
            if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101) {
                interim = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            keepAlive = HttpUtil.isKeepAlive(response);
            HopByHopHeaders.removeFrom(response.headers());
            owner.responseHead(response);
            return;
        }
        if (msg instanceof HttpContent content) {
            if (interim) {
                interim = !(content instanceof LastHttpContent);
                content.release();
                return;
            }
            if (content.decoderResult().isFailure()) {
                content.release();
                owner.backendFailed("malformed response body: " + content.decoderResult().cause().getMessage());
                ctx.close();
                return;
            }
            owner.responseContent(content);
            return;
        }
        ReferenceCountUtil.release(msg);
    }

    /**
     * Null when the response's framing is unambiguous; otherwise why not (RFC 9112 §6.3: a proxy must
     * not pass on a response whose length it cannot be sure of).
     */
    static String framingProblem(HttpResponse response) {
        var headers = response.headers();
        boolean length = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean coding = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
        if (length && coding) {
            return "sent both Content-Length and Transfer-Encoding";
        }
        // Lists only when the field is there, and it is there once in a well-formed response.
        if (length && headers.getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
            return "sent several Content-Length fields";
        }
        if (coding && headers.getAll(HttpHeaderNames.TRANSFER_ENCODING).size() > 1) {
            return "sent several Transfer-Encoding fields";
        }
        return null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.backendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.backendWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (owner != null) {
            Exchange exchange = owner;
            owner = null;
            exchange.backendClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("backend connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
