package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading a 256 MiB response must stall the backend, not make the proxy hold
 * the response: memory stays bounded by socket and write buffers, whatever the response size.
 */
class SlowClientTest {

    private static final long SIZE = 256L << 20;

    @TempDir
    Path dir;

    /** What the proxy's (the only Netty user in this JVM) allocator holds, heap and direct. */
    private static long proxyBufferMemory() {
        var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return metric.usedDirectMemory() + metric.usedHeapMemory();
    }

    @Test
    void stalledClientStallsTheBackendInsteadOfFillingTheProxy() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
                SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                        .createSocket("localhost", proxy.httpsPort())) {
            socket.setReceiveBufferSize(64 * 1024);
            // The allocator keeps chunks from earlier tests in this JVM: measure growth, not the total.
            long before = proxyBufferMemory();
            OutputStream out = socket.getOutputStream();
            out.write(("GET /bytes?n=" + SIZE + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("content-length: " + SIZE);
            var sha = Pattern.sha256();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            while (received < (1 << 20)) {
                int read = in.read(buffer);
                sha.update(buffer, 0, read);
                received += read;
            }

            // Now the client reads nothing. Wait until the backend can send no more.
            long stalledAt = backend.awaitStalled(Duration.ofSeconds(30));
            long held = proxyBufferMemory() - before;
            System.out.printf("slow client: backend stalled after %d MiB of %d MiB; proxy buffers grew by %d KiB%n",
                    stalledAt >> 20, SIZE >> 20, held >> 10);
            assertThat(stalledAt).as("bytes the backend could send").isLessThan(32L << 20);
            assertThat(held).as("growth of the proxy's buffers").isLessThan(8L << 20);

            // The client reads on: the whole body arrives intact.
            int read;
            while (received < SIZE && (read = in.read(buffer, 0, (int) Math.min(buffer.length, SIZE - received))) > 0) {
                sha.update(buffer, 0, read);
                received += read;
            }
            assertThat(received).isEqualTo(SIZE);
            assertThat(java.util.HexFormat.of().formatHex(sha.digest())).isEqualTo(Pattern.sha256Of(SIZE));
        }
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed in the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
