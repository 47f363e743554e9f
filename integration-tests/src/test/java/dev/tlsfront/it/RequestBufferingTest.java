package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunked request bodies are read whole, forwarded with Content-Length, and their temporary files never left behind. */
class RequestBufferingTest {

    @TempDir
    static Path dir;
    static TestBackend backend;
    static RunningProxy proxy;
    static HttpClient client;
    static TestCertificate certificate;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), """
                limits: { max_body_size: 3MiB }
                """).replace("backend: {", "backend: { request_buffer_memory: 64KiB,"), dir);
        client = RunningProxy.client(certificate);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    /**
     * Temporary body files the proxy (in this JVM) holds open, whether or not they still have a name:
     * on Linux the file is unlinked as soon as it is opened, so the directory never shows it.
     */
    private static long temporaryFiles() throws IOException {
        long open = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains("tlsfront-body-")) {
                        open++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return open + files.filter(f -> f.getFileName().toString().startsWith("tlsfront-body-")).count();
        }
    }

    private static void awaitNoTemporaryFiles() throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (temporaryFiles() > 0) {
            if (System.nanoTime() > end) {
                throw new AssertionError(temporaryFiles() + " tlsfront-body-* files left in java.io.tmpdir");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void chunkedBodyIsForwardedWithContentLength() throws Exception {
        long size = 2L << 20;  // over the 64 KiB memory threshold: goes through a temporary file
        HttpResponse<String> digest = client.send(HttpRequest.newBuilder(proxy.https("/sha256"))
                .POST(BodyPublishers.ofInputStream(() -> Pattern.stream(size))).build(), BodyHandlers.ofString());
        HttpResponse<String> echo = client.send(HttpRequest.newBuilder(proxy.https("/echo"))
                .POST(BodyPublishers.ofInputStream(() -> Pattern.stream(1000))).build(), BodyHandlers.ofString());

        assertThat(digest.body()).isEqualTo(size + " " + Pattern.sha256Of(size));
        assertThat(echo.body()).contains("Content-length: 1000\n").doesNotContainIgnoringCase("transfer-encoding");
        awaitNoTemporaryFiles();
    }

    @Test
    void chunkedBodyOverTheLimitGets413AndLeavesNoFile() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(proxy.https("/sha256"))
                .POST(BodyPublishers.ofInputStream(() -> Pattern.stream(4L << 20))).build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        awaitNoTemporaryFiles();
    }

    @Test
    void declaredLengthOverTheLimitGets413AtOnce() throws Exception {
        Command curl = Command.run("curl", "--http1.1", "-sk", "-i", "--max-time", "10", "-H", "Content-Length: 5000000",
                "-H", "Expect:", "--data-binary", "x", proxy.https("/sha256").toString());
        assertThat(curl.output()).startsWith("HTTP/1.1 413");
    }

    @Test
    void clientVanishingMidUploadLeavesNoFile() throws Exception {
        try (SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                .createSocket("localhost", proxy.httpsPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("POST /sha256 HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[100_000];
            for (int i = 0; i < 5; i++) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (temporaryFiles() == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(temporaryFiles()).as("a temporary file while the upload is under way").isEqualTo(1);
        }
        awaitNoTemporaryFiles();
        assertThat(backend.clientPorts).isEmpty();
    }

    /**
     * The proxy answers 413 from the head while the client is still sending the body. Closing with
     * unread input would make the kernel reset the connection, and a client still writing (the JDK's
     * HttpClient, for one) then fails on its write and never reads the answer. With the lingering
     * close the client finishes writing and reads the 413.
     */
    @Test
    void aClientStillSendingItsBodyFinishesAndReadsThe413() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) certificate.trustingContext().getSocketFactory()
                    .createSocket("127.0.0.1", proxy.httpsPort())) {
                socket.setSoTimeout(10_000);
                var out = socket.getOutputStream();
                out.write(("POST /sha256 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4194304\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] block = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(block);  // the whole declared body, before looking for an answer
                }
                out.flush();
                byte[] head = new byte[12];
                int n = socket.getInputStream().readNBytes(head, 0, head.length);
                assertThat(new String(head, 0, n, java.nio.charset.StandardCharsets.US_ASCII)).as("attempt " + attempt)
                        .isEqualTo("HTTP/1.1 413");
            }
        }
    }
}
