package dev.tlsfront.config;

import dev.tlsfront.config.ConfigNode.Entry;
import dev.tlsfront.config.ConfigNode.Mapping;
import dev.tlsfront.config.ConfigNode.Position;
import dev.tlsfront.config.ConfigNode.Scalar;
import dev.tlsfront.config.ConfigNode.Sequence;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One mapping of the config being bound to records. Each accessor names the key it reads, returns
 * the default when the key is absent or wrong, and records a problem with the key's position when
 * it is wrong; {@link #rejectUnknown()} then reports every key nobody asked for.
 */
final class Section {

    private final Mapping node;
    private final String path;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    Section(Mapping node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }


    boolean has(String key) {
        known.add(key);
        Entry entry = node.entries().get(key);
        return entry != null && !(entry.value() instanceof Scalar s && s.isNull());
    }

    /** Whether {@code key} holds a scalar (rather than a mapping or a list). */
    boolean isScalar(String key) {
        known.add(key);
        Entry entry = node.entries().get(key);
        return entry != null && entry.value() instanceof Scalar s && !s.isNull();
    }

    /** The nested mapping under {@code key}; an empty one when absent. */
    Section section(String key) {
        known.add(key);
        Entry entry = node.entries().get(key);
        if (entry == null || entry.value() instanceof Scalar s && s.isNull()) {
            return new Section(new Mapping(Map.of(), node.position()), path(key), problems);
        }
        if (entry.value() instanceof Mapping m) {
            return new Section(m, path(key), problems);
        }
        wrong(entry, "a mapping of settings");
        return new Section(new Mapping(Map.of(), entry.value().position()), path(key), problems);
    }

    /** Each mapping in the list under {@code key}; empty when absent. */
    List<Section> sections(String key, String expected) {
        known.add(key);
        Entry entry = node.entries().get(key);
        if (entry == null || entry.value() instanceof Scalar s && s.isNull()) {
            return List.of();
        }
        if (!(entry.value() instanceof Sequence seq)) {
            wrong(entry, expected);
            return List.of();
        }
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            ConfigNode item = seq.items().get(i);
            String itemPath = path(key) + "[" + i + "]";
            if (item instanceof Mapping m) {
                out.add(new Section(m, itemPath, problems));
            } else {
                problems.add(item.position() + ": " + itemPath + ": " + describe(item) + " (expected: " + expected + ")");
            }
        }
        return out;
    }

    /**
     * Each item of the list under {@code key} as a mapping, where a scalar item stands for a mapping
     * of {@code scalarKey} to it ({@code - http://a:8000} is {@code - { url: http://a:8000 }}); a
     * single scalar counts as a list of one. Empty when absent.
     */
    List<Section> sectionsOrScalars(String key, String expected, String scalarKey) {
        known.add(key);
        Entry entry = node.entries().get(key);
        if (entry == null || entry.value() instanceof Scalar s && s.isNull()) {
            return List.of();
        }
        List<ConfigNode> items = entry.value() instanceof Sequence seq ? seq.items()
                : entry.value() instanceof Scalar ? List.of(entry.value()) : null;
        if (items == null) {
            wrong(entry, expected);
            return List.of();
        }
        List<Section> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode item = items.get(i);
            String itemPath = path(key) + "[" + i + "]";
            if (item instanceof Mapping m) {
                out.add(new Section(m, itemPath, problems));
            } else if (item instanceof Scalar s && !s.isNull()) {
                out.add(new Section(new Mapping(Map.of(scalarKey, new Entry(scalarKey, s.position(), s)), s.position()),
                        itemPath, problems));
            } else {
                problems.add(item.position() + ": " + itemPath + ": " + describe(item) + " (expected: " + expected + ")");
            }
        }
        return out;
    }

    /** A scalar as text, or {@code dflt} when absent. */
    String string(String key, String dflt) {
        return scalar(key, "text").map(Scalar::text).orElse(dflt);
    }

    boolean bool(String key, boolean dflt) {
        return value(key, dflt, "true or false", text -> switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> null;
        });
    }

    int integer(String key, int dflt, int min, int max) {
        return value(key, dflt, "a whole number from " + min + " to " + max, text -> {
            try {
                int v = Integer.parseInt(text);
                return v >= min && v <= max ? v : null;
            } catch (NumberFormatException e) {
                return null;
            }
        });
    }


    /** A duration; {@code 0} (no unit needed) means no limit, for every timeout alike. */
    Duration duration(String key, Duration dflt) {
        Optional<Scalar> scalar = scalar(key, DurationSyntax.EXPECTED);
        if (scalar.isEmpty()) {
            return dflt;
        }
        Duration parsed = DurationSyntax.parse(scalar.get().text());
        if (parsed == null) {
            problem(scalar.get().position(), key, "'" + scalar.get().text() + "' (expected: "
                    + DurationSyntax.expected(scalar.get().text()) + ")");
            return dflt;
        }
        return parsed;
    }

    long size(String key, long dflt) {
        Optional<Scalar> scalar = scalar(key, SizeSyntax.EXPECTED);
        if (scalar.isEmpty()) {
            return dflt;
        }
        Long parsed = SizeSyntax.parse(scalar.get().text());
        if (parsed == null) {
            problem(scalar.get().position(), key, "'" + scalar.get().text() + "' (expected: "
                    + SizeSyntax.expected(scalar.get().text()) + ")");
            return dflt;
        }
        return parsed;
    }

    /** One of a fixed set of words; {@code options} iterates in the order to list them. */
    <E> E choice(String key, Map<String, E> options, E dflt) {
        String expected = options.size() == 2
                ? String.join(" or ", options.keySet())
                : "one of " + String.join(", ", options.keySet());
        return value(key, dflt, expected, options::get);
    }

    /**
     * A value that {@code parse} turns into {@code T}, or null when the text is invalid; a problem
     * {@code 'text' (expected: ...)} is then recorded and {@code dflt} returned.
     */
    <T> T value(String key, T dflt, String expected, Function<String, T> parse) {
        Optional<Scalar> scalar = scalar(key, expected);
        if (scalar.isEmpty()) {
            return dflt;
        }
        T parsed = parse.apply(scalar.get().text());
        if (parsed == null) {
            problem(scalar.get().position(), key, "'" + scalar.get().text() + "' (expected: " + expected + ")");
            return dflt;
        }
        return parsed;
    }

    /** A list of scalars; a single scalar counts as a list of one. */
    List<String> strings(String key, List<String> dflt, String expected) {
        return has(key) ? scalars(key, expected).stream().map(Scalar::text).toList() : dflt;
    }

    /** A list of scalars with their positions (empty when absent); a single scalar counts as a list of one. */
    List<Scalar> scalars(String key, String expected) {
        known.add(key);
        Entry entry = node.entries().get(key);
        if (entry == null || entry.value() instanceof Scalar s && s.isNull()) {
            return List.of();
        }
        if (entry.value() instanceof Scalar s) {
            return List.of(s);
        }
        if (!(entry.value() instanceof Sequence seq)) {
            wrong(entry, expected);
            return List.of();
        }
        List<Scalar> out = new ArrayList<>();
        for (ConfigNode item : seq.items()) {
            if (item instanceof Scalar s && !s.isNull()) {
                out.add(s);
            } else {
                problem(item.position(), key, describe(item) + " in list (expected: " + expected + ")");
            }
        }
        return out;
    }

    /** Every key of this mapping, all marked as asked for (for mappings whose keys are data, not settings). */
    List<String> keys() {
        known.addAll(node.entries().keySet());
        return List.copyOf(node.entries().keySet());
    }

    /** Where this mapping was written and its key path: {@code FILE:LINE:COLUMN: https.certificates[0]}. */
    String where() {
        return node.position() + ": " + path;
    }

    /** Where {@code key}'s value was written, or this section's position when it is absent. */
    Position positionOf(String key) {
        Entry entry = node.entries().get(key);
        return entry == null ? node.position() : entry.value().position();
    }

    /** Where {@code key} itself was written, or this section's position when it is absent. */
    Position keyPositionOf(String key) {
        Entry entry = node.entries().get(key);
        return entry == null ? node.position() : entry.keyPosition();
    }

    /**
     * Records a problem, unless one is already recorded at the same place: one mistake gives one
     * error (an unset {@code ${VAR}} is not also an invalid host; {@code https: yes} is not also a
     * missing {@code https.certificates}).
     */
    void problem(Position at, String key, String message) {
        String prefix = at + ": ";
        String keyPath = path(key);
        boolean alreadySaid = problems.stream().filter(p -> p.startsWith(prefix))
                .map(p -> p.substring(prefix.length(), Math.max(prefix.length(), p.indexOf(": ", prefix.length()))))
                .anyMatch(other -> related(other, keyPath));
        if (!alreadySaid) {
            problems.add(prefix + keyPath + ": " + message);
        }
    }

    /** One key path is the other, or holds it: a problem at one place about it is the same mistake. */
    private static boolean related(String a, String b) {
        return a.equals(b) || b.startsWith(a + ".") || b.startsWith(a + "[") || a.startsWith(b + ".")
                || a.startsWith(b + "[");
    }

    void problem(String key, String message) {
        problem(positionOf(key), key, message);
    }

    /** Reports every key of this mapping that no accessor asked for. */
    void rejectUnknown() {
        for (Entry entry : node.entries().values()) {
            if (!known.contains(entry.key())) {
                problems.add(entry.keyPosition() + ": " + path(entry.key()) + ": unknown key (expected: "
                        + (known.isEmpty() ? "no keys here" : "one of " + String.join(", ", known)) + ")");
            }
        }
    }

    private Optional<Scalar> scalar(String key, String expected) {
        known.add(key);
        Entry entry = node.entries().get(key);
        if (entry == null || entry.value() instanceof Scalar s && s.isNull()) {
            return Optional.empty();
        }
        if (entry.value() instanceof Scalar s) {
            return Optional.of(s);
        }
        wrong(entry, expected);
        return Optional.empty();
    }

    private void wrong(Entry entry, String expected) {
        problem(entry.value().position(), entry.key(), describe(entry.value()) + " (expected: " + expected + ")");
    }

    private static String describe(ConfigNode node) {
        return node instanceof Scalar s && !s.isNull() ? "'" + s.text() + "'" : node.kind();
    }
}
