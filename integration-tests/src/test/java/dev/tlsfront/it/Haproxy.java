package dev.tlsfront.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy as an L4 balancer (TCP mode). HAProxy cannot bind port 0, so a small Python
 * launcher binds it, prints the port it got, and execs HAProxy with the listening socket as file
 * descriptor 3 ({@code bind fd@3}).
 */
final class Haproxy implements AutoCloseable {

    private static final String LAUNCHER = """
            import os, socket, sys
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            s.listen(128)
            os.dup2(s.fileno(), 3)
            os.set_inheritable(3, True)
            print(s.getsockname()[1], flush=True)
            os.execvp("haproxy", ["haproxy", "-f", sys.argv[1], "-db"])
            """;

    private final Process process;
    private final StringBuffer log = new StringBuffer();
    final int port;

    /** @param backends the config lines of the backend section (servers and options) */
    Haproxy(Path dir, String backends) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/haproxy"))) {
            throw new AssertionError("/usr/sbin/haproxy is missing: apt-get install haproxy (.ci/run does)");
        }
        Path config = Files.writeString(dir.resolve("haproxy.cfg"), """
                defaults
                  mode tcp
                  timeout connect 2s
                  timeout client 30s
                  timeout server 30s
                  retries 3
                  option redispatch
                frontend tls
                  bind fd@3
                  default_backend instances
                backend instances
                  balance roundrobin
                %s
                """.formatted(backends));
        Path launcher = Files.writeString(dir.resolve("haproxy-launcher.py"), LAUNCHER);
        process = new ProcessBuilder("python3", launcher.toString(), config.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.matches("\\d+")) {
            throw new AssertionError("haproxy did not start: " + first);
        }
        port = Integer.parseInt(first);
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    log.append(line).append('\n');
                }
            } catch (IOException e) {
                log.append("[closed]\n");
            }
        }, "haproxy-log");
        reader.setDaemon(true);
        reader.start();
    }

    String log() {
        return log.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
    }
}
