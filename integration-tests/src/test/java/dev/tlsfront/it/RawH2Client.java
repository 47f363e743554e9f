package dev.tlsfront.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/2 frame by frame over TLS (ALPN h2), for what a well-behaved client library will not send:
 * connection-specific fields, floods of resets and CONTINUATION frames. Header blocks are HPACK
 * literals without indexing or Huffman coding, which every decoder must accept.
 */
final class RawH2Client implements AutoCloseable {

    static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, WINDOW_UPDATE = 8,
            CONTINUATION = 9;
    static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;
    static final int PROTOCOL_ERROR = 0x1, REFUSED_STREAM = 0x7, CANCEL = 0x8, ENHANCE_YOUR_CALM = 0xb;

    record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a RST_STREAM, or of a GOAWAY (after its last-stream-id). */
        int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xff) << 24) | ((payload[at + 1] & 0xff) << 16) | ((payload[at + 2] & 0xff) << 8)
                    | (payload[at + 3] & 0xff);
        }
    }

    private final SSLSocket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawH2Client(SSLContext trusting, int port) throws IOException {
        socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        if (!"h2".equals(socket.getApplicationProtocol())) {
            throw new IOException("ALPN chose " + socket.getApplicationProtocol() + ", not h2");
        }
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
    }

    /** Synchronized: a flood is written from one thread while another reads and acknowledges SETTINGS. */
    synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    /** A GET for {@code path} with extra fields (name, value, name, value...). */
    static byte[] request(String path, String... extra) {
        return requestWith("GET", path, extra);
    }

    /** A request with that method. */
    static byte[] requestWith(String method, String path, String... extra) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", method);
        literal(block, ":scheme", "https");
        literal(block, ":authority", "localhost");
        literal(block, ":path", path);
        for (int i = 0; i < extra.length; i += 2) {
            literal(block, extra[i], extra[i + 1]);
        }
        return block.toByteArray();
    }

    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00);  // literal header field without indexing, new name
        string(block, name.getBytes(StandardCharsets.ISO_8859_1));
        string(block, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void string(ByteArrayOutputStream block, byte[] bytes) {
        integer(block, bytes.length, 7, 0x00);  // H = 0: no Huffman
        block.writeBytes(bytes);
    }

    /** RFC 7541 §5.1 prefix integer. */
    private static void integer(ByteArrayOutputStream block, int value, int prefixBits, int firstByteFlags) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            block.write(firstByteFlags | value);
            return;
        }
        block.write(firstByteFlags | max);
        value -= max;
        while (value >= 128) {
            block.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        block.write(value);
    }

    static byte[] errorCode(int code) {
        return new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code};
    }

    /** The next frame other than SETTINGS, PING and WINDOW_UPDATE (SETTINGS are acknowledged); null at the end. */
    Frame next() throws IOException {
        while (true) {
            byte[] header = new byte[9];
            try {
                in.readFully(header);
            } catch (java.io.EOFException | java.net.SocketException e) {
                return null;
            }
            int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            int type = header[3] & 0xff;
            int flags = header[4] & 0xff;
            int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (type == SETTINGS && (flags & ACK) == 0) {
                settings = payload;
                try {
                    frame(SETTINGS, ACK, 0, new byte[0]);
                } catch (IOException closed) {
                    // the server may have closed already; what it sent can still be read
                }
                continue;
            }
            if (type == SETTINGS || type == PING || type == WINDOW_UPDATE) {
                continue;
            }
            return new Frame(type, flags, stream, payload);
        }
    }

    private byte[] settings;

    /** A value of the server's SETTINGS (read so far), or -1. */
    long setting(int id) {
        for (int i = 0; settings != null && i + 6 <= settings.length; i += 6) {
            int key = ((settings[i] & 0xff) << 8) | (settings[i + 1] & 0xff);
            if (key == id) {
                return ((settings[i + 2] & 0xffL) << 24) | ((settings[i + 3] & 0xff) << 16) | ((settings[i + 4] & 0xff) << 8)
                        | (settings[i + 5] & 0xff);
            }
        }
        return -1;
    }

    /** Writes frames, as a flood does; it may stop early when the server closes the connection. */
    interface Flood {
        void send() throws IOException;
    }

    /**
     * Sends the flood from another thread while this one reads, so a GOAWAY is read as it arrives:
     * a server that closes with the flood still coming makes the connection reset, and a reset
     * discards what the client had not read yet.
     */
    Frame floodAwaitingGoAway(Flood flood) throws Exception {
        Thread sender = new Thread(() -> {
            try {
                flood.send();
            } catch (IOException closedWhileSending) {
                // the server closed the connection: what the flood is meant to cause
            }
        }, "h2-flood");
        sender.start();
        try {
            return awaitGoAway();
        } finally {
            socket.close();  // stops the sender if the server never answered
            sender.join(10_000);
        }
    }

    /** Frames until a GOAWAY or the end of the connection; the GOAWAY, or null. */
    Frame awaitGoAway() throws IOException {
        Frame frame;
        while ((frame = next()) != null) {
            if (frame.type() == GOAWAY) {
                return frame;
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
