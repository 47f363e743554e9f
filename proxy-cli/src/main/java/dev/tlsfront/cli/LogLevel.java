package dev.tlsfront.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets logback's root level from the config. */
final class LogLevel {
    private LogLevel() {}

    static void apply(String level) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.toLevel(level, Level.INFO));
    }
}
