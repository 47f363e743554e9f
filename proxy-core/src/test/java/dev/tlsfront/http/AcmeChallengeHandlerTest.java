package dev.tlsfront.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.HttpListenerConfig.RedirectConfig;
import dev.tlsfront.testing.EmbeddedHttp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcmeChallengeHandlerTest {

    @TempDir
    Path webroot;

    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() throws IOException {
        Path challenges = Files.createDirectories(webroot.resolve(".well-known/acme-challenge"));
        Files.writeString(challenges.resolve("tok_EN-123"), "tok_EN-123.thumbprint");
        Files.writeString(webroot.resolve("secret.txt"), "do not serve");
        channel = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                new AcmeChallengeHandler(webroot),
                new RedirectHandler(new RedirectTarget(List.of("example.com"), RedirectConfig.DEFAULT, 443)));
    }

    private String get(String path) {
        return EmbeddedHttp.exchange(channel, "GET " + path + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
    }

    @Test
    void servesTheChallengeFile() {
        assertThat(get("/.well-known/acme-challenge/tok_EN-123")).startsWith("HTTP/1.1 200 OK\r\n")
                .endsWith("\r\n\r\ntok_EN-123.thumbprint");
    }

    @Test
    void unknownTokenIs404() {
        assertThat(get("/.well-known/acme-challenge/nope")).startsWith("HTTP/1.1 404 Not Found\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../secret.txt", "..%2F..%2Fsecret.txt", "%2e%2e/%2e%2e/secret.txt", "a/b", ".."})
    void pathTraversalIsRefused(String token) {
        String response = get("/.well-known/acme-challenge/" + token);
        assertThat(response).startsWith("HTTP/1.1 404").doesNotContain("do not serve");
    }

    @Test
    void everythingElseIsRedirected() {
        assertThat(get("/.well-known/other")).startsWith("HTTP/1.1 301");
    }
}
