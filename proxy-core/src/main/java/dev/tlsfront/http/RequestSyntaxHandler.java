package dev.tlsfront.http;

import dev.tlsfront.http.RequestSyntax.Chunked;
import dev.tlsfront.http.RequestSyntax.Fixed;
import dev.tlsfront.http.RequestSyntax.Framing;
import dev.tlsfront.http.RequestSyntax.Limits;
import dev.tlsfront.http.RequestSyntax.Rejected;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Checks the raw request bytes against HTTP/1.1's strict syntax before Netty's decoder sees them,
 * reads each request head within a deadline (slowloris), and lets a request body go quiet for at
 * most the body timeout while the proxy is waiting for it.
 *
 * <p>A head is held back until it is complete and valid, then passed on; body bytes pass on as they
 * come while their chunk framing is checked. On the first violation the valid bytes before it are
 * passed on, then a {@link MalformedRequest}, in order, and everything after is dropped. This is a
 * second, independent framer: it only ever rejects, never reframes, so Netty's decoder and this
 * check must both accept a request for it to be forwarded.
 */
public final class RequestSyntaxHandler extends ChannelDuplexHandler {

    private enum State { REQUEST_LINE, FIELDS, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILERS, REJECTED }

    /** A chunk-size line with its extensions (which are ignored); longer ones are refused. */
    private static final int MAX_CHUNK_SIZE_LINE = 4096;

    private final Limits limits;
    private final long headerTimeoutNanos;
    private final BodyTimeout bodyTimeout;

    private State state = State.REQUEST_LINE;
    private ByteBuf head;
    // Start small: an idle connection should cost little; they grow to a connection's usual head once.
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder fields = new StringBuilder();
    private boolean sawCr;
    private boolean sawBareLineEnd;
    private boolean http10;
    private long remaining;
    private int trailerBytes;
    private ScheduledFuture<?> headerDeadline;
    /** When the head being read had its first byte (the executor's clock). */
    private long headStartNanos;

    /**
     * @param headerTimeoutMillis a head must be complete this long after its first byte (0: no limit)
     * @param bodyTimeoutMillis a body may send nothing for this long while a read waits for it (0: no limit)
     */
    public RequestSyntaxHandler(Limits limits, long headerTimeoutMillis, long bodyTimeoutMillis) {
        this.limits = limits;
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
        this.bodyTimeout = new BodyTimeout(bodyTimeoutMillis, this::inBody, () -> state = State.REJECTED);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        bodyTimeout.readRequested(ctx);
        ctx.read();
    }

    private boolean inBody() {
        return state != State.REQUEST_LINE && state != State.FIELDS && state != State.REJECTED;
    }

    /** Whether the client is still sending a request body the proxy has not read to its end. */
    public boolean bodyPending() {
        return inBody();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        bodyTimeout.dataArrived();
        try {
            scan(ctx, in);
        } finally {
            in.release();
        }
    }

