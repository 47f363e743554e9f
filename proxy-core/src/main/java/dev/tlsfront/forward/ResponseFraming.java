package dev.tlsfront.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Makes an app server's response head one the client can frame: the proxy's version, and a body it can delimit. */
final class ResponseFraming {

    private ResponseFraming() {}

    /**
     * @param clientHttp10 the client spoke HTTP/1.0, which has no chunked coding
     * @param closing the client connection closes after this response (draining)
     */
    static void forClient(HttpResponse response, boolean clientHttp10, boolean closing) {
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
        if (closing) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }
}
