package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tlsfront.it.ScriptedSite.Reply;
import io.netty.handler.codec.http.FullHttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tlsfront probe}, run as the real command against real servers: tlsfront (everything
 * passes), a correctly set-up scripted site (everything passes: the probe judges behaviour, not the
 * server), and a scripted site with the classic mistakes (each one a FAIL with its evidence).
 */
class ProbeTest {

    private static final String HSTS = "max-age=63072000";

    @TempDir
    Path dir;

    private static Command probe(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", TlsfrontProcess.jar().toString(),
                "probe"));
        command.addAll(List.of(args));
        return Command.run(command);
    }

    /** The report's lines with this status and check, e.g. ("FAIL", "cookies"). */
    private static List<String> lines(Command report, String status, String check) {
        return report.output().lines().filter(l -> l.matches(status + " +" + java.util.regex.Pattern.quote(check) + " .*")).toList();
    }

    private static List<JsonNode> findings(JsonNode report, String check) {
        List<JsonNode> found = new ArrayList<>();
        report.path("findings").forEach(f -> {
            if (f.path("check").asText().equals(check)) {
                found.add(f);
            }
        });
        return found;
    }

    @Test
    void tlsfrontPassesEveryCheck() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        try (TestBackend backend = new TestBackend();
                RunningProxy proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir)) {
            String start = "https://localhost:" + proxy.httpsPort() + "/respond?status=200&h=Set-Cookie:sid=1;%20Path=/";
            Command report = probe(start, "--cacert", certificate.cert().toString(), "--http-port",
                    Integer.toString(proxy.httpPort()), "--path", "/respond?status=302&h=Location:http://localhost/echo");

            assertThat(report.exitCode()).as(report.output()).isZero();
            assertThat(report.output()).doesNotContain("FAIL ").contains("0 FAIL");
            assertThat(lines(report, "PASS", "http.redirect")).hasSize(2);
            assertThat(lines(report, "PASS", "tls.versions")).containsExactly(
                    "PASS  tls.versions         accepts TLSv1.2, TLSv1.3 only");
            assertThat(lines(report, "PASS", "tls.cbc")).hasSize(1);
            assertThat(lines(report, "PASS", "tls.forward-secrecy")).hasSize(1);
            // The test backend answers every path with 200, and the report does not claim a 404 it did not see.
            assertThat(lines(report, "PASS", "hsts").get(0))
                    .contains("once on each of 4 HTTPS responses (including the 200 for a path that does not exist and a redirect)");
            assertThat(lines(report, "PASS", "cookies").get(0)).contains("all Secure");
            // The app's http:// redirect arrives rewritten: the chain stays on https.
            assertThat(lines(report, "PASS", "redirects").get(0))
                    .contains("-> https://localhost:" + proxy.httpsPort() + "/echo (200)");
            assertThat(lines(report, "PASS", "spoofing")).hasSize(1);

            JsonNode json = new ObjectMapper().readTree(probe(start, "--cacert", certificate.cert().toString(),
                    "--http-port", Integer.toString(proxy.httpPort()), "--json").output());
            assertThat(json.path("ok").asBoolean()).isTrue();
            assertThat(json.path("summary").path("fail").asInt()).isZero();
            JsonNode first = json.path("findings").get(0);
            assertThat(first.path("check").asText()).isEqualTo("tls.certificate");
            assertThat(first.path("url").asText()).isEqualTo("https://localhost:" + proxy.httpsPort() + "/");
            assertThat(first.path("fix").isNull()).as("a PASS has no fix").isTrue();
            JsonNode redirect = findings(json, "http.redirect").get(0);
            assertThat(redirect.path("http_status").asInt()).isEqualTo(301);
            assertThat(redirect.path("details").path("location").asText()).startsWith("https://localhost:" + proxy.httpsPort() + "/");
        }
    }

    /** Also shows --resolve: the name site.test exists only in the certificate, SNI and Host. */
    @Test
    void aCorrectSiteServedByAnotherServerPassesToo() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "site.test");
        AtomicInteger httpsPort = new AtomicInteger();
        try (ScriptedSite site = new ScriptedSite(certificate, List.of("TLSv1.2", "TLSv1.3"),
                (path, request) -> Reply.redirect(301, "https://site.test:" + httpsPort.get() + path),
                (path, request) -> path.equals("/") && "site.test:%d".formatted(httpsPort.get()).equals(request.headers().get("Host"))
                        ? Reply.html("<form action=\"/login\"><a href=\"https://site.test:" + httpsPort.get() + "/x\">x</a></form>",
                                "Strict-Transport-Security", HSTS, "Set-Cookie", "sid=1; Secure; HttpOnly")
                        : new Reply(404, "no", "Strict-Transport-Security", HSTS))) {
            httpsPort.set(site.httpsPort());
            Command report = probe("https://site.test:" + site.httpsPort() + "/", "--cacert", certificate.cert().toString(),
                    "--http-port", Integer.toString(site.httpPort()), "--resolve", "site.test:" + site.httpsPort() + ":127.0.0.1");

            assertThat(report.exitCode()).as(report.output()).isZero();
            assertThat(report.output()).doesNotContain("FAIL ")
                    .contains("PASS  tls.certificate      trusted, names site.test")
                    .contains("PASS  mixed-content        no http:// links");
            assertThat(lines(report, "PASS", "hsts").get(0)).endsWith("(including a 404)");
        }
    }

    @Test
    void eachClassicMistakeIsAFailWithItsEvidence() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        AtomicInteger httpsPort = new AtomicInteger();
        ScriptedSite.Script plain = (path, request) ->
                // HSTS over plain HTTP.
                Reply.redirect(301, "https://localhost:" + httpsPort.get() + path, "Strict-Transport-Security", HSTS);
        ScriptedSite.Script secure = (path, request) -> secureMistakes(path, request, httpsPort.get());
        try (ScriptedSite site = new ScriptedSite(certificate, List.of("TLSv1.1", "TLSv1.2"), plain, secure)) {
            httpsPort.set(site.httpsPort());
            Command report = probe("https://localhost:" + site.httpsPort() + "/", "--cacert", certificate.cert().toString(),
                    "--http-port", Integer.toString(site.httpPort()), "--path", "/login");

            assertThat(report.exitCode()).as(report.output()).isEqualTo(1);
            assertThat(lines(report, "FAIL", "http.hsts")).hasSize(2)  // on / and on the deep path
                    .first().asString().contains("Strict-Transport-Security sent over plain HTTP: [" + HSTS + "]");
            // Each FAIL says where it was seen, with the status of that response.
            assertThat(report.output()).contains("at: http://localhost:" + site.httpPort() + "/ (301)",
                    "at: https://localhost:" + site.httpsPort() + "/login (302)");
            assertThat(lines(report, "FAIL", "tls.versions")).as(report.output()).singleElement().asString().contains("accepts TLSv1.1");
            assertThat(lines(report, "FAIL", "tls.cbc")).singleElement().asString().contains("accepts the CBC suite ECDHE-ECDSA-AES128-SHA");
            assertThat(lines(report, "FAIL", "cookies")).singleElement().asString()
                    .contains("cookie sid without Secure: sid=abc; Path=/; HttpOnly");
            assertThat(lines(report, "FAIL", "redirects")).singleElement().asString()
                    .contains("the app redirects to plain HTTP: https://localhost:" + site.httpsPort() + "/login -> http://localhost:"
                            + site.httpsPort() + "/account");
            assertThat(lines(report, "FAIL", "mixed-content")).singleElement().asString()
                    .contains("a form posts to plain HTTP: <form action=\"http://localhost:" + site.httpsPort() + "/signin\">");
            assertThat(lines(report, "FAIL", "spoofing")).singleElement().asString()
                    .contains("X-Forwarded-Proto: http, X-Forwarded-For: 203.0.113.7 -> 301 http://localhost:");
            // Every FAIL says how to fix it.
            assertThat(report.output()).contains("fix: send HSTS only on HTTPS responses", "fix: add Secure to every cookie",
                    "fix: allow only TLS 1.2 and 1.3");
        }
    }

    /** A TLS site whose app does what apps behind a careless proxy do. */
    private static Reply secureMistakes(String path, FullHttpRequest request, int port) {
        if ("http".equals(request.headers().get("X-Forwarded-Proto"))) {
            return Reply.redirect(301, "http://localhost:" + port + path, "Strict-Transport-Security", HSTS);
        }
        return switch (path) {
            case "/" -> Reply.html("<form method=\"post\" action=\"http://localhost:" + port + "/signin\"></form>",
                    "Strict-Transport-Security", HSTS, "Set-Cookie", "sid=abc; Path=/; HttpOnly");
            case "/login" -> Reply.redirect(302, "http://localhost:" + port + "/account", "Strict-Transport-Security", HSTS);
            default -> new Reply(404, "no", "Strict-Transport-Security", HSTS);
        };
    }
}
