package dev.tlsfront.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real client program (curl, openssl) run to completion, with its output. */
record Command(int exitCode, String output) {

    static Command run(String... args) {
        return run(List.of(args));
    }

    static Command run(List<String> args) {
        return run(args, null);
    }

    /** Runs with {@code input} written to standard input line by line, a little apart (null: no input). */
    static Command run(List<String> args, List<String> input) {
        try {
            ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true);
            if (input == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process process = builder.start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    for (String line : input) {
                        Thread.sleep(300);  // interactive programs (s_client) act on what they read once connected
                        stdin.write(line.getBytes(StandardCharsets.UTF_8));
                        stdin.flush();
                    }
                    Thread.sleep(300);
                } catch (IOException e) {
                    // the program exited early; its output says why
                }
            }
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(args + " did not finish in 60 s");
            }
            return new Command(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + args.get(0) + " (is it installed? .ci/run installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
