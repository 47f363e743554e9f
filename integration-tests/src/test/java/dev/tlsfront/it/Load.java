package dev.tlsfront.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Continuous GETs from a few client threads, each on its own keep-alive connection, until stopped:
 * how many were sent, how many were not a 2xx (with what), and which server answered how often (the
 * body of {@code /whoami}).
 */
final class Load implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final AtomicInteger sent = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> answeredBy = new ConcurrentHashMap<>();

    Load(HttpClient.Builder clients, URI target, int threadCount) {
        for (int i = 0; i < threadCount; i++) {
            HttpClient client = clients.build();
            Thread thread = new Thread(() -> {
                HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).build();
                while (running.get()) {
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() / 100 != 2) {
                            failures.add(response.statusCode() + " " + response.body().strip());
                        } else {
                            answeredBy.computeIfAbsent(response.body(), b -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "load-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    int answeredBy(String name) {
        AtomicInteger n = answeredBy.get(name);
        return n == null ? 0 : n.get();
    }

    /** Waits until {@code name} has answered {@code more} more requests than now, or fails after 10 s. */
    void awaitAnswers(String name, int more) throws InterruptedException {
        int target = answeredBy(name) + more;
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (answeredBy(name) < target) {
            if (System.nanoTime() > end) {
                throw new AssertionError(name + " answered " + answeredBy(name) + ", expected " + target + "; " + this);
            }
            Thread.sleep(20);
        }
    }

    /** Stops and waits for the threads; the counts are final afterwards. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(15_000);
        }
    }

    @Override
    public String toString() {
        return sent.get() + " sent, answered by " + answeredBy + ", " + failures.size() + " failed: "
                + failures.stream().limit(5).toList();
    }
}
