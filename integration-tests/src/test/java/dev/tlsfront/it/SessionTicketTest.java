package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session tickets across instances: with one shared key file (nginx's 48-byte format) a session
 * made with one tlsfront resumes on another, over TLS 1.2 and 1.3, as openssl s_client reports;
 * with keys of their own, two instances do not resume each other's sessions.
 */
class SessionTicketTest {

    @TempDir
    static Path dir;
    static TestBackend backend;
    static TestCertificate certificate;
    static RunningProxy one;
    static RunningProxy two;
    static RunningProxy alone;
    static RunningProxy off;

    @BeforeAll
    static void start() throws Exception {
        backend = new TestBackend();
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        byte[] key = new byte[48];
        new SecureRandom().nextBytes(key);
        Path keyFile = Files.write(dir.resolve("ticket.key"), key);
        String shared = RunningProxy.yaml(certificate, backend.url(), "").replace("https:\n",
                "https:\n  session_tickets: { key_files: [\"" + keyFile + "\"] }\n");
        one = RunningProxy.start(shared, dir);
        two = RunningProxy.start(shared, dir);
        alone = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
        off = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), "").replace("https:\n",
                "https:\n  session_tickets: off\n"), dir);
    }

    @AfterAll
    static void stop() {
        one.close();
        two.close();
        alone.close();
        off.close();
        backend.close();
    }

    /** One s_client session to {@code port}, an HTTP request on it so TLS 1.3 tickets arrive; its output. */
    private static String session(int port, String version, String option, Path sessionFile) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost", version, "-ign_eof", option, sessionFile.toString()));
        return Command.run(command, List.of("GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).output();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void aSessionMadeWithOneInstanceResumesOnAnotherSharingTheKeyFile(String version) throws Exception {
        Path saved = dir.resolve("session" + version + ".pem");

        String first = session(one.httpsPort(), version, "-sess_out", saved);
        assertThat(first).contains("New, TLSv1.").contains("HTTP/1.1 200");
        String resumed = session(two.httpsPort(), version, "-sess_in", saved);

        assertThat(resumed).as(resumed).contains("Reused, TLSv1.").contains("HTTP/1.1 200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void withoutASharedKeyFileAnotherInstanceDoesNotResume(String version) throws Exception {
        Path saved = dir.resolve("alone" + version + ".pem");

        session(one.httpsPort(), version, "-sess_out", saved);
        String other = session(alone.httpsPort(), version, "-sess_in", saved);

        assertThat(other).contains("New, TLSv1.").doesNotContain("Reused,");
        // ... while the instance that made it resumes it (tickets are on by default).
        Path own = dir.resolve("own" + version + ".pem");
        session(alone.httpsPort(), version, "-sess_out", own);
        assertThat(session(alone.httpsPort(), version, "-sess_in", own)).contains("Reused, TLSv1.");
    }

    @org.junit.jupiter.api.Test
    void sessionTicketsOffIssuesNoTicketWhileOnDoesWithATwelveHourLifetime() {
        // (Resumption from the server's own session cache stays; only tickets, which another party
        // holding the key could decrypt, are gone.)
        String withTickets = session(alone.httpsPort(), "-tls1_2", "-sess_out", dir.resolve("on.pem"));
        String without = session(off.httpsPort(), "-tls1_2", "-sess_out", dir.resolve("off.pem"));

        assertThat(withTickets).contains("TLS session ticket lifetime hint: 43200 (seconds)", "TLS session ticket:");
        assertThat(without).contains("New, TLSv1.2").doesNotContain("TLS session ticket:");
    }
}
