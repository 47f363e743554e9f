package dev.tlsfront.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 app server for the tests (the JDK's HttpServer on port 0):
 * <ul>
 *   <li>{@code /echo}: answers with what it received: method, path, headers;
 *   <li>{@code /bytes?n=N[&chunked]}: N deterministic bytes, with Content-Length or chunked;
 *   <li>{@code /sha256}: reads the body and answers with its length and SHA-256;
 *   <li>{@code /status?code=N}: an empty answer with that status;
 *   <li>{@code /sleep?ms=N}: answers {@code slept} after N ms;
 *   <li>{@code /respond?status=N&h=Name:value&h=...}: that status with those response headers;
 *   <li>{@code /health}: the status in {@link #health} (200 unless a test changes it), for health checks;
 *   <li>{@code /slow?n=N&ms=M}: N deterministic bytes with Content-Length, 64 KiB every M ms;
 *   <li>{@code /whoami}: {@link #name}, so a test sees which server answered.
 * </ul>
 * It records the client port of every request, so tests can see connection reuse.
 */
final class TestBackend implements AutoCloseable {

    final HttpServer server;
    final List<Integer> clientPorts = new CopyOnWriteArrayList<>();
    final Map<String, List<String>> lastHeaders = new ConcurrentHashMap<>();
    final AtomicLong bytesSent = new AtomicLong();
    final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** What {@code /health} answers. */
    final java.util.concurrent.atomic.AtomicInteger health = new java.util.concurrent.atomic.AtomicInteger(200);
    /** Requests answered, health checks apart. */
    final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    String name = "backend";
    private final ExecutorService executor = Executors.newCachedThreadPool();

    TestBackend() throws IOException {
        this(0);
    }

    /** On a given port: a server restarted where it was (a deploy). */
    TestBackend(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    private void handle(HttpExchange exchange) throws IOException {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        lastHeaders.clear();
        exchange.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(), List.copyOf(v)));
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
        if (!path.equals("/health")) {
            requests.incrementAndGet();
        }
        try (exchange) {
            switch (path) {
                case "/health" -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(health.get(), -1);
                }
                case "/whoami" -> {
                    byte[] body = name.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
                case "/slow", "/bytes" -> sendBytes(exchange, query);
                case "/sha256" -> digestBody(exchange);
                case "/respond" -> respond(exchange, query);
                case "/sleep" -> {
                    inFlight.incrementAndGet();
                    try {
                        Thread.sleep(Long.parseLong(query.replace("ms=", "")));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    byte[] body = "slept".getBytes(StandardCharsets.US_ASCII);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    inFlight.decrementAndGet();
                }
                case "/status" -> {
                    exchange.getRequestBody().readAllBytes();
                    int code = Integer.parseInt(query.replace("code=", ""));
                    exchange.sendResponseHeaders(code, code == 204 || code == 304 ? -1 : 0);
                }
                default -> {
                    exchange.getRequestBody().readAllBytes();
                    StringBuilder text = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n");
                    exchange.getRequestHeaders().forEach((k, v) -> v.forEach(x -> text.append(k).append(": ").append(x).append('\n')));
                    byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain");
                    boolean head = exchange.getRequestMethod().equals("HEAD");
                    exchange.sendResponseHeaders(200, head ? -1 : body.length);
                    if (!head) {
                        exchange.getResponseBody().write(body);
                    }
                }
            }
        }
    }

    private static void respond(HttpExchange exchange, String query) throws IOException {
        exchange.getRequestBody().readAllBytes();
        int status = 200;
        for (String part : query.split("&")) {
            String value = java.net.URLDecoder.decode(part.substring(part.indexOf('=') + 1), StandardCharsets.UTF_8);
            if (part.startsWith("status=")) {
                status = Integer.parseInt(value);
            } else if (part.startsWith("h=")) {
                int colon = value.indexOf(':');
                exchange.getResponseHeaders().add(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
            }
        }
        exchange.sendResponseHeaders(status, status == 304 || status == 204 ? -1 : 0);
    }

    /** N deterministic bytes; chunked instead of Content-Length, or a pause of ms after each 64 KiB. */
    private void sendBytes(HttpExchange exchange, String query) throws IOException {
        long n = 0;
        long ms = 0;
        boolean chunked = false;
        for (String part : query.split("&")) {
            if (part.startsWith("n=")) {
                n = Long.parseLong(part.substring(2));
            } else if (part.startsWith("ms=")) {
                ms = Long.parseLong(part.substring(3));
            } else if (part.equals("chunked")) {
                chunked = true;
            }
        }
        exchange.sendResponseHeaders(200, chunked ? 0 : n);
        try (OutputStream out = exchange.getResponseBody()) {
            byte[] block = new byte[64 * 1024];
            long sent = 0;
            while (sent < n) {
                int len = (int) Math.min(block.length, n - sent);
                Pattern.fill(block, sent, len);
                out.write(block, 0, len);
                sent += len;
                bytesSent.addAndGet(len);
                if (ms > 0) {
                    out.flush();
                    try {
                        Thread.sleep(ms);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private void digestBody(HttpExchange exchange) throws IOException {
        MessageDigest sha = Pattern.sha256();
        long length = 0;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = in.read(buffer)) > 0) {
                sha.update(buffer, 0, read);
                length += read;
            }
        }
        byte[] body = (length + " " + HexFormat.of().formatHex(sha.digest())).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Stops as an app server does on a deploy: no new connections, the exchanges under way finish (up to 2 s). */
    void stopGracefully() {
        server.stop(2);
        executor.shutdown();
    }

    /** Polls the sent-byte count until it has not moved for a second (the client side stalled it); returns it. */
    long awaitStalled(java.time.Duration deadline) throws InterruptedException {
        return awaitStalled(bytesSent::get, deadline);
    }

    /** Polls a byte count until it has not moved for a second; returns it (any backend's sent bytes). */
    static long awaitStalled(java.util.function.LongSupplier sent, java.time.Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < end) {
            long now = sent.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > java.time.Duration.ofSeconds(1).toNanos()) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the backend never stalled: it sent " + last + " bytes");
    }
}
