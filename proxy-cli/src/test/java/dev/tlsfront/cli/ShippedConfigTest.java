package dev.tlsfront.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every config shipped in conf/ loads: the template and each worked example. */
class ShippedConfigTest {

    private static final Pattern ABSOLUTE = Pattern.compile("(/(?:etc|var)/[\\w./-]+)");

    @TempDir
    Path root;

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("..", "conf"))) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).hasSizeGreaterThanOrEqualTo(5);
            return yaml.stream();
        }
    }

    /**
     * The files name places on a production machine (/etc/letsencrypt/..., /var/www/...); they are
     * moved under a temporary directory, with a placeholder file or directory at each, because the
     * loader checks that certificates exist and that a webroot is a directory.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shipped")
    void loads(Path file) throws Exception {
        String text = Files.readString(file);
        Matcher m = ABSOLUTE.matcher(text);
        StringBuilder moved = new StringBuilder();
        while (m.find()) {
            Path placed = root.resolve(m.group(1).substring(1));
            Files.createDirectories(placed.getParent());
            if (m.group(1).endsWith(".pem")) {
                Files.writeString(placed, "placeholder");
            } else {
                Files.createDirectories(placed);
            }
            m.appendReplacement(moved, Matcher.quoteReplacement(placed.toString()));
        }
        m.appendTail(moved);

        ProxyConfig config = new ConfigLoader(Map.of("LEGACY_KEY_PASS", "x"))
                .parse(moved.toString(), file.getFileName().toString(), root);

        assertThat(config.hosts()).isNotEmpty();
        assertThat(config.https().certificates()).isNotEmpty();
    }
}
