package dev.tlsfront.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers plain HTTP sent to the TLS port with a readable 400 that names the site's https:// address,
 * then closes (as nginx does); a connection that starts with a TLS record goes on untouched.
 *
 * <p>Decided on the first byte: every TLS connection starts with a handshake record (type 22, RFC 8446
 * §5.1), and every HTTP/1.x request with a method, an upper-case letter in practice. Anything else
 * goes on to TLS, which refuses it. Placed before TLS on the TLS listener, and gone after the first read.
 */
public final class PlainHttpOnTlsPortHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PlainHttpOnTlsPortHandler.class);
    private static final byte TLS_HANDSHAKE = 22;
    /** How long the rest of the client's request is read and dropped, so that closing does not reset the answer. */
    static final long LINGER_MILLIS = 2_000;

    private final String siteUrl;
    private boolean answered;

    /** @param siteUrl the address to name, {@code https://HOST[:PORT]/} */
    public PlainHttpOnTlsPortHandler(String siteUrl) {
        this.siteUrl = siteUrl;
    }

    /** The whole answer, status line to body; made only for the rare connection that needs it. */
    static byte[] answer(String siteUrl) {
        String body = "400 Bad Request\nThis port speaks HTTPS only: use " + siteUrl + "\n";
        return ("HTTP/1.1 400 Bad Request\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length() + "\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf in) || !in.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        byte first = in.getByte(in.readerIndex());
        if (first == TLS_HANDSHAKE || first < 'A' || first > 'Z') {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        answered = true;
        log.debug("{}: plain HTTP on the TLS port, answered 400", ctx.channel().remoteAddress());
        in.release();
        byte[] answer = answer(siteUrl);
        ctx.writeAndFlush(ctx.alloc().buffer(answer.length).writeBytes(answer)).addListener(f -> {
            if (ctx.channel() instanceof DuplexChannel duplex && f.isSuccess()) {
                duplex.shutdownOutput();
                ctx.channel().config().setAutoRead(true);
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                ctx.close();
            }
        });
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!answered) {
            ctx.fireChannelReadComplete();
        }
    }
}
