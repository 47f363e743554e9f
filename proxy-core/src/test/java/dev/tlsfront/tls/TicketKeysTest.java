package dev.tlsfront.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tlsfront.config.HttpsListenerConfig.SessionTickets;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TicketKeysTest {

    @TempDir
    Path dir;

    @Test
    void rotationPutsANewEncryptingKeyFirstAndKeepsTheTwoBeforeItForDecryption() {
        TicketKeys keys = new TicketKeys();
        OpenSslSessionTicketKey first = keys.own().get(0);
        keys.rotate();
        OpenSslSessionTicketKey second = keys.own().get(0);
        keys.rotate();
        keys.rotate();

        assertThat(keys.own()).hasSize(3);
        assertThat(keys.own().get(0)).isNotIn(first, second);
        assertThat(keys.own()).contains(second).doesNotContain(first);
    }

    @Test
    void keyFilesAreReadInNginxsLayoutFirstFileFirst() throws Exception {
        byte[] a = new byte[48];
        byte[] b = new byte[48];
        for (int i = 0; i < 48; i++) {
            a[i] = (byte) i;
            b[i] = (byte) (100 + i);
        }
        Path first = Files.write(dir.resolve("a.key"), a);
        Path second = Files.write(dir.resolve("b.key"), b);

        List<OpenSslSessionTicketKey> keys = new TicketKeys().keysFor(new SessionTickets(true, List.of(first, second)));

        assertThat(keys).hasSize(2);
        assertThat(keys.get(0).name()).isEqualTo(java.util.Arrays.copyOfRange(a, 0, 16));
        assertThat(keys.get(0).hmacKey()).isEqualTo(java.util.Arrays.copyOfRange(a, 16, 32));
        assertThat(keys.get(0).aesKey()).isEqualTo(java.util.Arrays.copyOfRange(a, 32, 48));
        assertThat(keys.get(1).name()).isEqualTo(java.util.Arrays.copyOfRange(b, 0, 16));
        assertThat(new TicketKeys().keysFor(SessionTickets.OFF)).isEmpty();
    }
}
