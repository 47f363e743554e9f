package dev.tlsfront.forward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * One end of a byte tunnel between a client and a backend connection, once both switched protocols
 * (WebSocket): what one side reads, the other writes, and a side reads again only while the other
 * can take more, so a slow reader holds back its peer rather than filling memory. Either side closing,
 * or an idle timeout, closes both once what was written is flushed.
 */
public final class TunnelHandler extends ChannelInboundHandlerAdapter {

    /** Its name in both pipelines. */
    public static final String NAME = "tunnel";

    private final Channel peer;
    private ChannelHandlerContext ctx;
    private TunnelHandler peerHandler;
    /** A read is owed to this side once the peer can take writes again. */
    private boolean readPending;

    private TunnelHandler(Channel peer) {
        this.peer = peer;
    }

    /**
     * Installs the two ends as the last handlers of each pipeline; whatever HTTP handlers precede
     * them must then be removed or pass bytes through, and reads started by the caller.
     */
    static void join(Channel client, Channel backend) {
        TunnelHandler clientEnd = new TunnelHandler(backend);
        TunnelHandler backendEnd = new TunnelHandler(client);
        clientEnd.peerHandler = backendEnd;
        backendEnd.peerHandler = clientEnd;
        client.pipeline().addLast(NAME, clientEnd);
        backend.pipeline().addLast(NAME, backendEnd);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            peer.write(bytes, peer.voidPromise());
        } else {
            ReferenceCountUtil.release(msg);  // what HTTP decoders leave behind as they are removed
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (peer.isWritable()) {
            ctx.read();
        } else {
            readPending = true;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && peerHandler.readPending) {
            peerHandler.readPending = false;
            peerHandler.ctx.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (peer.isActive()) {
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
