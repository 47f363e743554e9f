package dev.tlsfront.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The ports a process has bound, read from /proc: its socket inodes from {@code /proc/PID/fd}, matched
 * against {@code /proc/net/tcp} (listening) or {@code /proc/net/udp}. For helpers started on port 0
 * that do not print the port they got.
 */
final class ListeningPorts {

    private ListeningPorts() {}

    static List<Integer> tcp(long pid) throws IOException {
        return ports(pid, "tcp", "0A");  // 0A: TCP_LISTEN
    }

    static List<Integer> udp(long pid) throws IOException {
        return ports(pid, "udp", null);
    }

    private static List<Integer> ports(long pid, String table, String state) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<Integer> ports = new ArrayList<>();
        List<String> lines = Files.readAllLines(Path.of("/proc/net", table));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (inodes.contains(f[9]) && (state == null || f[3].equals(state))) {
                ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
            }
        }
        return ports;
    }
}
