package dev.tlsfront.config;

import java.util.List;

/**
 * The config could not be loaded. Each problem is one line of the form
 * {@code FILE:LINE:COLUMN: key.path: problem (expected: ...)}.
 */
public final class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Every problem found, in file order. */
    public List<String> problems() {
        return problems;
    }
}
