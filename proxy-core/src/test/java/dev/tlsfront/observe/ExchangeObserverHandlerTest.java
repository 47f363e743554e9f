package dev.tlsfront.observe;

import dev.tlsfront.http.ExchangeNotes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.AccessLogConfig;
import dev.tlsfront.http.LocalResponse;
import dev.tlsfront.http.MalformedRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.List;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.junit.jupiter.api.Test;

/** The observer on its own: what it counts for each way an exchange can end. */
class ExchangeObserverHandlerTest {

    private final ProxyMetrics metrics = new ProxyMetrics(List::of);
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionObserverHandler(Listener.HTTPS, metrics),
            new ExchangeObserverHandler(Listener.HTTPS, metrics, new AccessLog(AccessLogConfig.Format.OFF)));

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void request(HttpMethod method) {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        ReferenceCountUtil.release(channel.readInbound());
    }

    private void writeAndDrop(Object msg) {
        channel.writeOutbound(msg);
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(written);
        }
    }

    @Test
    void aStreamedResponseCountsOnceAtItsEndAndA100ContinueNotAtAll() throws Exception {
        request(HttpMethod.POST);
        writeAndDrop(LocalResponse.of(channel.alloc(), HttpResponseStatus.CONTINUE, false));
        assertThat(scrape()).doesNotContain("tlsfront_requests_total{");  // no series before a request is counted

        writeAndDrop(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED));
        writeAndDrop(new DefaultHttpContent(Unpooled.copiedBuffer(new byte[10])));
        assertThat(scrape()).doesNotContain("tlsfront_requests_total{");
        writeAndDrop(new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[5])));

        assertThat(scrape()).contains("tlsfront_requests_total{code=\"201\",listener=\"https\",method=\"POST\"} 1.0")
                .doesNotContain("code=\"100\"")
                .contains("tlsfront_request_duration_seconds_count{listener=\"https\"} 1");
        channel.finishAndReleaseAll();
    }

    @Test
    void anUnansweredRequestCountsAs499WhenTheConnectionCloses() throws Exception {
        request(HttpMethod.GET);
        assertThat(scrape()).contains("tlsfront_open_connections{listener=\"https\"} 1.0");
        channel.attr(ExchangeNotes.KEY).get().failed(ExchangeNotes.BackendFailure.TIMEOUT);

        channel.close();

        assertThat(scrape()).contains("tlsfront_requests_total{code=\"499\",listener=\"https\",method=\"GET\"} 1.0")
                .contains("tlsfront_backend_failures_total{reason=\"timeout\"} 1.0")
                .contains("tlsfront_open_connections{listener=\"https\"} 0.0");
    }

    @Test
    void aMalformedRequestIsCountedWithItsAnswer() throws Exception {
        channel.writeInbound(new MalformedRequest(HttpResponseStatus.BAD_REQUEST, "bad"));
        channel.readInbound();
        writeAndDrop(LocalResponse.of(channel.alloc(), HttpResponseStatus.BAD_REQUEST, true));

        assertThat(scrape()).contains("tlsfront_requests_total{code=\"400\",listener=\"https\",method=\"other\"} 1.0");
        channel.finishAndReleaseAll();
    }
}
