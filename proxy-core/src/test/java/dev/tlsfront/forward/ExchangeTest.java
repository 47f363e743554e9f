package dev.tlsfront.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.BackendConfig;
import dev.tlsfront.config.BackendServer;
import dev.tlsfront.config.PassiveHealthConfig;
import dev.tlsfront.upstream.Connector;
import dev.tlsfront.upstream.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exchange as a table of what the app servers do: two in-memory channels, the client's (raw HTTP
 * through a server codec) and each backend connection's (raw HTTP through the forwarder's own
 * client codec), joined by the forwarder through the {@link Connector} seam.
 */
class ExchangeTest {

    private final DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
    /** Each server's connections, in the order they were made. */
    private final Map<String, List<EmbeddedChannel>> connections = new HashMap<>();
    /** Servers that refuse connections. */
    private final List<String> refusing = new ArrayList<>();
    private final List<EmbeddedChannel> open = new ArrayList<>();

    private final Connector connector = (server, loop, timeout, handler) -> {
        if (refusing.contains(server.host())) {
            EmbeddedChannel refused = new EmbeddedChannel();
            refused.close();
            return refused.newFailedFuture(new ConnectException("Connection refused"));
        }
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        connections.computeIfAbsent(server.host(), h -> new ArrayList<>()).add(channel);
        open.add(channel);
        return channel.newSucceededFuture();
    };

    @AfterEach
    void close() {
        open.forEach(EmbeddedChannel::finishAndReleaseAll);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private Upstream upstream(Duration responseTimeout, String... hosts) {
        List<BackendServer> servers = new ArrayList<>();
        for (String host : hosts) {
            servers.add(BackendServer.tcp(host, 8000));
        }
        BackendConfig config = BackendConfig.of(hosts[0], 8000);
        config = new BackendConfig(servers, BackendConfig.Balance.FIRST, Optional.empty(), PassiveHealthConfig.DEFAULT,
                1, config.connectTimeout(), responseTimeout, config.poolIdleTimeout(), config.poolMaxIdle(),
                config.requestBuffering(), config.requestBufferMemory());
        return new Upstream(config, connector, group, "example.com");
    }

    private EmbeddedChannel client(Upstream upstream) {
        EmbeddedChannel client = new EmbeddedChannel(new HttpServerCodec(), new ProxyFrontendHandler(upstream, p -> {
            p.remove(HttpServerCodec.class);
            p.remove(ProxyFrontendHandler.class);
        }));
        open.add(client);
        return client;
    }

    private static void send(EmbeddedChannel channel, String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
    }

    private static String written(EmbeddedChannel channel) {
        StringBuilder out = new StringBuilder();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) msg;
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    private EmbeddedChannel connection(String host, int index) {
        return connections.get(host).get(index);
    }

    private static final String GET = "GET /a HTTP/1.1\r\nHost: example.com\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    @Test
    void aRequestGoesToTheServerAndTheAnswerBackAndTheConnectionIsPooled() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        assertThat(written(connection("a", 0))).startsWith("GET /a HTTP/1.1\r\n");
        send(connection("a", 0), OK);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nok");

        send(client, GET);
        assertThat(connections.get("a")).as("the kept connection is used again").hasSize(1);
        assertThat(written(connection("a", 0))).startsWith("GET /a HTTP/1.1\r\n");
    }

    @Test
    void aRefusedConnectionIsRetriedOnTheNextServerWhateverTheMethod() {
        refusing.add("a");
        Upstream upstream = upstream(Duration.ofSeconds(60), "a", "b");
        EmbeddedChannel client = client(upstream);
        send(client, "POST /pay HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(written(connection("b", 0))).startsWith("POST /pay HTTP/1.1\r\n").endsWith("\r\n\r\nabc");
        send(connection("b", 0), OK);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK");
        // a failed once: the passive rule (max_fails 1) keeps it out for fail_timeout.
        assertThat(upstream.servers().get(0).up()).isFalse();
        assertThat(upstream.servers().get(1).up()).isTrue();
    }

    @Test
    void aPooledConnectionTheServerClosedAsItWasReusedGetsTheGetOnceMoreOnANewOne() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        written(connection("a", 0));
        send(connection("a", 0), OK);
        written(client);

        send(client, GET);
        written(connection("a", 0));
        connection("a", 0).close();  // the app closed its idle keep-alive connection just then
        client.runPendingTasks();
        assertThat(connections.get("a")).hasSize(2);
        assertThat(written(connection("a", 1))).startsWith("GET /a HTTP/1.1\r\n");
        send(connection("a", 1), OK);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK");
        assertThat(upstream.servers().get(0).up()).as("not the server's fault").isTrue();
    }

