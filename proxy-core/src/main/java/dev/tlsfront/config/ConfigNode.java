package dev.tlsfront.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A YAML value together with where it was written, so that errors can point at it. */
sealed interface ConfigNode {

    Position position();

    /** What the node is, for "expected" messages about wrong types. */
    String kind();

    /** One line and column in one source, both 1-based. */
    record Position(String source, int line, int column) {
        @Override
        public String toString() {
            return source + ":" + line + ":" + column;
        }
    }

    /** A scalar after {@code ${VAR}} substitution; {@code text} is null for YAML null ({@code ~} or nothing). */
    record Scalar(String text, Position position) implements ConfigNode {
        @Override
        public String kind() {
            return text == null ? "null" : "a scalar";
        }

        boolean isNull() {
            return text == null;
        }
    }

    /** A YAML list. */
    record Sequence(List<ConfigNode> items, Position position) implements ConfigNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A YAML mapping; keys keep their order and their own positions. */
    record Mapping(Map<String, Entry> entries, Position position) implements ConfigNode {
        public Mapping {
            entries = new LinkedHashMap<>(entries);
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** One key of a mapping, with the position of the key itself. */
    record Entry(String key, Position keyPosition, ConfigNode value) {}
}
