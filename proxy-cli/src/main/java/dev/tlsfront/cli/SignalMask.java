package dev.tlsfront.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether SIGHUP was ignored when this process started: {@code SigIgn} in /proc/self/status, read
 * before the JVM installs its own handler. A signal ignored at exec stays ignored for a JVM (its
 * {@code Signal.handle} sees the inherited disposition and keeps it), so {@code nohup ./tlsfront run &}
 * would silently never reload.
 */
final class SignalMask {

    private static final int SIGHUP = 1;
    private static final boolean IGNORED_AT_START = readIgnored();

    private SignalMask() {}

    static boolean hangupIgnoredAtStart() {
        return IGNORED_AT_START;
    }

    private static boolean readIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return new BigInteger(line.substring(7).strip(), 16).testBit(SIGHUP - 1);
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;  // not Linux: nothing to tell
        }
        return false;
    }
}
