package dev.tlsfront.upstream;

import dev.tlsfront.config.DurationSyntax;
import dev.tlsfront.config.HealthCheckConfig;
import dev.tlsfront.failures.FailureText;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active check of one server: {@code GET path} every interval on a connection of its own, with
 * the site's own Host and {@code X-Forwarded-Proto: https} so that the app answers as it would a
 * visitor (an app that allows only its own hosts, or redirects plain HTTP, still passes). {@code fall}
 * failures in a row take the server out, {@code rise} passes in a row bring it back.
 */
final class HealthCheck {

    private static final Logger log = LoggerFactory.getLogger(HealthCheck.class);

    private final Server server;
    private final HealthCheckConfig config;
    private final String host;
    private final EventLoop loop;
    private int passes;
    private int fails;
    /** Passes in a row since failed requests took the server out (HAProxy's on-error mark-down). */
    private int passesWhileOut;
    private boolean stopped;
    private ScheduledFuture<?> next;

    HealthCheck(Server server, HealthCheckConfig config, String host, EventLoop loop) {
        this.server = server;
        this.config = config;
        this.host = host;
        this.loop = loop;
    }

    /** Checks at once, then every interval. */
    void start() {
        loop.execute(this::check);
    }

    void stop() {
        loop.execute(() -> {
            stopped = true;
            if (next != null) {
                next.cancel(false);
            }
        });
    }

    private void check() {
        if (stopped) {
            return;
        }
        Verdict verdict = new Verdict(this::record);
        ChannelFuture connecting = server.connectForCheck(loop, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec()).addLast(new ResponseHandler(verdict));
            }
        }, config.timeout());
        ScheduledFuture<?> deadline = loop.schedule(() -> {
            verdict.fail("timed out after " + DurationSyntax.format(config.timeout()));
            connecting.channel().close();
        }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                verdict.fail(FailureText.describe(f.cause()));
                return;
            }
            var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path());
            request.headers().set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.USER_AGENT, "tlsfront-health-check")
                    .set("X-Forwarded-Proto", "https")
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            connecting.channel().writeAndFlush(request);
            connecting.channel().read();
        });
        connecting.channel().closeFuture().addListener(f -> {
            deadline.cancel(false);
            // A failed connect closes the channel before its own listener hears of it: its cause, when
            // there is one, is the reason (connection refused, no route), not a missing response.
            Throwable notConnected = connecting.cause();
            verdict.fail(notConnected != null ? FailureText.describe(notConnected)
                    : "closed the connection without a response");
            if (!stopped) {
                next = loop.schedule(this::check, config.interval().toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    /** Counts one check's outcome and changes the server's state on the rise-th pass or fall-th failure. */
    private void record(boolean passed, String detail) {
        if (stopped) {
            return;
        }
        if (passed && server.outForFailures()) {
            // Failed requests took it out: with active checks, rise passes bring it back, not only time.
            if (++passesWhileOut >= config.rise() && server.answersAgain()) {
                log.info("backend server {} is back: {} health checks of {} passed since failed requests took it out",
                        server.url(), passesWhileOut, config.path());
            }
        } else {
            passesWhileOut = 0;
        }
        if (passed) {
            fails = 0;
            passes++;
            if (!server.checkedUp() && passes >= config.rise()) {
                server.checked(true, "");  // and whatever failed requests said before is over: it answers now
                log.info("backend server {} is up: {} health checks of {} passed ({})", server.url(), passes,
                        config.path(), detail);
            }
        } else {
            passes = 0;
            fails++;
            if (server.checkedUp() && fails >= config.fall()) {
                server.checked(false, detail);
                log.warn("backend server {} is down: {} health checks of {} failed in a row, the last: {}", server.url(),
                        fails, config.path(), detail);
            }
        }
    }

    /** One check's outcome, given once: the first of an answer, a failure or the deadline wins. */
    private static final class Verdict {
        private final Outcome then;
        private boolean given;

        Verdict(Outcome then) {
            this.then = then;
        }

        interface Outcome {
            void accept(boolean passed, String detail);
        }

        void pass(String detail) {
            give(true, detail);
        }

        void fail(String detail) {
            give(false, detail);
        }

        private void give(boolean passed, String detail) {
            if (!given) {
                given = true;
                then.accept(passed, detail);
            }
        }
    }

    private final class ResponseHandler extends ChannelInboundHandlerAdapter {
        private final Verdict verdict;

        ResponseHandler(Verdict verdict) {
            this.verdict = verdict;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse response) {
                    int status = response.status().code();
                    if (response.decoderResult().isFailure()) {
                        verdict.fail("answered with something that is not HTTP");
                    } else if (status >= 100 && status < 200) {
                        ctx.read();
                        return;
                    } else if (config.passes(status)) {
                        verdict.pass("answered " + status);
                    } else {
                        verdict.fail("answered " + status + " (expected: " + config.expect() + ")");
                    }
                    ctx.close();
                } else {
                    ctx.read();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdict.fail(FailureText.describe(cause));
            ctx.close();
        }
    }
}
