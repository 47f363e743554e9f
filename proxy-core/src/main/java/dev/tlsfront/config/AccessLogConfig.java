package dev.tlsfront.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One line per request, on both listeners.
 *
 * @param format combined (Apache/nginx "combined" plus request time, backend time, TLS protocol and
 *     cipher), json (one object per line), or off
 * @param path the file to append to; empty for standard output (journald, {@code docker logs})
 */
public record AccessLogConfig(Format format, Optional<Path> path) {

    public enum Format { COMBINED, JSON, OFF }

    public static final AccessLogConfig DEFAULT = new AccessLogConfig(Format.COMBINED, Optional.empty());

    public AccessLogConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(path, "path");
    }

    public boolean enabled() {
        return format != Format.OFF;
    }
}
