package dev.tlsfront.http2;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Makes a request decoded from an HTTP/2 stream look as the same request over HTTP/1.1 would, so the
 * policies and the app cannot tell them apart. The frame codec already turns {@code :authority} into
 * Host, {@code :path} into the target, joins split {@code cookie} fields with "; " and marks a body
 * without content-length as chunked; this handler then
 * <ul>
 *   <li>removes the codec's own {@code x-http2-*} extension headers (stream id, scheme, ...), which
 *       a client could not send over HTTP/1.1 either;
 *   <li>splits a request that arrived whole (headers with END_STREAM) into its head and an empty end,
 *       the shape the forwarder reads.
 * </ul>
 */
@Sharable
public final class Http2RequestAdapter extends ChannelInboundHandlerAdapter {

    public static final Http2RequestAdapter INSTANCE = new Http2RequestAdapter();

    private Http2RequestAdapter() {}

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        removeExtensionHeaders(request.headers());
        if (msg instanceof FullHttpRequest full) {
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            DefaultLastHttpContent end = new DefaultLastHttpContent(full.content());
            end.trailingHeaders().set(full.trailingHeaders());
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
