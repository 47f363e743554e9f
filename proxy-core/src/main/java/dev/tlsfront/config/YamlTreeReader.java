package dev.tlsfront.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tlsfront.config.ConfigNode.Entry;
import dev.tlsfront.config.ConfigNode.Mapping;
import dev.tlsfront.config.ConfigNode.Position;
import dev.tlsfront.config.ConfigNode.Scalar;
import dev.tlsfront.config.ConfigNode.Sequence;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML text into a {@link ConfigNode} tree that remembers where every value was written, and
 * substitutes {@code ${VAR}} and {@code ${VAR:-default}} in scalars ({@code $${} is a literal
 * {@code ${}).
 */
final class YamlTreeReader {

    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private final String source;
    private final Map<String, String> env;
    private final List<String> problems;

    YamlTreeReader(String source, Map<String, String> env, List<String> problems) {
        this.source = source;
        this.env = env;
        this.problems = problems;
    }

    /** The document's root; an empty document is an empty mapping. Syntax errors end the read. */
    ConfigNode read(String text) throws ConfigException {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Mapping(Map.of(), new Position(source, 1, 1));
            }
            return node(parser, "");
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked) {
                String described = YamlSyntax.describe(source, text, marked);
                if (described != null) {
                    throw new ConfigException(described);
                }
            }
            JsonLocation at = e.getLocation();
            String where = at == null ? source : position(at).toString();
            throw new ConfigException(where + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " (expected: valid YAML)");
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage());
        }
    }

    private ConfigNode node(JsonParser parser, String path) throws IOException {
        Position at = position(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Position keyAt = position(parser.currentTokenLocation());
                    parser.nextToken();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    ConfigNode value = node(parser, keyPath);
                    if (entries.containsKey(key)) {
                        problems.add(keyAt + ": " + keyPath + ": duplicate key (expected: each key once)");
                    } else {
                        entries.put(key, new Entry(key, keyAt, value));
                    }
                }
                return new Mapping(entries, at);
            }
            case START_ARRAY -> {
                List<ConfigNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, path + "[" + items.size() + "]"));
                }
                return new Sequence(items, at);
            }
            case VALUE_NULL -> {
                return new Scalar(null, at);
            }
            default -> {
                return new Scalar(substitute(parser.getText(), at, path), at);
            }
        }
    }

    private String substitute(String text, Position at, String path) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(at + ": " + path + ": '" + text + "': unclosed ${ (expected: ${NAME} or ${NAME:-default})");
                    return text;
                }
                String ref = text.substring(i + 2, end);
                int dflt = ref.indexOf(":-");
                String name = dflt < 0 ? ref : ref.substring(0, dflt);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.add(at + ": " + path + ": '${" + ref + "}': bad variable name (expected: letters, digits and _)");
                    return text;
                }
                String value = env.get(name);
                if (value == null || (dflt >= 0 && value.isEmpty())) {
                    value = dflt < 0 ? null : ref.substring(dflt + 2);
                }
                if (value == null) {
                    problems.add(at + ": " + path + ": ${" + name + "}: environment variable is not set"
                            + " (expected: set " + name + ", or write ${" + name + ":-default})");
                    value = "";
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private Position position(JsonLocation location) {
        return new Position(source, location.getLineNr(), location.getColumnNr());
    }
}
