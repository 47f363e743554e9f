package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The man pages and the shell completion that the build ships beside tlsfront.jar. */
class BuildOutputTest {

    private static final Path TARGET = TlsfrontProcess.jar().getParent();

    @Test
    void aManPageForTheCommandAndEachSubcommand() throws Exception {
        for (String page : List.of("tlsfront", "tlsfront-run", "tlsfront-check", "tlsfront-health",
                "tlsfront-cert", "tlsfront-cert-self-signed")) {
            Path file = TARGET.resolve("man").resolve(page + ".1");
            assertThat(file).isRegularFile();
            assertThat(Files.readString(file)).contains(".TH \"" + page.toUpperCase().replace("-", "\\-") + "\" \"1\"");
        }
        Command man = Command.run("sh", "-c", "MANWIDTH=100 man -l " + TARGET.resolve("man/tlsfront-run.1")
                + " 2>/dev/null || cat " + TARGET.resolve("man/tlsfront-run.1"));
        assertThat(man.output()).contains("--config");
    }

    @Test
    void bashCompletionCompletesSubcommandsAndOptions() {
        Path script = TARGET.resolve("tlsfront_completion");
        Command complete = Command.run("bash", "-c", "source '" + script + "'"
                + " && COMP_WORDS=(tlsfront ch) COMP_CWORD=1 && _complete_tlsfront && echo \"${COMPREPLY[*]}\""
                + " && COMP_WORDS=(tlsfront run --con) COMP_CWORD=2 && _complete_tlsfront && echo \"${COMPREPLY[*]}\"");
        assertThat(complete.exitCode()).as(complete.output()).isZero();
        assertThat(complete.output()).contains("check\n").contains("--config");
    }
}
