package dev.tlsfront.server;

import dev.tlsfront.admin.HealthHandler;
import dev.tlsfront.admin.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
 *   <li>{@value #METRICS}: {@code GET /metrics}, Prometheus text (or OpenMetrics when asked);
 *   <li>{@value #HEALTH}: {@code GET /healthz}, and 404 for anything else.
 * </ol>
 */
final class AdminChannelInitializer extends ChannelInitializer<Channel> {

    static final String CODEC = "http-codec";
    static final String AGGREGATOR = "aggregator";
    static final String METRICS = "metrics";
    static final String HEALTH = "health";

    private final HealthHandler.Check check;
    private final PrometheusRegistry registry;

    AdminChannelInitializer(HealthHandler.Check check, PrometheusRegistry registry) {
        this.check = check;
        this.registry = registry;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline()
                .addLast(CODEC, new HttpServerCodec())
                .addLast(AGGREGATOR, new HttpObjectAggregator(8192))
                .addLast(METRICS, new MetricsHandler(registry))
                .addLast(HEALTH, new HealthHandler(check));
    }
}
