package dev.tlsfront.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The responses tlsfront makes itself (400, 404, 502, 504...): a short plain-text body naming the
 * status, never cached. They are {@link Made}, so that {@link ErrorPageHandler} can tell them from
 * the app's and give a browser an HTML page instead.
 */
public final class LocalResponse {

    /** A response of tlsfront's own. */
    public static final class Made extends DefaultFullHttpResponse {
        Made(HttpResponseStatus status, io.netty.buffer.ByteBuf content) {
            super(HttpVersion.HTTP_1_1, status, content);
        }
    }

    private LocalResponse() {}

    /**
     * A complete response; {@code close} adds {@code Connection: close}, which the keep-alive handler
     * turns into closing the connection once it is written.
     */
    public static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, boolean close) {
        String text = status.code() + " " + status.reasonPhrase() + "\n";
        FullHttpResponse response = new Made(status, ByteBufUtil.writeAscii(alloc, text));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
