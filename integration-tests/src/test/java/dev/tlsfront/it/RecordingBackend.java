package dev.tlsfront.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A raw HTTP/1.1 backend that records every byte it receives and answers each request with
 * {@code 200 ok}. It frames requests itself (Content-Length or chunked), so it sees a smuggled second
 * request exactly as a real app server would.
 */
final class RecordingBackend implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int requests;

    RecordingBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        executor.submit(() -> {
            while (!server.isClosed()) {
                Socket socket = server.accept();
                executor.submit(() -> serve(socket));
            }
            return null;
        });
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    synchronized String received() {
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    synchronized int requests() {
        return requests;
    }

    synchronized void reset() {
        received.reset();
        requests = 0;
    }

    private synchronized void record(byte[] bytes, boolean newRequest) {
        received.writeBytes(bytes);
        if (newRequest) {
            requests++;
        }
    }

    private Void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readUntil(in, "\r\n\r\n");
                if (head == null) {
                    return null;
                }
                record(head.getBytes(StandardCharsets.ISO_8859_1), true);
                String lower = head.toLowerCase(Locale.ROOT);
                if (lower.contains("\r\ntransfer-encoding: chunked")) {
                    while (true) {
                        String size = readUntil(in, "\r\n");
                        if (size == null) {
                            return null;
                        }
                        record(size.getBytes(StandardCharsets.ISO_8859_1), false);
                        int n = Integer.parseInt(size.strip(), 16);
                        if (n == 0) {
                            String trailer = readUntil(in, "\r\n");
                            record(trailer.getBytes(StandardCharsets.ISO_8859_1), false);
                            break;
                        }
                        byte[] data = in.readNBytes(n + 2);
                        record(data, false);
                    }
                } else {
                    int at = lower.indexOf("\r\ncontent-length: ");
                    if (at >= 0) {
                        int end = lower.indexOf("\r\n", at + 2);
                        int n = Integer.parseInt(lower.substring(at + 18, end).strip());
                        record(in.readNBytes(n), false);
                    }
                }
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            text.append((char) b);
            if (text.length() >= end.length() && text.substring(text.length() - end.length()).equals(end)) {
                return text.toString();
            }
        }
        return text.length() == 0 ? null : text.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        executor.shutdownNow();
    }
}
