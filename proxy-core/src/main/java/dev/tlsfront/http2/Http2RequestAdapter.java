package dev.tlsfront.http2;

import dev.tlsfront.http.MalformedRequest;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;
import io.netty.util.ReferenceCountUtil;

/**
 * Makes a request decoded from an HTTP/2 stream look as the same request over HTTP/1.1 would, so the
 * policies and the app cannot tell them apart. The frame codec already turns {@code :authority} into
 * Host, {@code :path} into the target, joins split {@code cookie} fields with "; " and marks a body
 * without content-length as chunked; this handler then
 * <ul>
 *   <li>removes the codec's own {@code x-http2-*} extension headers (stream id, scheme, ...), which
 *       a client could not send over HTTP/1.1 either;
 *   <li>applies {@code limits.max_request_line} (to the request line the same request would have over
 *       HTTP/1.1: 414) and {@code limits.max_header_fields} (431), which HTTP/1.1's syntax check
 *       applies to the bytes: the request is replaced by a {@link MalformedRequest} with that status,
 *       which the validation handler answers;
 *   <li>splits a request that arrived whole (headers with END_STREAM) into its head and an empty end,
 *       the shape the forwarder reads.
 * </ul>
 * Stateless: one instance serves every stream of a connection.
 */
@Sharable
public final class Http2RequestAdapter extends ChannelInboundHandlerAdapter {

    /** " HTTP/1.1": what an HTTP/1.1 request line has besides the method, a space and the target. */
    private static final int REQUEST_LINE_OVERHEAD = 10;

    private final int maxRequestLine;
    private final int maxHeaderFields;

    public Http2RequestAdapter(int maxRequestLine, int maxHeaderFields) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderFields = maxHeaderFields;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        removeExtensionHeaders(request.headers());
        int line = request.method().name().length() + request.uri().length() + REQUEST_LINE_OVERHEAD;
        if (line > maxRequestLine || request.headers().size() > maxHeaderFields) {
            ReferenceCountUtil.release(msg);
            ctx.fireChannelRead(line > maxRequestLine
                    ? new MalformedRequest(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long")
                    : new MalformedRequest(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many header fields"));
            return;
        }
        if (msg instanceof FullHttpRequest full) {
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            LastHttpContent end;
            if (!full.content().isReadable() && full.trailingHeaders().isEmpty()) {
                full.content().release();
                end = LastHttpContent.EMPTY_LAST_CONTENT;  // most requests: no new end with headers of its own
            } else {
                end = new DefaultLastHttpContent(full.content());
                end.trailingHeaders().set(full.trailingHeaders());
            }
            ctx.fireChannelRead(head);
            ctx.fireChannelRead(end);
            return;
        }
        ctx.fireChannelRead(request);
    }

    private static void removeExtensionHeaders(HttpHeaders headers) {
        for (ExtensionHeaderNames name : ExtensionHeaderNames.values()) {
            headers.remove(name.text());
        }
    }
}
