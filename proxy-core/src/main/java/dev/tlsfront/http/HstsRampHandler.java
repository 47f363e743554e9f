package dev.tlsfront.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.util.AsciiString;

/**
 * With {@code https.hsts.ramp}: sets exactly one Strict-Transport-Security on every HTTPS response,
 * with the max-age the request's host has reached on the ramp ({@link HstsRamp}), the backend's own
 * replaced. One per connection (or HTTP/2 stream): it remembers the host of the request it last saw;
 * an answer to a request it never saw (a malformed head) gets the canonical host's value.
 */
public final class HstsRampHandler extends ChannelDuplexHandler {

    private static final AsciiString STRICT_TRANSPORT_SECURITY = AsciiString.cached("strict-transport-security");

    /** The header value for a host, as far as it has climbed. */
    public interface Values {
        AsciiString forHost(String host);

        /** Each host's max-age now, for the metrics. */
        default java.util.Map<String, java.time.Duration> maxAges() {
            return java.util.Map.of();
        }
    }

    private final Values values;
    private final String canonicalHost;
    private String host;

    public HstsRampHandler(Values values, String canonicalHost) {
        this.values = values;
        this.canonicalHost = canonicalHost;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            String header = request.headers().get(HttpHeaderNames.HOST);
            HostHeader parsed = header == null ? null : HostHeader.parse(header);
            host = parsed == null ? null : parsed.host();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            response.headers().set(STRICT_TRANSPORT_SECURITY, values.forHost(host == null ? canonicalHost : host));
        }
        ctx.write(msg, promise);
    }
}
