package dev.tlsfront.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchingAppenderTest {

    private final LoggerContext context = new LoggerContext();

    BatchingAppenderTest() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());  // as SLF4J's set-up gives it
    }

    /** Counts the writes it is given, as the system calls they would be. */
    private static final class CountingStream extends ByteArrayOutputStream {
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            super.write(b, off, len);
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    private BatchingAppender appender(CountingStream out, int capacity, Duration interval) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchingAppender appender = new BatchingAppender(encoder, out, false, capacity, interval);
        appender.setContext(context);
        appender.start();
        return appender;
    }

    private LoggingEvent line(String text) {
        return new LoggingEvent("test", context.getLogger("access"), Level.INFO, text, null, null);
    }

    @Test
    void manyLinesGoOutInAFewWritesAllOfThemInOrder() throws Exception {
        CountingStream out = new CountingStream();
        BatchingAppender appender = appender(out, 65536, Duration.ofMillis(50));
        List<Thread> loops = new ArrayList<>();
        for (String loop : List.of("a", "b")) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    appender.doAppend(line(loop + i));
                }
            });
            loops.add(t);
            t.start();
        }
        for (Thread t : loops) {
            t.join();
        }
        appender.stop();

        List<String> lines = out.text().lines().toList();
        assertThat(lines).hasSize(40_000);
        for (String loop : List.of("a", "b")) {
            assertThat(lines.stream().filter(l -> l.startsWith(loop)).toList())
                    .as("loop %s's lines in its order", loop)
                    .isEqualTo(java.util.stream.IntStream.range(0, 20_000).mapToObj(i -> loop + i).toList());
        }
        // One write per line would be 40,000 (logback's AsyncAppender with an immediately flushed
        // sink); a batch is everything queued, in pieces of at most 256 KiB.
        assertThat(out.writes.get()).isLessThan(200);
    }

    @Test
    void aLineIsWrittenWithinTheIntervalWithoutWaitingForMore() throws Exception {
        CountingStream out = new CountingStream();
        BatchingAppender appender = appender(out, 65536, Duration.ofMillis(50));
        appender.doAppend(line("alone"));
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (out.text().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(out.text()).isEqualTo("alone\n");
        appender.stop();
    }

    @Test
    void aFullQueueMakesTheWriterWaitAndLosesNothing() {
        CountingStream out = new CountingStream();
        // The writer would sleep for a minute: only a full queue wakes it.
        BatchingAppender appender = appender(out, 100, Duration.ofMinutes(1));
        for (int i = 0; i < 1_000; i++) {
            appender.doAppend(line("l" + i));
        }
        // At most a queue's worth (100) waiting and a batch's worth being written when the loop ends.
        assertThat(out.text().lines().count()).as("written before the stop").isGreaterThanOrEqualTo(800);
        appender.stop();
        assertThat(out.text().lines().toList())
                .isEqualTo(java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "l" + i).toList());
    }
}
