package dev.tlsfront.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/2 frames written and read by hand on a socket, for a test that must choose exactly when a
 * connection's first stream is sent (no client library separates the handshake from the first
 * request). HPACK is Netty's; the frame layout is RFC 9113 §4.1.
 */
final class RawHttp2 {

    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    private RawHttp2() {
    }

    /** The client preface, an empty SETTINGS, and {@code GET path} on stream 1 with END_STREAM. */
    static byte[] prefaceAndGet(String authority, String path) throws Http2Exception {
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
        frameHeader(out, 0, SETTINGS, 0, 0);
        Http2Headers headers = new DefaultHttp2Headers().method("GET").scheme("https").authority(authority).path(path);
        ByteBuf block = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, block);
        frameHeader(out, block.readableBytes(), HEADERS, END_STREAM | END_HEADERS, 1);
        out.writeBytes(block);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private static void frameHeader(ByteBuf out, int length, int type, int flags, int stream) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(stream);
    }

    /** What the server sent until it closed the connection. */
    record Received(Map<Integer, Http2Headers> headers, List<Integer> goAwayLastStreams) {
        String status(int stream) {
            Http2Headers h = headers.get(stream);
            return h == null ? "(no HEADERS on stream " + stream + ")" : String.valueOf(h.status());
        }

        /** The last-stream-id of the only GOAWAY; -1 when there was none, -2 when there were several. */
        int goAwayLastStream() {
            return goAwayLastStreams.isEmpty() ? -1 : goAwayLastStreams.size() > 1 ? -2 : goAwayLastStreams.get(0);
        }
    }

    static Received readUntilClosed(InputStream in) throws IOException, Http2Exception {
        DataInputStream data = new DataInputStream(in);
        DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
        Map<Integer, Http2Headers> headers = new HashMap<>();
        List<Integer> goAways = new ArrayList<>();
        while (true) {
            byte[] head = new byte[9];
            try {
                data.readFully(head);
            } catch (EOFException closed) {
                return new Received(headers, goAways);
            }
            ByteBuf header = Unpooled.wrappedBuffer(head);
            int length = header.readUnsignedMedium();
            int type = header.readUnsignedByte();
            int flags = header.readUnsignedByte();
            int stream = header.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            data.readFully(payload);
            if (type == HEADERS && (flags & END_HEADERS) != 0 && !headers.containsKey(stream)) {
                // The server sends no padding or priority on a response: the payload is the header block.
                headers.put(stream, decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(payload)));
            } else if (type == GOAWAY) {
                goAways.add(Unpooled.wrappedBuffer(payload).readInt() & 0x7fffffff);
            }
        }
    }
}
