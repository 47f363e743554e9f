package dev.tlsfront.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tlsfront.config.ListenAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every config shipped in conf/ and docker/ loads: the template, each worked example, the image's own. */
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
            } else if (m.group(1).endsWith(".key")) {
                Files.write(placed, new byte[48]);  // a session ticket key file
            } else {
                Files.createDirectories(placed);
            }
            m.appendReplacement(moved, Matcher.quoteReplacement(placed.toString()));
        }
        m.appendTail(moved);

        ProxyConfig config = new ConfigLoader(Map.of("LEGACY_KEY_PASS", "x"))
                .parse(moved.toString(), file.getFileName().toString(), root);

        assertThat(config.hosts()).isNotEmpty();
        assertThat(!config.https().certificates().isEmpty() || config.https().acme().isPresent()).isTrue();
    }

    /** The image's ACME config: storage on the image's volume, the email and directory from the environment. */
    @Test
    void dockerAcmeConfigKeepsItsStorageOnTheVolume() throws Exception {
        Path docker = Path.of("..", "docker");
        var env = Map.of("TLSFRONT_HOST", "example.test", "TLSFRONT_ACME_EMAIL", "ops@example.test",
                "TLSFRONT_ACME_DIRECTORY", "https://acme-staging-v02.api.letsencrypt.org/directory");
        String text = Files.readString(docker.resolve("tlsfront-acme.yaml"))
                .replace("/var/lib/tlsfront/acme", root.resolve("var/lib/tlsfront/acme").toString());
        ProxyConfig config = new ConfigLoader(env).parse(text, "tlsfront-acme.yaml", root);
        var acme = config.https().acme().orElseThrow();

        assertThat(config.hosts()).containsExactly("example.test");
        assertThat(acme.email()).isEqualTo("ops@example.test");
        assertThat(acme.directory()).hasToString("https://acme-staging-v02.api.letsencrypt.org/directory");
        assertThat(Files.readString(docker.resolve("tlsfront-acme.yaml"))).contains("storage: /var/lib/tlsfront/acme");
        assertThat(Files.readString(docker.resolve("Dockerfile"))).contains("chown tlsfront:tlsfront /var/lib/tlsfront");
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(docker.resolve("compose.yaml").toFile());
        List<String> mounts = new ArrayList<>();
        compose.path("services").path("tlsfront-acme").path("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).containsExactly("./tlsfront-acme.yaml:/etc/tlsfront/tlsfront.yaml:ro",
                "tlsfront-acme:/var/lib/tlsfront");
    }

    /** The image's config: what the Dockerfile's HEALTHCHECK, EXPOSE and STOPSIGNAL rely on. */
    @Test
    void dockerImageConfigMatchesTheDockerfile() throws Exception {
        Path docker = Path.of("..", "docker");
        ProxyConfig config = new ConfigLoader(Map.of("TLSFRONT_HOST", "example.test",
                "TLSFRONT_BACKEND", "http://app:8000", "TLSFRONT_HTTPS_PORT", "8443"))
                .load(docker.resolve("tlsfront.yaml"));
        String dockerfile = Files.readString(docker.resolve("Dockerfile"));

        assertThat(config.hosts()).containsExactly("example.test");
        assertThat(config.https().listen()).isEqualTo(new ListenAddress("0.0.0.0", 443));
        assertThat(config.http().listen()).isEqualTo(new ListenAddress("0.0.0.0", 80));
        assertThat(dockerfile).contains("EXPOSE 80 443");
        assertThat(config.http().redirect().httpsPort()).isEqualTo(8443);
        assertThat(config.https().selfSignedDir()).contains(Path.of("/var/lib/tlsfront"));
        assertThat(dockerfile).contains("chown tlsfront:tlsfront /var/lib/tlsfront");
        assertThat(config.admin().listen()).isPresent();
        assertThat(dockerfile).contains("\"health\", \"-c\", \"/etc/tlsfront/tlsfront.yaml\"")
                .contains("COPY docker/tlsfront.yaml /etc/tlsfront/tlsfront.yaml");
        assertThat(config.server().drainTimeout()).isLessThan(Duration.ofSeconds(10));  // docker stop's default grace
    }

    /** Every file compose.yaml mounts or builds from is in the repository. */
    @Test
    void composeFileNamesFilesThatExist() throws Exception {
        Path docker = Path.of("..", "docker");
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(docker.resolve("compose.yaml").toFile());
        JsonNode tlsfront = compose.path("services").path("tlsfront");
        assertThat(docker.resolve(tlsfront.path("build").path("context").asText())
                .resolve(tlsfront.path("build").path("dockerfile").asText())).isRegularFile();
        List<String> mounts = new ArrayList<>();
        tlsfront.path("volumes").forEach(volume -> mounts.add(volume.asText()));
        assertThat(mounts).contains("./tlsfront.yaml:/etc/tlsfront/tlsfront.yaml:ro");
        for (String mount : mounts) {
            if (mount.startsWith("./")) {
                assertThat(docker.resolve(mount.substring(0, mount.indexOf(':')))).exists();
            }
        }
        JsonNode app = compose.path("services").path("app");
        assertThat(app.path("ports").isMissingNode()).as("the app is reachable only through tlsfront").isTrue();
        assertThat(docker.resolve("demo-app/app.py")).isRegularFile();
        assertThat(app.path("command").toString()).contains("/app/app.py");
    }
}
