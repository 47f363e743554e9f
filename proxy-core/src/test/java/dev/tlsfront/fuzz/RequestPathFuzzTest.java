package dev.tlsfront.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tlsfront.config.PolicyConfig;
import dev.tlsfront.http.RequestSyntax;
import dev.tlsfront.http.RequestSyntaxHandler;
import dev.tlsfront.http.RequestValidationHandler;
import dev.tlsfront.http.SecureCookies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Arbitrary bytes through the request path (syntax check, Netty's decoder, validation) and arbitrary
 * Set-Cookie lines through the cookie rule. Saved inputs under {@code src/test/resources} replay in
 * every {@code mvn verify}; {@code JAZZER_FUZZ=1} explores (README, Development).
 */
class RequestPathFuzzTest {

    /** What reaches the forwarder: requests that passed every check, and their body bytes. */
    private static final class Forwarded extends ChannelInboundHandlerAdapter {
        final List<HttpRequest> requests = new ArrayList<>();
        long bodyBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                requests.add(request);
            }
            if (msg instanceof HttpContent content && !content.decoderResult().isFailure()) {
                bodyBytes += content.content().readableBytes();
            }
            ReferenceCountUtil.release(msg);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void requestBytes(byte[] input) {
        if (input == null) {
            return;
        }
        Forwarded forwarded = new Forwarded();
        EmbeddedChannel channel = new EmbeddedChannel(
                new RequestSyntaxHandler(RequestSyntax.Limits.DEFAULT, 0, 0),
                new HttpServerCodec(),
                new RequestValidationHandler(List.of("localhost", "example.com"), 1 << 20, false),
                forwarded);
        // Split the input in two reads, as the network might.
        int cut = input.length / 2;
        channel.writeInbound(Unpooled.wrappedBuffer(input, 0, cut));
        if (channel.isOpen()) {
            channel.writeInbound(Unpooled.wrappedBuffer(input, cut, input.length - cut));
        }
        for (HttpRequest request : forwarded.requests) {
            // Whatever is forwarded is well-formed: one Host, a path target, unambiguous framing.
            if (request.decoderResult().isSuccess()) {
                assertThat(request.headers().getAll("host")).hasSize(1);
                assertThat(request.uri()).matches("(/|\\*).*");
                assertThat(HttpUtil.isTransferEncodingChunked(request) && HttpUtil.isContentLengthSet(request)).isFalse();
            }
        }
        Object out;
        while ((out = channel.readOutbound()) != null) {
            assertThat(out).isInstanceOf(ByteBuf.class);
            ReferenceCountUtil.release(out);
        }
        channel.finishAndReleaseAll();
    }

    private static final SecureCookies ALL = new SecureCookies(new PolicyConfig.Cookies(true, Optional.of("Lax")));

    @FuzzTest(maxDuration = "10s")
    void setCookieLines(String line) {
        if (line == null) {
            return;  // Jazzer's empty input; a header value is never null
        }
        String rewritten = ALL.rewrite(line);

        assertThat(rewritten).startsWith(line);  // nothing the backend wrote is changed or lost
        assertThat(ALL.rewrite(rewritten)).isSameAs(rewritten);  // and once is enough
        SecureCookies.hostPrefixProblem(rewritten);  // never throws
    }
}
