package dev.tlsfront.server;

import dev.tlsfront.observe.ConnectionObserverHandler;
import dev.tlsfront.observe.ExchangeObserverHandler;
import dev.tlsfront.observe.Listener;
import dev.tlsfront.observe.ProxyMetrics;
import dev.tlsfront.proxyprotocol.ProxyProtocolHandler;
import dev.tlsfront.config.AcmeConfig;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.http.AcmeChallengeHandler;
import dev.tlsfront.http.ErrorPageHandler;
import dev.tlsfront.http.IdleConnectionHandler;
import dev.tlsfront.http.RequestSyntaxHandler;
import dev.tlsfront.http.LingeringCloseHandler;
import dev.tlsfront.http.RedirectHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.util.function.Supplier;

/**
 * The plaintext listener's pipeline, in order; it never forwards anything:
 *
 * <ol>
 *   <li>{@value #PROXY_PROTOCOL} (with {@code http.proxy_protocol}): only from a trusted balancer, and
 *       only with a PROXY header, which names the client;
 *   <li>{@value #CONNECTION}: counts the connection;
 *   <li>{@value #LINGER}: a close while a request body is still arriving (a POST redirected from its
 *       head) ends the output first and discards the rest, so the client reads the redirect;
 *   <li>{@value #SYNTAX}: strict HTTP/1.1 syntax on the raw bytes, and the header deadline;
 *   <li>{@value #CODEC}: HTTP/1.1 decoding and encoding;
 *   <li>{@value #OBSERVE}: the access log and the metrics, one record per exchange;
 *   <li>{@value #ERROR_PAGES}: an HTML page for tlsfront's own errors, for clients that accept HTML;
 *   <li>{@value #IDLE}: closes a keep-alive connection idle for {@code limits.keepalive_timeout};
 *   <li>{@value #KEEP_ALIVE}: closes the connection after a response when either side asked to;
 *   <li>{@value #ACME} (with ACME's http-01 or {@code acme_webroot}): answers the tokens of tlsfront's
 *       own orders in progress, then certbot's webroot files, and 404 for any other token;
 *   <li>{@value #REDIRECT}: answers everything else with a redirect to HTTPS.
 * </ol>
 */
final class HttpChannelInitializer extends ChannelInitializer<Channel> {

    static final String PROXY_PROTOCOL = "proxy-protocol";
    static final String SYNTAX = "request-syntax";
    static final String CODEC = "http-codec";
    static final String CONNECTION = "connection";
    static final String LINGER = "lingering-close";
    static final String OBSERVE = "observe";
    static final String ERROR_PAGES = "error-pages";
    static final String IDLE = "idle-timeout";
    static final String KEEP_ALIVE = "keep-alive";
    static final String ACME = "acme-challenge";
    static final String REDIRECT = "redirect";

    private final Supplier<Generation> current;
    private final ConnectionLimit connections;
    private final ProxyMetrics metrics;

    HttpChannelInitializer(Supplier<Generation> current, ConnectionLimit connections, ProxyMetrics metrics) {
        this.current = current;
        this.connections = connections;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(Channel ch) {
        if (!connections.admit(ch)) {
            return;
        }
        Generation generation = current.get();
        ProxyConfig config = generation.config();
        config.http().proxyProtocol().ifPresent(proxy -> ch.pipeline().addLast(PROXY_PROTOCOL,
                new ProxyProtocolHandler(proxy, why -> metrics.proxyProtocolRefused(Listener.HTTP, why.label()))));
        ch.pipeline()
                .addLast(CONNECTION, new ConnectionObserverHandler(Listener.HTTP, metrics))
                .addLast(LINGER, new LingeringCloseHandler())
                .addLast(SYNTAX, new RequestSyntaxHandler(HttpsChannelInitializer.limits(config),
                        config.limits().headerTimeout().toMillis(),
                        config.limits().bodyTimeout().toMillis()))
                .addLast(CODEC, new HttpServerCodec(HttpsChannelInitializer.decoderConfig(config)))
                .addLast(OBSERVE, new ExchangeObserverHandler(Listener.HTTP, metrics, generation.accessLog(),
                        config.policy().trustedProxies()))
                .addLast(ERROR_PAGES, new ErrorPageHandler(generation.policies().errorPages()))
                .addLast(IDLE, new IdleConnectionHandler(config.limits().keepAliveTimeout().toMillis()))
                .addLast(KEEP_ALIVE, new HttpServerKeepAliveHandler());
        boolean http01 = config.https().acme().filter(acme -> acme.challenges().contains(AcmeConfig.Challenge.HTTP_01))
                .isPresent();
        if (http01 || config.http().acmeWebroot().isPresent()) {
            ch.pipeline().addLast(ACME, new AcmeChallengeHandler(generation.tls().managed()::http01Answer,
                    config.http().acmeWebroot()));
        }
        ch.pipeline().addLast(REDIRECT, new RedirectHandler(generation.redirect()));
    }
}
