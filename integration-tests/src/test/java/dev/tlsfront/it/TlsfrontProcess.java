package dev.tlsfront.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/** The real {@code tlsfront} command, as built by the reactor, run as its own process. */
final class TlsfrontProcess implements AutoCloseable {

    private static final java.util.regex.Pattern STARTED =
            java.util.regex.Pattern.compile("serving https://[^ ]+:(\\d+) .* http://[^ ]+:(\\d+) redirects");

    final Process process;
    private final StringBuffer output = new StringBuffer();
    int httpsPort;
    int httpPort;

    private TlsfrontProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                output.append("[output closed: ").append(e).append("]\n");
            }
        }, "tlsfront-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("tlsfront.root", ".."), "proxy-cli", "target", "tlsfront.jar");
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " is missing: run the tests through mvn verify from the top directory");
        }
        return jar;
    }

    /** Starts {@code tlsfront ARGS} with extra environment variables and waits until it listens. */
    static TlsfrontProcess start(Map<String, String> env, String... args) throws Exception {
        return start(new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString())), env, args);
    }

    /** Starts {@code tlsfront ARGS} from a shell that ignores SIGHUP, as {@code nohup} or some supervisors do. */
    static TlsfrontProcess startIgnoringHangup(Map<String, String> env, String... args) throws Exception {
        return start(new java.util.ArrayList<>(List.of("bash", "-c", "trap '' HUP; exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString())), env, args);
    }

    /** Starts {@code ./tlsfront ARGS} from a shell that ignores SIGHUP: the launcher restores it. */
    static TlsfrontProcess startLauncherIgnoringHangup(Map<String, String> env, String... args) throws Exception {
        Path launcher = jar().getParent().getParent().getParent().resolve("tlsfront");
        return start(new java.util.ArrayList<>(List.of("bash", "-c", "trap '' HUP; exec \"$0\" \"$@\"",
                launcher.toString())), env, args);
    }

    /** Starts {@code ./tlsfront ARGS}, the launcher in the repository's top directory (which execs java). */
    static TlsfrontProcess startLauncher(Map<String, String> env, String... args) throws Exception {
        Path launcher = jar().getParent().getParent().getParent().resolve("tlsfront");
        return start(new java.util.ArrayList<>(List.of(launcher.toString())), env, args);
    }

    private static TlsfrontProcess start(List<String> command, Map<String, String> env, String... args) throws Exception {
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        TlsfrontProcess started = new TlsfrontProcess(builder.start());
        started.awaitListening(Duration.ofSeconds(30));
        return started;
    }

    private void awaitListening(Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            Matcher m = STARTED.matcher(output);
            if (m.find()) {
                httpsPort = Integer.parseInt(m.group(1));
                httpPort = Integer.parseInt(m.group(2));
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("tlsfront exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(20);
        }
        // What the process was doing: its threads (a thread dump goes to its standard output, not
        // through the log), its listening sockets, and its standard output's flags (fdinfo).
        String sockets = Command.run("sh", "-c", "ss -ltnp | grep 'pid=" + process.pid() + ",' || true").output();
        String stdoutFlags = Command.run("sh", "-c", "cat /proc/" + process.pid() + "/fdinfo/1 || true").output();
        Command.run("kill", "-QUIT", Long.toString(process.pid()));
        Thread.sleep(1000);
        process.destroyForcibly();
        throw new AssertionError("tlsfront did not start listening in " + deadline + ":\n" + output
                + "\nlistening sockets:\n" + sockets + "\nstandard output fdinfo:\n" + stdoutFlags);
    }

    String output() {
        return output.toString();
    }

    /** Sends SIGTERM and waits for the exit code. */
    int terminate(Duration deadline) throws InterruptedException {
        // Not Process.destroy(): it also closes the streams, losing the last log lines.
        Command.run("kill", "-TERM", Long.toString(process.pid()));
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tlsfront did not exit within " + deadline + " of SIGTERM:\n" + output);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
