package dev.tlsfront.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request that must not be forwarded with its 4xx and closes the connection: a decoding
 * failure, a {@link MalformedRequest}, a missing, repeated or invalid Host (RFC 9112 §3.2), a target
 * that is neither origin-form nor an absolute URL of this site, an unknown expectation (417) or a
 * body over the limit (413). HTTP/1.2 and later minor versions go on as HTTP/1.1. An absolute-form target of this site is forwarded in origin-form with
 * its authority as Host (RFC 9112 §3.2.2).
 */
public final class RequestValidationHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestValidationHandler.class);

    private final List<String> hosts;
    private final long maxBodySize;
    private boolean inBody;
    private boolean rejected;

    /**
     * @param hosts the site's hosts, normalised; the first is canonical
     * @param maxBodySize the largest body accepted, 0 for no limit
     */
    public RequestValidationHandler(List<String> hosts, long maxBodySize) {
        this.hosts = List.copyOf(hosts);
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof MalformedRequest bad && !inBody) {
            reject(ctx, bad.status(), bad.reason());
            return;
        }
        if (msg instanceof HttpRequest request) {
            String problem = check(request);
            if (problem != null) {
                ReferenceCountUtil.release(msg);
                reject(ctx, statusFor(request, problem), problem);
                return;
            }
            inBody = true;
        }
        if (msg instanceof LastHttpContent) {
            inBody = false;
        }
        // A MalformedRequest in the middle of a body goes on: the forwarder must abort that exchange.
        ctx.fireChannelRead(msg);
    }

    private static HttpResponseStatus statusFor(HttpRequest request, String problem) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (problem.startsWith("expectation")) {
            return HttpResponseStatus.EXPECTATION_FAILED;
        }
        if (problem.startsWith("body")) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    /** Null when the request may be forwarded (after normalising it); otherwise what is wrong. */
    String check(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            return "undecodable: " + request.decoderResult().cause().getMessage();
        }
        if (request.protocolVersion().majorVersion() == 1 && request.protocolVersion().minorVersion() > 1) {
            // RFC 9110 §2.5: a later minor version is processed as the highest this side speaks.
            request.setProtocolVersion(HttpVersion.HTTP_1_1);
        }
        HttpHeaders headers = request.headers();
        List<String> host = headers.getAll(HttpHeaderNames.HOST);
        boolean http11 = request.protocolVersion().equals(HttpVersion.HTTP_1_1);
        if (host.size() > 1 || http11 && host.isEmpty()) {
            return host.isEmpty() ? "no Host" : "several Host fields";
        }
        if (host.size() == 1 && HostHeader.parse(host.get(0)) == null) {
            return "invalid Host '" + host.get(0) + "'";
        }
        String target = request.uri();
        if (target.startsWith("/")) {
            // origin-form: the usual case
        } else if (target.equals("*")) {
            if (!request.method().equals(HttpMethod.OPTIONS)) {
                return "'*' target with " + request.method();
            }
        } else if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            int start = target.indexOf("://") + 3;
            int end = start;
            while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
                end++;
            }
            String authority = target.substring(start, end);
            HostHeader parsed = authority.indexOf('@') >= 0 ? null : HostHeader.parse(authority);
            if (parsed == null || !hosts.contains(parsed.host())) {
                return "absolute-form target for a host not served here: '" + authority + "'";
            }
            String rest = target.substring(end);
            request.setUri(rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest);
            headers.set(HttpHeaderNames.HOST, authority);
        } else {
            return "request target '" + target + "' is neither a path nor an absolute URL";
        }
        if (host.isEmpty()) {
            headers.set(HttpHeaderNames.HOST, hosts.get(0));  // HTTP/1.0 without Host
        }
        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && !expect.equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
            return "expectation '" + expect + "' cannot be met";
        }
        if (HttpUtil.isTransferEncodingChunked(request)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else if (maxBodySize > 0 && HttpUtil.getContentLength(request, 0L) > maxBodySize) {
            return "body of " + HttpUtil.getContentLength(request, 0L) + " bytes is over the limit of " + maxBodySize;
        }
        return null;
    }

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        rejected = true;
        log.debug("{}: {} {}", ctx.channel().remoteAddress(), status.code(), reason);
        ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), status, true));
    }
}
