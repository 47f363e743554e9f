package dev.tlsfront.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;

/**
 * The test Django app ({@code src/test/django}) served by Debian's gunicorn on port 0, run as it
 * would be in production. gunicorn trusts X-Forwarded-Proto from 127.0.0.1 by default; here it
 * trusts nobody, so the app is entirely unaware of the proxy, the case tlsfront must make correct.
 */
final class Gunicorn implements AutoCloseable {

    static final Path GUNICORN = Path.of("/usr/bin/gunicorn");

    private final Process process;
    private final StringBuffer log = new StringBuffer();
    final int port;
    private final Path socket;

    Gunicorn() throws IOException, InterruptedException {
        this(null);
    }

    /** Bound to a Unix socket at {@code socket} rather than a TCP port, as gunicorn is usually run behind a proxy. */
    Gunicorn(Path socket) throws IOException, InterruptedException {
        this.socket = socket;
        if (!Files.isExecutable(GUNICORN)) {
            throw new AssertionError(GUNICORN + " is missing: apt-get install python3-django gunicorn (.ci/run does)");
        }
        Path app = Path.of(System.getProperty("tlsfront.root", ".."), "integration-tests", "src", "test", "django");
        ProcessBuilder builder = new ProcessBuilder(GUNICORN.toString(), "--chdir", app.toString(),
                "--bind", socket == null ? "127.0.0.1:0" : "unix:" + socket, "--workers", "2", "--forwarded-allow-ips", "192.0.2.1",
                "--timeout", "60", "wsgi:application").redirectErrorStream(true);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        process = builder.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    log.append(line).append('\n');
                }
            } catch (IOException e) {
                log.append("[closed]\n");
            }
        }, "gunicorn-log");
        reader.setDaemon(true);
        reader.start();
        port = awaitPort(Duration.ofSeconds(30));
    }

    private int awaitPort(Duration deadline) throws InterruptedException {
        java.util.regex.Pattern listening = java.util.regex.Pattern.compile(socket == null
                ? "Listening at: http://127\\.0\\.0\\.1:(\\d+)" : "Listening at: unix:(/\\S+)");
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = listening.matcher(log);
            if (m.find() && log.indexOf("Booting worker") >= 0) {
                return socket == null ? Integer.parseInt(m.group(1)) : 0;
            }
            if (!process.isAlive()) {
                throw new AssertionError("gunicorn exited:\n" + log);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("gunicorn did not start:\n" + log);
    }

    String url() {
        return socket == null ? "http://127.0.0.1:" + port : "unix:" + socket;
    }

    String log() {
        return log.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        process.destroyForcibly();
    }
}
