package dev.tlsfront.forward;

import dev.tlsfront.config.BackendConfig.RequestBuffering;
import dev.tlsfront.http.LocalResponse;
import dev.tlsfront.http.MalformedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole request body before the request is forwarded, and forwards it with Content-Length:
 * WSGI servers (gunicorn, uWSGI) hand an app an empty body for a chunked request, silently losing
 * the upload. In memory up to a threshold, then in a temporary file, up to the size limit (413).
 *
 * <p>While it holds a body it answers the forwarder's reads itself, one piece per read, so the
 * forwarder never sees the next pipelined request early. The temporary file is deleted in every
 * outcome: forwarded, rejected, or the connection closing; on Linux it is unlinked as soon as it is
 * opened ({@code DELETE_ON_CLOSE}), so not even a killed process leaves one behind.
 */
public final class RequestBufferingHandler extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestBufferingHandler.class);
    private static final int FILE_PIECE = 64 * 1024;

    private enum State { PASS_THROUGH, FILLING, DRAINING, REJECTED }

    private final RequestBuffering mode;
    private final long memoryThreshold;
    private final long maxBody;

    private State state = State.PASS_THROUGH;
    private ChannelHandlerContext ctx;
    private HttpRequest head;
    private CompositeByteBuf memory;
    private Path file;
    private FileChannel fileChannel;
    private long length;
    private long drained;
    private boolean headSent;
    private boolean readPending;

    /**
     * @param memoryThreshold bodies up to this size stay in memory
     * @param maxBody the largest body accepted (413 beyond)
     */
    public RequestBufferingHandler(RequestBuffering mode, long memoryThreshold, long maxBody) {
        this.mode = mode;
        this.memoryThreshold = memoryThreshold;
        this.maxBody = maxBody;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case PASS_THROUGH -> {
                if (msg instanceof HttpRequest request && !(msg instanceof LastHttpContent) && shouldBuffer(request)) {
                    head = request;
                    length = 0;
                    state = State.FILLING;
                    ctx.read();
                    return;
                }
                ctx.fireChannelRead(msg);
            }
            case FILLING -> fill(ctx, msg);
            default -> ReferenceCountUtil.release(msg);
        }
    }

    private boolean shouldBuffer(HttpRequest request) {
        return switch (mode) {
            case OFF -> false;
            case CHUNKED -> HttpUtil.isTransferEncodingChunked(request);
            case ALL -> HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
        };
    }

    private void fill(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof MalformedRequest verdict) {
            reject(ctx, verdict.status(), verdict.reason());
            return;
        }
        if (msg instanceof HttpContent bad && bad.decoderResult().isFailure()) {
            bad.release();
            reject(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request body");
            return;
        }
        if (!(msg instanceof HttpContent content)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            length += content.content().readableBytes();
            if (length > maxBody) {
                reject(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body over " + maxBody + " bytes");
                return;
            }
            store(content.content());
        } catch (IOException e) {
            log.error("cannot buffer a request body in {}: {}", file, e.toString());
            reject(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "temporary file failed");
            return;
        } finally {
            content.release();
        }
        if (!(content instanceof LastHttpContent)) {
            ctx.read();
            return;
        }
        // The whole body is here: forward the head with its length; the body follows, a piece per read.
        head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        HttpUtil.setContentLength(head, length);
        state = State.DRAINING;
        drained = 0;
        headSent = false;
        if (readPending) {
            readPending = false;
            deliver(ctx);
        }
    }

    private void store(ByteBuf data) throws IOException {
        if (fileChannel == null && length <= memoryThreshold) {
            if (memory == null) {
                memory = ctx.alloc().compositeBuffer(1024);
            }
            memory.addComponent(true, data.retain());
            return;
        }
        if (fileChannel == null) {
            file = Files.createTempFile("tlsfront-body-", ".tmp");
            fileChannel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
            if (memory != null) {
                writeFully(memory);
                memory.release();
                memory = null;
            }
        }
        writeFully(data);
    }

    private void writeFully(ByteBuf data) throws IOException {
        ByteBuffer nio = data.nioBuffer();
        while (nio.hasRemaining()) {
            fileChannel.write(nio);
        }
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        switch (state) {
            case PASS_THROUGH -> ctx.read();
            case FILLING -> readPending = true;  // the forwarder waits; this handler reads for itself meanwhile
            case DRAINING -> deliver(ctx);
            default -> { }
        }
    }

    /** Hands the forwarder the next piece: the head first, then the body, then its end. */
    private void deliver(ChannelHandlerContext ctx) {
        if (!headSent) {
            headSent = true;
            ctx.fireChannelRead(head);
            return;
        }
        try {
            if (memory != null) {
                ByteBuf body = memory;
                memory = null;
                drained = length;
                finish(ctx, body);
                return;
            }
            long left = length - drained;
            int size = (int) Math.min(FILE_PIECE, left);
            ByteBuf piece = ctx.alloc().buffer(size);
            try {
                int read = piece.writeBytes(fileChannel, drained, size);
                if (read < size) {
                    throw new IOException("temporary file shrank");
                }
            } catch (IOException e) {
                piece.release();
                throw e;
            }
            drained += size;
            if (drained < length) {
                ctx.fireChannelRead(new DefaultHttpContent(piece));
            } else {
                finish(ctx, piece);
            }
        } catch (IOException e) {
            log.error("cannot read a buffered request body from {}: {}", file, e.toString());
            cleanUp();
            ctx.close();
        }
    }

    private void finish(ChannelHandlerContext ctx, ByteBuf last) {
        cleanUp();
        state = State.PASS_THROUGH;
        ctx.fireChannelRead(new io.netty.handler.codec.http.DefaultLastHttpContent(last));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.FILLING) {
            ctx.read();  // a read that produced no message still leaves this handler wanting the body
        }
        ctx.fireChannelReadComplete();
    }

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
        log.debug("{} {}: {} ({})", head.method(), head.uri(), status.code(), why);
        state = State.REJECTED;
        cleanUp();
        ctx.writeAndFlush(LocalResponse.of(ctx.alloc(), status, true));
    }

    private void cleanUp() {
        if (memory != null) {
            memory.release();
            memory = null;
        }
        if (fileChannel != null) {
            try {
                fileChannel.close();  // DELETE_ON_CLOSE removes the file
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot delete the temporary file {}: {}", file, e.toString());
            }
            fileChannel = null;
            file = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cleanUp();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cleanUp();
        ctx.fireChannelInactive();
    }
}
