package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestSyntaxHandlerTest {

    private static final String GET = "GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n";
    private static final String POST = "POST /b HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n";

    private static EmbeddedChannel channel(long headerTimeoutMillis) {
        return new EmbeddedChannel(new RequestSyntaxHandler(RequestSyntax.Limits.DEFAULT, headerTimeoutMillis, 0));
    }

    private static void write(EmbeddedChannel channel, String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    /** Everything passed on, one entry per message: the bytes as text, or the verdict. */
    private static List<String> passed(EmbeddedChannel channel) {
        List<String> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readInbound()) != null) {
            if (msg instanceof ByteBuf buf) {
                out.add(buf.toString(StandardCharsets.ISO_8859_1));
                buf.release();
            } else if (msg instanceof MalformedRequest malformed) {
                out.add(malformed.status().code() + " " + malformed.reason());
            }
        }
        return out;
    }

    @Test
    void headArrivingAByteAtATimeIsPassedOnWholeOnceComplete() {
        EmbeddedChannel channel = channel(0);
        for (int i = 0; i < GET.length() - 1; i++) {
            write(channel, GET.substring(i, i + 1));
            assertThat(passed(channel)).as("after %d bytes", i + 1).isEmpty();
        }
        write(channel, "\n");
        assertThat(passed(channel)).containsExactly(GET);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pipelinedRequestsInOneReadArePassedAsEachHeadAndBodyInOrder() {
        EmbeddedChannel channel = channel(0);
        write(channel, "\r\n" + POST + "hello" + GET);
        // The empty line before a request line is dropped (RFC 9112 §2.2).
        assertThat(passed(channel)).containsExactly(POST, "hello", GET);
        channel.finishAndReleaseAll();
    }

    @Test
    void headSplitAcrossReadsAfterABodyIsGatheredWhole() {
        EmbeddedChannel channel = channel(0);
        write(channel, POST + "hel");
        write(channel, "lo" + GET.substring(0, 10));
        write(channel, GET.substring(10));
        assertThat(passed(channel)).containsExactly(POST, "hel", "lo", GET);
        channel.finishAndReleaseAll();
    }

    @Test
    void headerTimeoutCountsFromEachHeadsFirstByte() {
        EmbeddedChannel channel = channel(1000);
        write(channel, GET);
        channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        write(channel, "GET /slow HT");
        // The timer armed by the first head fires now; the second began 200 ms ago and may go on.
        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(passed(channel)).containsExactly(GET);
        channel.advanceTimeBy(700, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(passed(channel)).isEmpty();
        channel.advanceTimeBy(150, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(passed(channel)).containsExactly(HttpResponseStatus.REQUEST_TIMEOUT.code()
                + " request head not complete within 1000 ms");
        channel.finishAndReleaseAll();
    }

    @Test
    void bareLineFeedInAHeadSplitAcrossReadsIsRejected() {
        EmbeddedChannel channel = channel(0);
        write(channel, "GET / HTTP/1.1\r\nHost: local");
        write(channel, "host\nX: y\r\n\r\n");
        assertThat(passed(channel)).containsExactly("400 bare CR or LF in the request head");
        channel.finishAndReleaseAll();
    }
}
