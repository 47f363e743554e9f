package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tlsfront's own errors: an HTML page for a browser (the operator's, with https.error_pages),
 * plain text for everyone else, never cached; the app's own error responses pass untouched.
 */
class ErrorPagesTest {

    @TempDir
    Path dir;

    private Command curl(RunningProxy proxy, String accept, String path, String http) {
        return Command.run("curl", "-sS", http, "-i", "--max-time", "10", "-H", "Accept: " + accept, "--cacert",
                dir.resolve("localhost-cert.pem").toString(), proxy.https(path).toString());
    }

    @Test
    void browsersGetAPageOthersPlainTextAndTheAppsOwnErrorsPassUntouched() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path branded = Files.writeString(dir.resolve("503.html"), "<h1>We will be right back</h1>\n");
        try (RunningProxy down = RunningProxy.start(RunningProxy.yaml(certificate, "http://127.0.0.1:" + closed, "")
                .replace("https:\n", "https:\n  error_pages: { 504: \"" + branded + "\" }\n"), dir)) {
            for (String http : new String[] {"--http1.1", "--http2"}) {
                String html = curl(down, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "/", http).output();
                assertThat(html).as(http).containsIgnoringCase("content-type: text/html; charset=utf-8")
                        .containsIgnoringCase("cache-control: no-store")
                        .contains("<title>502 Bad Gateway</title>", "The site's application did not answer.");
                String plain = curl(down, "*/*", "/", http).output();
                assertThat(plain).as(http).containsIgnoringCase("content-type: text/plain").endsWith("\n\n502 Bad Gateway\n"
                        .replace("\n\n", "\r\n\r\n"));
            }
        }
        try (TestBackend backend = new TestBackend();
                RunningProxy up = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), "")
                        .replace("https:\n", "https:\n  error_pages: { 502: \"" + branded + "\" }\n"), dir)) {
            String fromApp = curl(up, "text/html", "/status?code=502", "--http1.1").output();
            assertThat(fromApp).startsWith("HTTP/1.1 502").doesNotContain("We will be right back", "<title>");
            // tlsfront's own 421, to a browser, in the operator's absence of a page: tlsfront's page.
            Command misdirected = Command.run("curl", "-sS", "-i", "--max-time", "10", "-H", "Accept: text/html",
                    "-H", "Host: evil.example", "--cacert", dir.resolve("localhost-cert.pem").toString(),
                    up.https("/").toString());
            assertThat(misdirected.output()).startsWith("HTTP/2 421").contains("<title>421 Misdirected Request</title>");
        }
        try (RunningProxy branding = RunningProxy.start(RunningProxy.yaml(certificate, "http://127.0.0.1:" + closed, "")
                .replace("https:\n", "https:\n  error_pages: { 502: \"" + branded + "\" }\n"), dir)) {
            assertThat(curl(branding, "text/html", "/", "--http1.1").output()).endsWith("\r\n\r\n<h1>We will be right back</h1>\n");
        }
    }
}
