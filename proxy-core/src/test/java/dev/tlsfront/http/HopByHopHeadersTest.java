package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

    @Test
    void removesHopByHopHeadersAndThoseConnectionNames() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Host", "example.com")
                .add("Connection", "keep-alive, X-Secret")
                .add("Connection", "Other")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Connection", "keep-alive")
                .add("TE", "trailers")
                .add("Upgrade", "h2c")
                .add("X-Secret", "1")
                .add("Other", "2")
                .add("Accept", "*/*");

        HopByHopHeaders.removeFrom(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Host", "Accept");
    }

    @Test
    void connectionCannotRemoveRoutingOrFramingHeaders() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Host", "example.com")
                .add("Content-Length", "5")
                .add("Connection", "close, Host, Content-Length, Transfer-Encoding, X-Forwarded-For");

        HopByHopHeaders.removeFrom(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Host", "Content-Length");
    }

    @Test
    void connectionTokensAreReadWithEmptyOnesAndWhitespaceIgnored() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", ",X-A ,,\tx-b,")
                .add("Connection", "X-C")
                .add("Connection", "")
                .add("X-A", "1").add("X-B", "2").add("X-C", "3").add("X-D", "4");

        HopByHopHeaders.removeFrom(headers);

        assertThat(headers.names()).containsExactly("X-D");
    }
}
