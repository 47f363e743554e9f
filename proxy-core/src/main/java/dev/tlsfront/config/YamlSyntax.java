package dev.tlsfront.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML syntax error in plain words, at the place the mistake is (SnakeYAML reports some at the
 * token where it gave up, a line or more later): a tab, an unclosed {@code [} or {@code {}, an
 * unquoted {@code ${VAR}} inside a flow list or mapping, a second {@code :} in a value, an unclosed quote.
 */
final class YamlSyntax {

    private YamlSyntax() {}

    /** {@code FILE:LINE:COLUMN: problem (expected: ...)} for the error, or null when it carries no position. */
    static String describe(String source, String text, MarkedYAMLException error) {
        Mark problem = error.getProblemMark();
        Mark context = error.getContextMark();
        String what = error.getProblem() == null ? "" : error.getProblem();
        String while_ = error.getContext() == null ? "" : error.getContext();
        if (problem == null) {
            return null;
        }
        if (what.contains("(TAB)")) {
            return at(source, problem) + "a tab character (expected: spaces; YAML does not allow tabs for indentation)";
        }
        boolean flowSequence = while_.contains("flow sequence");
        boolean flowMapping = while_.contains("flow mapping");
        if (flowSequence || flowMapping) {
            String line = lineOf(text, problem.getLine());
            if (what.endsWith("got {") || line.contains("${")) {
                return at(source, problem) + "an unquoted ${...} inside " + (flowSequence ? "[ ]" : "{ }")
                        + " (expected: quotes around it, e.g. [\"${HOST}\"])";
            }
            String open = flowSequence ? "[" : "{";
            String close = flowSequence ? "]" : "}";
            return at(source, context != null ? context : problem) + "'" + open + "' is not closed (expected: ','"
                    + " between items and '" + close + "' at the end, before line " + (problem.getLine() + 1) + ")";
        }
        if (what.startsWith("mapping values are not allowed")) {
            return at(source, problem) + "a ':' inside a value (expected: quotes around a value that holds ': ', or a"
                    + " new line for a nested mapping)";
        }
        if (what.startsWith("expected <block end>") && while_.contains("block mapping")) {
            // A key indented less or more than the keys beside it: it belongs to no mapping.
            return at(source, problem) + "this line is indented differently from the keys above it (expected: the"
                    + " keys of one mapping at the same column, a nested mapping further right)";
        }
        if (while_.contains("quoted scalar")) {
            return at(source, context != null ? context : problem) + "a quote that is never closed (expected: a"
                    + " matching closing quote)";
        }
        return at(source, problem) + what.lines().findFirst().orElse("invalid YAML")
                + (while_.isEmpty() ? "" : " " + while_) + " (expected: valid YAML)";
    }

    private static String at(String source, Mark mark) {
        return source + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
    }

    private static String lineOf(String text, int index) {
        String[] lines = text.split("\n", -1);
        return index < lines.length ? lines[index] : "";
    }
}