    @Test
    void aPostTheServerClosedOnIsNeverSentAgain() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a", "b");
        EmbeddedChannel client = client(upstream);
        send(client, "POST /pay HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc");
        assertThat(written(connection("a", 0))).endsWith("abc");
        connection("a", 0).close();
        client.runPendingTasks();
        assertThat(written(client)).startsWith("HTTP/1.1 502 Bad Gateway");
        assertThat(connections).doesNotContainKey("b");
    }

    @Test
    void aGetTheServerClosedOnGoesToTheNextServer() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a", "b");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        connection("a", 0).close();
        client.runPendingTasks();
        assertThat(written(connection("b", 0))).startsWith("GET /a HTTP/1.1\r\n");
        send(connection("b", 0), OK);
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void aServerClosingMidResponseClosesTheClientAndIsNotRetried() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a", "b");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        send(connection("a", 0), "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf");
        connection("a", 0).close();
        client.runPendingTasks();
        assertThat(written(client)).startsWith("HTTP/1.1 200 OK").endsWith("half");
        assertThat(client.isActive()).as("the client must see the answer is incomplete").isFalse();
        assertThat(connections).doesNotContainKey("b");
    }

    @Test
    void aSilentServerGives504AfterTheResponseTimeout() {
        Upstream upstream = upstream(Duration.ofSeconds(2), "a", "b");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        written(connection("a", 0));
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(written(client)).isEmpty();
        client.advanceTimeBy(1, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        assertThat(written(client)).startsWith("HTTP/1.1 504 Gateway Timeout");
        assertThat(connection("a", 0).isActive()).isFalse();
        assertThat(connections).as("a timeout is not retried").doesNotContainKey("b");
    }

    @Test
    void noEligibleServerIs503WithRetryAfter() {
        refusing.add("a");
        refusing.add("b");
        Upstream upstream = upstream(Duration.ofSeconds(60), "a", "b");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        assertThat(written(client)).as("both tried and failed").startsWith("HTTP/1.1 502 Bad Gateway");
        send(client, GET);
        assertThat(written(client)).as("both out now").startsWith("HTTP/1.1 503 Service Unavailable")
                .contains("retry-after: 10\r\n");
    }

    @Test
    void aWebSocketUpgradeJoinsBothConnectionsByteForByte() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a");
        EmbeddedChannel client = client(upstream);
        send(client, "GET /ws HTTP/1.1\r\nHost: example.com\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(written(connection("a", 0))).startsWith("GET /ws HTTP/1.1\r\n");
        send(connection("a", 0), "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
        assertThat(written(client)).startsWith("HTTP/1.1 101 Switching Protocols").containsIgnoringCase("upgrade: websocket");
        send(client, "\u0081\u0002hi");
        assertThat(written(connection("a", 0))).isEqualTo("\u0081\u0002hi");
        send(connection("a", 0), "\u0081\u0003yes");
        assertThat(written(client)).isEqualTo("\u0081\u0003yes");
    }

    @Test
    void anUnaskedSwitchOfProtocolsIs502() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        send(connection("a", 0), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n");
        assertThat(written(client)).startsWith("HTTP/1.1 502 Bad Gateway");
        assertThat(connection("a", 0).isActive()).isFalse();
    }

    @Test
    void aReloadAddsAServerAndTheRemovedOneGetsNoNewRequests() {
        Upstream upstream = upstream(Duration.ofSeconds(60), "a");
        EmbeddedChannel client = client(upstream);
        send(client, GET);
        send(connection("a", 0), OK);
        written(client);
        upstream.reload(upstream.config().withServers(List.of(BackendServer.tcp("b", 8000))));
        send(client, GET);
        assertThat(written(connection("b", 0))).startsWith("GET /a HTTP/1.1\r\n");
        assertThat(connections.get("a")).hasSize(1);
    }

}