    private void scan(ChannelHandlerContext ctx, ByteBuf in) {
        int passFrom = in.readerIndex();
        while (in.isReadable() && state != State.REJECTED) {
            switch (state) {
                case REQUEST_LINE, FIELDS -> {
                    if (in.readerIndex() > passFrom) {
                        ctx.fireChannelRead(in.retainedSlice(passFrom, in.readerIndex() - passFrom));
                    }
                    readHead(ctx, in);
                    passFrom = in.readerIndex();
                    if (head != null && state != State.REJECTED) {
                        // Only a head still incomplete when the input runs out needs the clock: most
                        // arrive whole in one read, and a timer per request would be armed for nothing.
                        armHeaderDeadline(ctx);
                    }
                }
                case FIXED_BODY -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    in.skipBytes(n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.REQUEST_LINE;
                    }
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    in.skipBytes(n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.CHUNK_CR;
                    }
                }
                case CHUNK_CR, CHUNK_LF -> {
                    byte b = in.readByte();
                    if (state == State.CHUNK_CR && b == '\r') {
                        state = State.CHUNK_LF;
                    } else if (state == State.CHUNK_LF && b == '\n') {
                        state = State.CHUNK_SIZE;
                    } else {
                        reject(ctx, in, HttpResponseStatus.BAD_REQUEST, "chunk data not followed by CRLF");
                        return;
                    }
                }
                case CHUNK_SIZE, TRAILERS -> {
                    String complete = readLine(in);
                    if (complete == null) {
                        if (line.length() > (state == State.CHUNK_SIZE ? MAX_CHUNK_SIZE_LINE : limits.maxHeaderBlock())
                                || sawBareLineEnd) {
                            reject(ctx, in, HttpResponseStatus.BAD_REQUEST,
                                    sawBareLineEnd ? "bare CR or LF in chunked framing" : "chunk-size line too long");
                            return;
                        }
                        continue;
                    }
                    if (state == State.CHUNK_SIZE) {
                        long size = RequestSyntax.chunkSize(complete);
                        if (size < 0) {
                            reject(ctx, in, HttpResponseStatus.BAD_REQUEST,
                                    "chunk-size line '" + complete + "' (expected: hex digits, then optional extensions)");
                            return;
                        }
                        remaining = size;
                        state = size == 0 ? State.TRAILERS : State.CHUNK_DATA;
                        trailerBytes = 0;
                    } else if (complete.isEmpty()) {
                        state = State.REQUEST_LINE;
                    } else {
                        trailerBytes += complete.length() + 2;
                        Framing check = RequestSyntax.checkFields(complete, false, limits);
                        if (check instanceof Rejected rejected || trailerBytes > limits.maxHeaderBlock()) {
                            reject(ctx, in, HttpResponseStatus.BAD_REQUEST, "malformed trailer field");
                            return;
                        }
                    }
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
        // Whatever lies between passFrom and here is body bytes (head bytes are copied, and passFrom moved past them).
        if (state != State.REJECTED && in.readerIndex() > passFrom) {
            ctx.fireChannelRead(in.retainedSlice(passFrom, in.readerIndex() - passFrom));
        }
    }

    /** Reads head bytes into {@link #head} until the head is complete (then passed on) or the input ends. */
    private void readHead(ChannelHandlerContext ctx, ByteBuf in) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            String complete = readLine(in);
            if (sawBareLineEnd) {
                reject(ctx, in, HttpResponseStatus.BAD_REQUEST, "bare CR or LF in the request head");
                return;
            }
            if (state == State.REQUEST_LINE && complete != null && complete.isEmpty() && head == null) {
                continue;  // RFC 9112 §2.2: empty lines before the request line are ignored
            }
            if (head == null) {
                head = ctx.alloc().buffer(256);
                headStartNanos = ctx.executor().ticker().nanoTime();
            }
            head.writeBytes(in, start, in.readerIndex() - start);
            if (complete == null) {
                if (state == State.REQUEST_LINE && (line.length() > limits.maxRequestLine()
                        || line.length() > RequestSyntax.MAX_METHOD && line.indexOf(" ") < 0)) {
                    Rejected overlong = RequestSyntax.overlongRequestLine(line);
                    reject(ctx, in, overlong.status(), overlong.reason());
                } else if (head.readableBytes() > limits.maxHeaderBlock() + limits.maxRequestLine()) {
                    reject(ctx, in, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header block too large");
                }
                return;
            }
            if (state == State.REQUEST_LINE) {
                Rejected problem = complete.length() > limits.maxRequestLine()
                        ? RequestSyntax.overlongRequestLine(complete) : RequestSyntax.checkRequestLine(complete);
                if (problem != null) {
                    reject(ctx, in, problem.status(), problem.reason());
                    return;
                }
                http10 = complete.endsWith("HTTP/1.0");
                fields.setLength(0);
                state = State.FIELDS;
            } else if (!complete.isEmpty()) {
                if (fields.length() > 0) {
                    fields.append("\r\n");
                }
                fields.append(complete);
                if (fields.length() > limits.maxHeaderBlock()) {
                    reject(ctx, in, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "header block too large");
                    return;
                }
            } else {
                Framing framing = RequestSyntax.checkFields(fields.toString(), http10, limits);
                if (framing instanceof Rejected rejected) {
                    reject(ctx, in, rejected.status(), rejected.reason());
                    return;
                }
                cancelHeaderDeadline();
                ByteBuf complete0 = head;
                head = null;
                // The state first: what the head sets off downstream (an early answer, a close) sees the body coming.
                if (framing instanceof Fixed fixed) {
                    remaining = fixed.length();
                    state = State.FIXED_BODY;
                } else if (framing instanceof Chunked) {
                    state = State.CHUNK_SIZE;
                } else {
                    state = State.REQUEST_LINE;
                }
                ctx.fireChannelRead(complete0);
                return;
            }
        }
    }

    /**
     * Consumes bytes up to and including the next CRLF and returns the line without it; or consumes
     * everything and returns null when the line is not complete yet. A CR not followed by LF, or an LF
     * not preceded by CR, sets {@link #sawBareLineEnd} (RFC 9112 §2.2).
     */
    private String readLine(ByteBuf in) {
        while (in.isReadable()) {
            byte b = in.readByte();
            if (sawCr) {
                sawCr = false;
                if (b != '\n') {
                    sawBareLineEnd = true;
                    return null;
                }
                String complete = line.toString();
                line.setLength(0);
                return complete;
            }
            if (b == '\r') {
                sawCr = true;
            } else if (b == '\n') {
                sawBareLineEnd = true;
                return null;
            } else {
                line.append((char) (b & 0xFF));
            }
        }
        return null;
    }

    /** Stops the stream here: nothing from the current message on is passed, only the verdict. */
    private void reject(ChannelHandlerContext ctx, ByteBuf in, HttpResponseStatus status, String reason) {
        state = State.REJECTED;
        cancelHeaderDeadline();
        if (head != null) {
            head.release();
            head = null;
        }
        in.skipBytes(in.readableBytes());
        ctx.fireChannelRead(new MalformedRequest(status, reason));
    }

    /** The head must be complete {@code headerTimeoutNanos} after its first byte: a timer for what is left. */
    private void armHeaderDeadline(ChannelHandlerContext ctx) {
        if (headerTimeoutNanos > 0 && headerDeadline == null) {
            long left = headerTimeoutNanos - (ctx.executor().ticker().nanoTime() - headStartNanos);
            headerDeadline = ctx.executor().schedule(() -> {
                headerDeadline = null;
                if (head != null && (state == State.REQUEST_LINE || state == State.FIELDS)) {
                    state = State.REJECTED;
                    head.release();
                    head = null;
                    ctx.fireChannelRead(new MalformedRequest(HttpResponseStatus.REQUEST_TIMEOUT,
                            "request head not complete within " + TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) + " ms"));
                }
            }, Math.max(0, left), TimeUnit.NANOSECONDS);
        }
    }

    private void cancelHeaderDeadline() {
        if (headerDeadline != null) {
            headerDeadline.cancel(false);
            headerDeadline = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHeaderDeadline();
        bodyTimeout.cancel();
        if (head != null) {
            head.release();
            head = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handlerRemoved(ctx);
        ctx.fireChannelInactive();
    }
}
