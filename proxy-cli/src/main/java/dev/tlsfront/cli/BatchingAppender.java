package dev.tlsfront.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's writer. An event loop adds its line to a lock-free queue and wakes nobody; one
 * thread takes everything queued every {@code interval} (sooner once a quarter of {@code capacity}
 * is waiting) and writes it with one write. Handing each line to a writer thread as it came (logback's
 * AsyncAppender) cost two context switches per request on a busy core, about a quarter of the CPU
 * of a small request. A full queue makes the event loop wait, as a full disk would: no line is lost.
 */
final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** One write's most: a long queue goes out in pieces of this, so the buffer stays small. */
    static final int MAX_WRITE = 256 * 1024;

    private final Encoder<ILoggingEvent> encoder;
    private final OutputStream out;
    private final boolean closeOnStop;
    private final int capacity;
    private final long intervalNanos;
    private final Queue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(64 * 1024);
    private volatile boolean stopping;
    private Thread writer;

    /**
     * @param out where batches go: written whole, under the stream's own lock when it has one
     *     ({@link java.io.PrintStream}), so another writer's lines never land inside a batch
     * @param closeOnStop close {@code out} when stopped (a file; not standard output)
     */
    BatchingAppender(Encoder<ILoggingEvent> encoder, OutputStream out, boolean closeOnStop, int capacity,
            Duration interval) {
        this.encoder = encoder;
        this.out = out;
        this.closeOnStop = closeOnStop;
        this.capacity = capacity;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void start() {
        writer = new Thread(this::writeUntilStopped, "access-log-writer");
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        queue.offer(event);
        int waiting = queued.incrementAndGet();
        if (waiting == capacity / 4) {
            LockSupport.unpark(writer);
        }
        while (waiting > capacity && !stopping) {
            LockSupport.unpark(writer);
            LockSupport.parkNanos(200_000);
            waiting = queued.get();
        }
    }

    private void writeUntilStopped() {
        while (!stopping) {
            LockSupport.parkNanos(this, intervalNanos);
            writeQueued();
        }
        writeQueued();  // what came in while stopping
    }

    private void writeQueued() {
        int taken = 0;
        for (ILoggingEvent event; (event = queue.poll()) != null; ) {
            try {
                batch.writeBytes(encoder.encode(event));
            } catch (RuntimeException e) {
                addError("access log: cannot encode a line", e);  // one line lost, never the writer
            }
            taken++;
            if (batch.size() >= MAX_WRITE) {
                write(taken);
                taken = 0;
            }
        }
        if (taken > 0) {
            write(taken);
        }
    }

    private void write(int lines) {
        try {
            batch.writeTo(out);
            out.flush();
        } catch (IOException e) {
            addError("access log: cannot write " + lines + " lines", e);
        }
        batch.reset();
        queued.addAndGet(-lines);
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        stopping = true;
        LockSupport.unpark(writer);
        try {
            writer.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closeOnStop) {
            try {
                out.close();
            } catch (IOException e) {
                addError("access log: cannot close", e);
            }
        }
        super.stop();
    }
}
