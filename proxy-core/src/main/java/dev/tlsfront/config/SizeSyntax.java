package dev.tlsfront.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes in bytes as people write them: {@code 512}, {@code 16KiB}, {@code 1MiB}, {@code 2GiB}. */
final class SizeSyntax {

    static final String EXPECTED = "a size such as 8192, 16KiB, 1MiB or 1GiB";

    private static final Pattern FORM = Pattern.compile("(\\d{1,15})(B|KiB|MiB|GiB)?");

    private SizeSyntax() {}

    /** What was wrong with {@code text} and how sizes are written, for its message. */
    static String expected(String text) {
        String t = text.strip();
        if (t.matches("\\d+([.,]\\d+)?\\s*(KB|MB|GB|kB|K|M|G|k|m|g|kb|mb|gb)")) {
            return EXPECTED + "; units are binary, KiB, MiB, GiB (10MB is written 10MiB)";
        }
        if (t.matches("\\d+[.,]\\d+.*")) {
            return EXPECTED + "; whole numbers only";
        }
        return EXPECTED;
    }

    /** The number of bytes, or null when {@code text} is not a size. */
    static Long parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            default -> 0;
        };
        return n > (Long.MAX_VALUE >> shift) ? null : n << shift;
    }
}
