package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/tlsfront.service as systemd itself reads it. */
class SystemdUnitTest {

    @TempDir
    Path dir;

    @Test
    void unitVerifiesWithoutAWarning() throws Exception {
        Path unit = dir.resolve("tlsfront.service");
        Files.copy(Path.of(System.getProperty("tlsfront.root", ".."), "conf", "tlsfront.service"), unit);

        // verify exits 0 on unknown keys and only warns: any output is a problem too.
        Command verify = Command.run("systemd-analyze", "verify", unit.toString());

        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output()).isEmpty();
    }

    @Test
    void unitRunsCheckBeforeStartingReloadsOnHupAndBindsLowPortsWithoutRoot() throws Exception {
        String unit = Files.readString(Path.of(System.getProperty("tlsfront.root", ".."), "conf", "tlsfront.service"));
        assertThat(unit).containsPattern("(?m)^ExecStartPre=.* check -c /etc/tlsfront/tlsfront.yaml$")
                .contains("ExecReload=/bin/kill -HUP $MAINPID")
                .contains("AmbientCapabilities=CAP_NET_BIND_SERVICE")
                .containsPattern("(?m)^User=tlsfront$")
                .contains("NoNewPrivileges=yes", "ProtectSystem=strict", "Restart=on-failure");
    }
}
