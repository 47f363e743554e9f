package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.HttpListenerConfig.RedirectConfig;
import dev.tlsfront.testing.EmbeddedHttp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedirectHandlerTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
            new RedirectHandler(new RedirectTarget(List.of("example.com"), RedirectConfig.DEFAULT, 443)));

    private String exchange(String request) {
        return EmbeddedHttp.exchange(channel, request);
    }

    @Test
    void getIsRedirectedPermanentlyAndTheConnectionStaysOpen() {
        String response = exchange("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 301 Moved Permanently\r\n")
                .contains("location: https://example.com/a?b=c\r\n")
                .doesNotContainIgnoringCase("strict-transport-security");
        assertThat(channel.isOpen()).isTrue();
        assertThat(exchange("HEAD / HTTP/1.1\r\nHost: example.com\r\n\r\n")).startsWith("HTTP/1.1 301");
    }

    @Test
    void postWithBodyGets308AndTheConnectionCloses() {
        String response = exchange("POST /form HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nab");

        assertThat(response).startsWith("HTTP/1.1 308 Permanent Redirect\r\n")
                .contains("location: https://example.com/form\r\n")
                .contains("connection: close\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void invalidHostGets400() {
        String response = exchange("GET / HTTP/1.1\r\nHost: a@b\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void malformedRequestGets400() {
        assertThat(exchange("GET / HTTP/1.1\r\nBad Header Line\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
    }
}
