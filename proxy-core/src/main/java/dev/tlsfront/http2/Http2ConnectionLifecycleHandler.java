package dev.tlsfront.http2;

import dev.tlsfront.http.DrainRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Ends an HTTP/2 connection gracefully (GOAWAY, then the open streams may finish) when the server
 * drains (a new connection once its first stream is open), and when it has had no open stream and no traffic for the keep-alive timeout (an
 * {@link io.netty.handler.timeout.IdleStateHandler} before it says when).
 */
public final class Http2ConnectionLifecycleHandler extends ChannelInboundHandlerAdapter {

    private final Http2FrameCodec codec;
    /** Draining began before the client opened its first stream: GOAWAY waits until it has. */
    private boolean drainOnFirstStream;

    public Http2ConnectionLifecycleHandler(Http2FrameCodec codec) {
        this.codec = codec;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == DrainRequest.INSTANCE) {
            if (codec.connection().remote().lastStreamCreated() == 0) {
                // A GOAWAY now would refuse the first request, which the client may already have sent
                // (it is still in the TLS records read with the handshake). Taken once it is read.
                drainOnFirstStream = true;
                return;
            }
            ctx.close();  // the codec's close sends GOAWAY and waits for open streams (up to the drain timeout)
            return;
        }
        if (evt instanceof IdleStateEvent) {
            if (codec.connection().numActiveStreams() == 0) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        if (drainOnFirstStream && codec.connection().remote().lastStreamCreated() != 0) {
            drainOnFirstStream = false;
            ctx.close();
        }
    }
}
