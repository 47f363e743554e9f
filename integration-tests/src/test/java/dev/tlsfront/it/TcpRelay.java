package dev.tlsfront.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP relay on a port of its own to a target set later: the CA's validation ports must be known
 * when the CA starts, and tlsfront's are known only once it has bound port 0. Bytes pass unchanged
 * both ways, so TLS (tls-alpn-01) goes through as it is.
 */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicReference<java.util.List<Integer>> target = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    TcpRelay() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(() -> {
            while (!server.isClosed()) {
                Socket client = server.accept();
                threads.submit(() -> relay(client));
            }
            return null;
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * Where accepted connections go from now on (127.0.0.1:PORT), taking turns when there are several,
     * as a balancer would; until set, they wait for it.
     */
    void target(int... ports) {
        synchronized (target) {
            target.set(java.util.Arrays.stream(ports).boxed().toList());
            target.notifyAll();
        }
    }

    private Void relay(Socket client) throws Exception {
        int port;
        synchronized (target) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (target.get() == null && System.nanoTime() < end) {
                target.wait(1000);
            }
            java.util.List<Integer> ports = target.get();
            port = ports == null ? -1 : ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
        }
        try (client; Socket upstream = new Socket()) {
            if (port < 0) {
                return null;
            }
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            var back = threads.submit(() -> pipe(upstream.getInputStream(), client.getOutputStream(), client));
            pipe(client.getInputStream(), upstream.getOutputStream(), upstream);
            back.get(60, TimeUnit.SECONDS);
        }
        return null;
    }

    private static Void pipe(InputStream in, OutputStream out, Socket to) {
        try {
            in.transferTo(out);
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: the other side's close follows
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
