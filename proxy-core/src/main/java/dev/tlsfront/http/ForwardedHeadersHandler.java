package dev.tlsfront.http;

import dev.tlsfront.http.ExchangeNotes;
import dev.tlsfront.proxyprotocol.ClientAddress;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;

/**
 * Replaces every client-sent forwarding header of a request with tlsfront's own, so the backend
 * sees {@code X-Forwarded-Proto: https} and the real client address (see {@link ForwardedHeaders}).
 */
public final class ForwardedHeadersHandler extends ChannelInboundHandlerAdapter {

    private final ForwardedHeaders rule;
    private InetSocketAddress peer;
    private String client;
    private ExchangeNotes notes;

    public ForwardedHeadersHandler(ForwardedHeaders rule) {
        this.rule = rule;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        notes = ctx.channel().attr(ExchangeNotes.KEY).get();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (client == null) {
                InetSocketAddress address = ClientAddress.of(ctx.channel());
                if (address != null && address.getAddress() != null) {
                    peer = address;
                    client = address.getAddress().getHostAddress();  // once per connection, not per request
                }
            }
            if (client != null) {
                String originating = rule.apply(request.headers(), peer.getAddress(), client);
                if (notes != null && !originating.equals(client)) {
                    notes.originatingClient(originating);  // for the access log, behind trusted proxies
                }
            }
        }
        ctx.fireChannelRead(msg);
    }
}
