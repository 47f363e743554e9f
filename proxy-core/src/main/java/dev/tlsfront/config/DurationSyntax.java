package dev.tlsfront.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 365d}. */
public final class DurationSyntax {

    static final String EXPECTED = "a duration such as 500ms, 10s, 5m, 1h or 365d";

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)|(0)");

    private DurationSyntax() {}

    /** What was wrong with {@code text} and how durations are written, for its message. */
    static String expected(String text) {
        String t = text.strip();
        if (t.matches("\\d+[.,]\\d+\\s*(ms|s|m|h|d)")) {
            return EXPECTED + "; whole numbers only, e.g. 1500ms for 1.5s";
        }
        if (t.matches("\\d+\\s*[a-zA-Z]+")) {
            return EXPECTED + "; units ms, s, m, h, d";
        }
        return EXPECTED;
    }

    /** The duration as a person would write it: the largest unit that says it exactly ({@code 5s}, {@code 1500ms}). */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** The duration, or null when {@code text} is not one. */
    static Duration parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        if (m.group(3) != null) {
            return Duration.ZERO;  // 0 needs no unit: no limit
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
