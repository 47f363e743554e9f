package dev.tlsfront.proxyprotocol;

import dev.tlsfront.config.ProxyProtocolConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a connection only from a trusted balancer and only with a PROXY header (v1 or v2) within
 * the deadline; takes the client's address from it (the LOCAL command, a balancer's own health
 * check, keeps the socket's); then leaves the pipeline. Anything else is closed and counted.
 *
 * <p>Placed right after Netty's {@link HAProxyMessageDecoder}, which it adds before itself and which
 * parses the header, TLVs included (they are skipped), and removes itself once it has.
 */
public final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    /** Why a connection was refused; the label of the refusal metric. */
    public enum Refusal {
        UNTRUSTED("untrusted"), INVALID("invalid"), TIMEOUT("timeout");

        private final String label;

        Refusal(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The name the decoder gets in the pipeline, just before this handler. */
    public static final String DECODER = "proxy-protocol-decoder";

    private final ProxyProtocolConfig config;
    private final Consumer<Refusal> refused;
    private ScheduledFuture<?> deadline;
    private boolean done;

    public ProxyProtocolHandler(ProxyProtocolConfig config, Consumer<Refusal> refused) {
        this.config = config;
        this.refused = refused;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), DECODER, new HAProxyMessageDecoder());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        if (peer == null || config.trusted().stream().noneMatch(cidr -> cidr.contains(peer.getAddress()))) {
            refuse(ctx, Refusal.UNTRUSTED, "not from a trusted balancer");
            return;
        }
        if (config.timeout().isZero()) {  // 0: no limit, as for every timeout
            ctx.fireChannelActive();
            return;
        }
        deadline = ctx.executor().schedule(() -> refuse(ctx, Refusal.TIMEOUT,
                "no PROXY header within " + config.timeout().toMillis() + " ms"),
                config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HAProxyMessage header)) {
            ctx.fireChannelRead(msg);  // not reached: the decoder passes nothing else before its header
            return;
        }
        try {
            InetAddress client = header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
                    ? NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()) : null;
            if (client != null) {
                ctx.channel().attr(ClientAddress.KEY).set(new InetSocketAddress(client, header.sourcePort()));
            }
        } finally {
            header.release();
        }
        cancelDeadline();
        ctx.pipeline().remove(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (done) {
            return;
        }
        refuse(ctx, Refusal.INVALID, "invalid PROXY header: " + cause.getMessage());
    }

    private void refuse(ChannelHandlerContext ctx, Refusal why, String reason) {
        if (done) {
            return;
        }
        done = true;
        cancelDeadline();
        log.debug("{}: refused: {}", ctx.channel().remoteAddress(), reason);
        refused.accept(why);
        ctx.close();
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelDeadline();
        ctx.fireChannelInactive();
    }
}
