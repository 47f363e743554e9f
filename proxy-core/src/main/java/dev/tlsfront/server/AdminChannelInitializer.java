package dev.tlsfront.server;

import dev.tlsfront.admin.HealthHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The admin listener's pipeline, in order:
 *
 * <ol>
 *   <li>{@value #CODEC}: HTTP/1.1 decoding and encoding;
 *   <li>{@value #AGGREGATOR}: whole requests (admin requests are tiny; larger ones get 413);
 *   <li>{@value #HEALTH}: {@code GET /healthz}.
 * </ol>
 */
final class AdminChannelInitializer extends ChannelInitializer<Channel> {

    static final String CODEC = "http-codec";
    static final String AGGREGATOR = "aggregator";
    static final String HEALTH = "health";

    private final HealthHandler.Check check;

    AdminChannelInitializer(HealthHandler.Check check) {
        this.check = check;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(CODEC, new HttpServerCodec())
                .addLast(AGGREGATOR, new HttpObjectAggregator(8192))
                .addLast(HEALTH, new HealthHandler(check));
    }
}
