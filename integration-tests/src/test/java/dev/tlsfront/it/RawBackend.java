package dev.tlsfront.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A backend that does exactly what a test scripts on each accepted socket: misbehave, mostly. */
final class RawBackend implements AutoCloseable {

    interface Script {
        void run(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    RawBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        executor.submit(() -> {
            while (!server.isClosed()) {
                Socket socket = server.accept();
                executor.submit(() -> {
                    try (socket) {
                        script.run(socket);
                    } catch (Exception e) {
                        // the script's business
                    }
                    return null;
                });
            }
            return null;
        });
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Reads the request head (up to the blank line). */
    static String readHead(Socket socket) throws IOException {
        StringBuilder head = new StringBuilder();
        var in = socket.getInputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        executor.shutdownNow();
    }
}
