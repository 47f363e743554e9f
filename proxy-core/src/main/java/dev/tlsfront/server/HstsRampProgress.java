package dev.tlsfront.server;

import dev.tlsfront.config.PolicyConfig;
import dev.tlsfront.http.HstsRamp;
import dev.tlsfront.http.HstsRamp.Progress;
import dev.tlsfront.http.HstsRampHandler;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each host stands on the HSTS ramp, kept in {@code progress.properties} in the ramp's folder
 * so that a restart does not start it again; and the header value each host gets now. Advanced by
 * {@link #advance}, once a minute; read by the event loops from an immutable map.
 */
public final class HstsRampProgress implements HstsRampHandler.Values {

    private static final Logger log = LoggerFactory.getLogger(HstsRampProgress.class);
    static final String FILE = "progress.properties";

    private final Path folder;
    private final PolicyConfig.Hsts hsts;
    private final String canonicalHost;
    private final Map<String, Progress> progress;
    private volatile Map<String, AsciiString> values;

    private HstsRampProgress(Path folder, PolicyConfig.Hsts hsts, String canonicalHost, Map<String, Progress> progress) {
        this.folder = folder;
        this.hsts = hsts;
        this.canonicalHost = canonicalHost;
        this.progress = progress;
        this.values = values();
    }

    /** Reads the kept progress; a host not in it starts at the first step now. */
    public static HstsRampProgress open(PolicyConfig.Hsts hsts, List<String> hosts, Instant now) throws IOException {
        Path folder = hsts.ramp().orElseThrow();
        Map<String, Progress> kept = read(folder);
        Map<String, Progress> progress = new LinkedHashMap<>();
        for (String host : hosts) {
            progress.put(host, kept.getOrDefault(host, new Progress(0, now)));
        }
        HstsRampProgress ramp = new HstsRampProgress(folder, hsts, hosts.get(0), progress);
        ramp.write();
        return ramp;
    }

    /** The progress kept in {@code folder}, by host (empty when there is none yet). */
    public static Map<String, Progress> read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        Map<String, Progress> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        for (String host : properties.stringPropertyNames()) {
            String[] value = properties.getProperty(host).trim().split("\\s+");
            try {
                out.put(host, new Progress(Integer.parseInt(value[0]), Instant.parse(value[1])));
            } catch (RuntimeException e) {
                throw new IOException(file + ": " + host + ": '" + properties.getProperty(host)
                        + "' (expected: a step number and a time, as tlsfront writes them)", e);
            }
        }
        return out;
    }

    /** One look: each host whose certificate is valid climbs when its step has lasted long enough. */
    public synchronized void advance(Instant now, Predicate<String> certificateValid) {
        boolean changed = false;
        for (Map.Entry<String, Progress> entry : progress.entrySet()) {
            Progress next = HstsRamp.advance(entry.getValue(), hsts.maxAge(), now, certificateValid.test(entry.getKey()));
            if (!next.equals(entry.getValue())) {
                log.info("{}: HSTS max-age now {} s (ramp step {} of {})", entry.getKey(),
                        HstsRamp.maxAge(next, hsts.maxAge()).toSeconds(), next.step() + 1,
                        HstsRamp.ladder(hsts.maxAge()).size());
                entry.setValue(next);
                changed = true;
            }
        }
        if (changed) {
            values = values();
            try {
                write();
            } catch (IOException e) {
                log.warn("cannot keep the HSTS ramp's progress in {}: {}", folder, e.getMessage());
            }
        }
    }

    @Override
    public AsciiString forHost(String host) {
        AsciiString value = values.get(host);
        return value != null ? value : values.get(canonicalHost);
    }

    @Override
    public synchronized Map<String, Duration> maxAges() {
        Map<String, Duration> out = new LinkedHashMap<>();
        progress.forEach((host, p) -> out.put(host, HstsRamp.maxAge(p, hsts.maxAge())));
        return out;
    }

    private Map<String, AsciiString> values() {
        Map<String, AsciiString> out = new LinkedHashMap<>();
        progress.forEach((host, p) -> out.put(host, AsciiString.cached(hsts.headerValue(HstsRamp.maxAge(p, hsts.maxAge())))));
        return Map.copyOf(out);
    }

    private void write() throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Properties properties = new Properties();
        progress.forEach((host, p) -> properties.setProperty(host, p.step() + " " + p.since()));
        StringWriter text = new StringWriter();
        properties.store(text, "tlsfront HSTS ramp: host = step since");
        Path temporary = folder.resolve("." + FILE + ".tmp");
        Files.writeString(temporary, text.toString(), StandardCharsets.UTF_8);
        try {
            Files.move(temporary, folder.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
