package dev.tlsfront.proxyprotocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.Cidr;
import dev.tlsfront.config.ProxyProtocolConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyProtocolHandlerTest {

    private static final ProxyProtocolConfig CONFIG = new ProxyProtocolConfig(List.of(Cidr.parse("10.0.0.0/8")),
            Duration.ofSeconds(5));

    private final List<ProxyProtocolHandler.Refusal> refusals = new ArrayList<>();

    /** A connection from {@code peer}: the socket's own address, as an accepted channel has it. */
    private EmbeddedChannel from(String peer) {
        EmbeddedChannel channel = new EmbeddedChannel(false, false) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(peer, 40000);
            }
        };
        channel.pipeline().addLast("proxy-protocol", new ProxyProtocolHandler(CONFIG, refusals::add));
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return channel;
    }

    private static ByteBuf v2(HAProxyCommand command, String source, int port, List<HAProxyTLV> tlvs) {
        HAProxyMessage message = new HAProxyMessage(HAProxyProtocolVersion.V2, command, command == HAProxyCommand.LOCAL
                ? HAProxyProxiedProtocol.UNKNOWN : HAProxyProxiedProtocol.TCP4, command == HAProxyCommand.LOCAL ? null : source,
                command == HAProxyCommand.LOCAL ? null : "10.0.0.9", port, command == HAProxyCommand.LOCAL ? 0 : 443, tlvs);
        EmbeddedChannel encoder = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        encoder.writeOutbound(message);
        return encoder.readOutbound();
    }

    private static String received(EmbeddedChannel channel) {
        ByteBuf in = channel.readInbound();
        try {
            return in == null ? null : in.toString(StandardCharsets.US_ASCII);
        } finally {
            if (in != null) {
                in.release();
            }
        }
    }

    @Test
    void aV1HeaderNamesTheClientAndTheBytesAfterItPassOn() {
        EmbeddedChannel channel = from("10.1.2.3");
        channel.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 203.0.113.7 10.0.0.9 51234 443\r\nGET / HTTP/1.1\r\n",
                StandardCharsets.US_ASCII));

        assertThat(ClientAddress.of(channel)).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
        assertThat(received(channel)).isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(channel.pipeline().names()).doesNotContain("proxy-protocol", ProxyProtocolHandler.DECODER);
        assertThat(refusals).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void aV2HeaderWithTlvsNamesTheClientAndTheTlvsAreSkipped() {
        EmbeddedChannel channel = from("10.1.2.3");
        ByteBuf tlvValue = Unpooled.copiedBuffer("h2", StandardCharsets.US_ASCII);
        ByteBuf header = v2(HAProxyCommand.PROXY, "198.51.100.4", 60000,
                List.of(new HAProxyTLV(HAProxyTLV.Type.PP2_TYPE_ALPN, tlvValue)));
        channel.writeInbound(Unpooled.wrappedBuffer(header, Unpooled.copiedBuffer("\u0016rest", StandardCharsets.US_ASCII)));

        assertThat(ClientAddress.of(channel)).isEqualTo(new InetSocketAddress("198.51.100.4", 60000));
        assertThat(received(channel)).isEqualTo("\u0016rest");
        channel.finishAndReleaseAll();
    }

    @Test
    void theLocalCommandOfABalancersHealthCheckKeepsTheSocketsAddress() {
        EmbeddedChannel channel = from("10.1.2.3");
        channel.writeInbound(v2(HAProxyCommand.LOCAL, null, 0, List.of()));

        assertThat(ClientAddress.of(channel)).isEqualTo(new InetSocketAddress("10.1.2.3", 40000));
        assertThat(channel.isActive()).isTrue();
        assertThat(refusals).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionFromOutsideTheTrustedNetworksIsClosedAndCounted() {
        EmbeddedChannel channel = from("192.0.2.1");

        assertThat(channel.isActive()).isFalse();
        assertThat(refusals).containsExactly(ProxyProtocolHandler.Refusal.UNTRUSTED);
        channel.finishAndReleaseAll();
    }

    @Test
    void bytesThatAreNotAProxyHeaderCloseTheConnection() {
        EmbeddedChannel channel = from("10.1.2.3");
        channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));

        assertThat(channel.isActive()).isFalse();
        assertThat(refusals).containsExactly(ProxyProtocolHandler.Refusal.INVALID);
        assertThat(received(channel)).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void noHeaderWithinTheDeadlineClosesTheConnection() {
        EmbeddedChannel channel = from("10.1.2.3");
        channel.writeInbound(Unpooled.copiedBuffer("PROXY TCP4 203", StandardCharsets.US_ASCII));
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isActive()).isFalse();
        assertThat(refusals).containsExactly(ProxyProtocolHandler.Refusal.TIMEOUT);
        channel.finishAndReleaseAll();
    }
}
