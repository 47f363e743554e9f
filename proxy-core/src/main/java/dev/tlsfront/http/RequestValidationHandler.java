package dev.tlsfront.http;

import dev.tlsfront.tls.CoveredHosts;
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
 * that is neither origin-form nor an absolute URL, a host not served on this connection (421), an
 * unknown expectation (417) or a body over the limit (413). HTTP/1.2 and later minor versions go on
 * as HTTP/1.1. An absolute-form target of this site is forwarded in origin-form with
 * its authority as Host (RFC 9112 §3.2.2).
 */
public final class RequestValidationHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RequestValidationHandler.class);

    private static final String MISDIRECTED = "misdirected: ";

    private final List<String> hosts;
    private final long maxBodySize;
    private final boolean anyHost;
    private boolean inBody;
    private boolean rejected;

    /**
     * @param hosts the site's hosts, normalised; the first is canonical
     * @param maxBodySize the largest body accepted, 0 for no limit
     * @param anyHost forward whatever host a request names ({@code https.any_host}, unsafe), rather than
     *     answer 421 to a host that is not listed or that the connection's certificate does not cover
     */
    public RequestValidationHandler(List<String> hosts, long maxBodySize, boolean anyHost) {
        this.hosts = List.copyOf(hosts);
        this.maxBodySize = maxBodySize;
        this.anyHost = anyHost;
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
            String problem = check(request, CoveredHosts.of(ctx.channel()));
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
        if (problem.startsWith(MISDIRECTED)) {
            return HttpResponseStatus.MISDIRECTED_REQUEST;
        }
        if (problem.startsWith("expectation")) {
            return HttpResponseStatus.EXPECTATION_FAILED;
        }
        if (problem.startsWith("body")) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    /**
     * Null when the request may be forwarded (after normalising it); otherwise what is wrong.
     *
     * @param covered the hosts the connection's certificate covers, or null when unknown
     */
    String check(HttpRequest request, CoveredHosts covered) {
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
        HostHeader parsedHost = host.isEmpty() ? null : HostHeader.parse(host.get(0));
        if (!host.isEmpty() && parsedHost == null) {
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
            parsedHost = authority.indexOf('@') >= 0 ? null : HostHeader.parse(authority);
            if (parsedHost == null) {
                return "absolute-form target with an invalid authority '" + authority + "'";
            }
            String rest = target.substring(end);
            request.setUri(rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest);
            headers.set(HttpHeaderNames.HOST, authority);
        } else {
            return "request target '" + target + "' is neither a path nor an absolute URL";
        }
        if (parsedHost == null) {
            headers.set(HttpHeaderNames.HOST, hosts.get(0));  // HTTP/1.0 without Host
        }
        String misdirected = anyHost ? null : misdirected(parsedHost == null ? hosts.get(0) : parsedHost.host(), covered);
        if (misdirected != null) {
            return misdirected;
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

    /**
     * Why a request for {@code host} gets 421 Misdirected Request (RFC 9110 §15.5.20), or null: the
     * host must be one of the site's, and one the connection's certificate covers. An app that builds
     * links from Host (password-reset mails) can then never be handed a host the operator did not list.
     */
    private String misdirected(String host, CoveredHosts covered) {
        if (!hosts.contains(host)) {
            return MISDIRECTED + "host '" + host + "' is not one of hosts";
        }
        if (covered != null && !covered.contains(host)) {
            return MISDIRECTED + "the connection's certificate does not cover '" + host + "'";
        }
        return null;
    }

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        rejected = true;
        log.debug("{}: {} {}", ctx.channel().remoteAddress(), status.code(), reason);
        ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), status, true));
    }
}
