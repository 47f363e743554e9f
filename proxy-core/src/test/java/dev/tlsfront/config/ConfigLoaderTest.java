package dev.tlsfront.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @BeforeEach
    void certificateFiles() throws IOException {
        Files.writeString(dir.resolve("cert.pem"), "placeholder");
        Files.writeString(dir.resolve("key.pem"), "placeholder");
    }

    private ProxyConfig parse(String yaml) throws ConfigException {
        return parse(yaml, Map.of());
    }

    private ProxyConfig parse(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env).parse(yaml, "tlsfront.yaml", dir);
    }

    private List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the config to be rejected");
    }

    private static final String MINIMAL = """
            hosts: [example.com]
            https:
              certificates:
                - { cert: cert.pem, key: key.pem }
            """;

    @Test
    void minimalConfigGetsDocumentedDefaults() throws ConfigException {
        ProxyConfig config = parse(MINIMAL);

        assertThat(config.hosts()).containsExactly("example.com");
        assertThat(config.http().listen()).hasToString("0.0.0.0:80");
        assertThat(config.http().redirect().status()).isEqualTo(RedirectStatus.AUTO);
        assertThat(config.http().redirect().keepPath()).isTrue();
        assertThat(config.http().acmeWebroot()).isEmpty();
        assertThat(config.https().listen()).hasToString("0.0.0.0:443");
        assertThat(config.https().certificates()).singleElement()
                .satisfies(c -> assertThat(c.cert()).isEqualTo(dir.resolve("cert.pem")));
        assertThat(config.https().tls().profile()).isEqualTo(TlsProfile.INTERMEDIATE);
        assertThat(config.https().tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(config.https().tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.backend().url()).isEqualTo("http://127.0.0.1:8000");
        assertThat(config.backend().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.backend().responseTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.server().drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everySettingIsRead() throws ConfigException, IOException {
        Files.createDirectories(dir.resolve("webroot"));
        ProxyConfig config = parse("""
                hosts: [Example.COM, www.example.com.]
                http:
                  listen: 127.0.0.1:8080
                  redirect: { status: 307, keep_path: false, https_port: 8443 }
                  acme_webroot: webroot
                https:
                  listen: "[::1]:8443"
                  certificates:
                    - { cert: cert.pem, key: key.pem, key_password_env: KEY_PASS }
                  tls:
                    profile: intermediate
                    protocols: [TLSv1.3]
                    ciphers: [ECDHE-ECDSA-AES128-GCM-SHA256]
                    handshake_timeout: 500ms
                backend:
                  url: http://app:9000
                  connect_timeout: 1s
                  response_timeout: 5m
                  pool: { idle_timeout: 2s, max_idle: 8 }
                server: { event_loops: 3, drain_timeout: 1h, shutdown_delay: 5s, log_level: debug }
                """, Map.of("KEY_PASS", "secret"));

        assertThat(config.hosts()).containsExactly("example.com", "www.example.com");
        assertThat(config.http().listen()).isEqualTo(new ListenAddress("127.0.0.1", 8080));
        assertThat(config.http().redirect()).isEqualTo(
                new HttpListenerConfig.RedirectConfig(RedirectStatus.TEMPORARY_REDIRECT, false, 8443));
        assertThat(config.http().acmeWebroot()).contains(dir.resolve("webroot"));
        assertThat(config.https().listen()).isEqualTo(new ListenAddress("::1", 8443));
        assertThat(config.https().certificates().get(0).keyPassword()).contains("secret");
        assertThat(config.https().tls().protocols()).containsExactly("TLSv1.3");
        assertThat(config.https().tls().ciphers()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(config.https().tls().handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.backend().servers().get(0).host()).isEqualTo("app");
        assertThat(config.backend().servers().get(0).port()).isEqualTo(9000);
        assertThat(config.backend().connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backend().responseTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.backend().poolIdleTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.backend().poolMaxIdle()).isEqualTo(8);
        assertThat(config.server()).isEqualTo(new ServerConfig(3, Duration.ofHours(1), Duration.ofSeconds(5), "debug", false));
    }

    @Test
    void unknownProfileNamesTheValueAndTheChoices() {
        assertThat(problems("""
                hosts: [example.com]
                https:
                  certificates:
                    - { cert: cert.pem, key: key.pem }
                  tls: { profile: old }
                """)).containsExactly(
                "tlsfront.yaml:5:19: https.tls.profile: 'old' (expected: intermediate or modern)");
    }

    @Test
    void accessLogIsCombinedOnStandardOutputUnlessConfigured() throws Exception {
        assertThat(parse(MINIMAL).accessLog()).isEqualTo(AccessLogConfig.DEFAULT);
        Files.createDirectories(dir.resolve("logs"));
        assertThat(parse(MINIMAL + "access_log: { format: json, path: logs/access.log }\n").accessLog())
                .isEqualTo(new AccessLogConfig(AccessLogConfig.Format.JSON, Optional.of(dir.resolve("logs/access.log"))));
        assertThat(parse(MINIMAL + "access_log: { format: \"off\" }\n").accessLog().enabled()).isFalse();
    }

    @Test
    void accessLogProblemsArePlaced() {
        assertThat(problems(MINIMAL + "access_log:\n  format: apache\n  path: nowhere/access.log\n")).containsExactly(
                "tlsfront.yaml:6:11: access_log.format: 'apache' (expected: one of combined, json, off)",
                "tlsfront.yaml:7:9: access_log.path: directory '" + dir.resolve("nowhere")
                        + "' does not exist (expected: a file in an existing directory, or \"\" for standard output)");
    }

    @Test
    void unknownKeyListsTheKnownOnes() {
        assertThat(problems(MINIMAL + "http:\n  listn: 0.0.0.0:80\n")).containsExactly(
                "tlsfront.yaml:6:3: http.listn: unknown key (expected: one of listen, redirect, acme_webroot, proxy_protocol)");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(problems("""
                hosts: [example.com, "bad host"]
                http:
                  listen: 80
                  redirect: { status: 303 }
                https:
                  certificates:
                    - { cert: missing.pem, key: key.pem }
                backend:
                  url: https://app:8000
                  connect_timeout: 5 seconds
                  response_timeout: -1s
                server: { event_loops: many }
                """)).containsExactly(
                "tlsfront.yaml:1:22: hosts: 'bad host' (expected: a host name such as example.com, or an IP address)",
                "tlsfront.yaml:3:11: http.listen: '80' (expected: ADDRESS:PORT such as 0.0.0.0:443, [::]:443 or 127.0.0.1:8443)",
                "tlsfront.yaml:4:23: http.redirect.status: '303' (expected: one of auto, 301, 302, 307, 308)",
                "tlsfront.yaml:7:15: https.certificates[0].cert: '" + dir.resolve("missing.pem")
                        + "': no such file (expected: a PEM certificate chain, leaf first)",
                "tlsfront.yaml:9:8: backend.url: 'https://app:8000' (expected: http://HOST:PORT such as http://127.0.0.1:8000, or unix:/PATH of a Unix socket)",
                "tlsfront.yaml:10:20: backend.connect_timeout: '5 seconds' (expected: a duration such as 500ms, 10s, 5m, 1h or 365d; units ms, s, m, h, d)",
                "tlsfront.yaml:11:21: backend.response_timeout: '-1s' (expected: a duration such as 500ms, 10s, 5m, 1h or 365d)",
                "tlsfront.yaml:12:24: server.event_loops: 'many' (expected: a whole number from 0 to 1024)");
    }

    @Test
    void missingHostsAndCertificatesAreExplained() {
        assertThat(problems("http: { listen: 0.0.0.0:80 }\n")).containsExactly(
                "tlsfront.yaml:1:1: hosts: missing (expected: the names the site is served under, e.g. hosts: [example.com, www.example.com])",
                "tlsfront.yaml:1:1: https.certificates: missing (expected: a list of { cert: FILE, key: FILE }, acme: { email:"
                        + " ADDRESS } for automatic certificates, or self_signed: true for development)");
    }

    @Test
    void policiesAreOnByDefault() throws ConfigException {
        PolicyConfig policy = parse(MINIMAL).policy();
        assertThat(policy.hsts().headerValue()).isEqualTo("max-age=63072000");
        assertThat(policy.cookies()).isEqualTo(PolicyConfig.Cookies.DEFAULT);
        assertThat(policy.trustedProxies()).isEmpty();
        assertThat(policy.forwarded()).isFalse();
    }

    @Test
    void policySettingsAreRead() throws ConfigException {
        PolicyConfig policy = parse(MINIMAL + """
                  hsts: { max_age: 365d, include_subdomains: true, preload: true }
                  cookies: { http_only: true, same_site: strict }
                  upgrade_insecure_requests: true
                  response_headers: { X-Content-Type-Options: nosniff, Referrer-Policy: same-origin }
                backend:
                  trusted_proxies: [10.0.0.0/8, "2001:db8::/32", 192.0.2.1]
                  forwarded: true
                """).policy();

        assertThat(policy.hsts().headerValue()).isEqualTo("max-age=31536000; includeSubDomains; preload");
        assertThat(policy.cookies()).isEqualTo(new PolicyConfig.Cookies(true, java.util.Optional.of("Strict")));
        assertThat(policy.upgradeInsecureRequests()).isTrue();
        assertThat(policy.responseHeaders()).containsEntry("Referrer-Policy", "same-origin").hasSize(2);
        assertThat(policy.trustedProxies()).extracting(Cidr::toString)
                .containsExactly("10.0.0.0/8", "2001:db8:0:0:0:0:0:0/32", "192.0.2.1/32");
        assertThat(policy.forwarded()).isTrue();
    }

    @Test
    void hstsMaxAgeInSecondsAndTheEmergencySwitch() throws ConfigException {
        assertThat(parse(MINIMAL + "  hsts: { max_age: 300 }\n").policy().hsts().headerValue()).isEqualTo("max-age=300");
        assertThat(parse(MINIMAL + "  hsts: { max_age: 0 }\n").policy().hsts().headerValue()).isEqualTo("max-age=0");
    }

    @Test
    void preloadNeedsSubdomainsAndAYear() {
        assertThat(problems(MINIMAL + "  hsts: { preload: true }\n")).containsExactly(
                "tlsfront.yaml:5:20: https.hsts.preload: true without include_subdomains: true (expected: both, as the preload list requires)");
        assertThat(problems(MINIMAL + "  hsts: { max_age: 30d, include_subdomains: true, preload: true }\n")).containsExactly(
                "tlsfront.yaml:5:60: https.hsts.preload: true with max_age 2592000 (expected: max_age of at least 31536000 seconds, one year, as the preload list requires)");
    }

    @Test
    void severalServersWithWeightsBackupsUnixSocketsHealthAndRetries() throws ConfigException {
        BackendConfig backend = parse(MINIMAL + """
                backend:
                  servers:
                    - http://10.0.0.11:8000
                    - { url: http://10.0.0.12:8000, weight: 2 }
                    - { url: "unix:/run/app/gunicorn.sock" }
                    - { url: http://10.0.0.13:8000, backup: true }
                  balance: least_conn
                  health: { path: /healthz, interval: 1s, timeout: 500ms, rise: 1, fall: 2, expect: 200 }
                  passive: { max_fails: 3, fail_timeout: 30s }
                  retries: 2
                """).backend();
        assertThat(backend.servers()).containsExactly(
                BackendServer.tcp("10.0.0.11", 8000),
                new BackendServer("10.0.0.12", 8000, java.util.Optional.empty(), 2, false),
                new BackendServer("", 0, java.util.Optional.of(Path.of("/run/app/gunicorn.sock")), 1, false),
                new BackendServer("10.0.0.13", 8000, java.util.Optional.empty(), 1, true));
        assertThat(backend.url()).isEqualTo("http://10.0.0.11:8000, http://10.0.0.12:8000 (weight 2),"
                + " unix:/run/app/gunicorn.sock, http://10.0.0.13:8000 (backup)");
        assertThat(backend.balance()).isEqualTo(BackendConfig.Balance.LEAST_CONN);
        assertThat(backend.health()).contains(new HealthCheckConfig("/healthz", Duration.ofSeconds(1),
                Duration.ofMillis(500), 1, 2, 200, 200));
        assertThat(backend.passive()).isEqualTo(new PassiveHealthConfig(3, Duration.ofSeconds(30)));
        assertThat(backend.retries()).isEqualTo(2);
    }

    @Test
    void oneServerByUrlHasTheDocumentedDefaults() throws ConfigException {
        BackendConfig backend = parse(MINIMAL + "backend: { url: \"unix:/run/app.sock\" }\n").backend();
        assertThat(backend.servers()).singleElement().satisfies(s -> assertThat(s.url()).isEqualTo("unix:/run/app.sock"));
        assertThat(backend.balance()).isEqualTo(BackendConfig.Balance.ROUND_ROBIN);
        assertThat(backend.health()).isEmpty();
        assertThat(backend.passive()).isEqualTo(PassiveHealthConfig.DEFAULT);
        assertThat(backend.retries()).isEqualTo(1);
        assertThat(parse(MINIMAL + "backend: { health: { path: /up } }\n").backend().health().get())
                .isEqualTo(new HealthCheckConfig("/up", Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 3, 200, 399));
    }

    @Test
    void badServerListsAreExplained() {
        assertThat(problems(MINIMAL + """
                backend:
                  url: http://a:8000
                  servers: [http://b:8000]
                """)).containsExactly("tlsfront.yaml:7:12: backend.servers: given together with url (expected: url for"
                + " one server, or servers for several)");
        assertThat(problems(MINIMAL + """
                backend:
                  servers:
                    - http://a:8000
                    - { url: "unix:run/app.sock", weight: 0 }
                    - { weight: 2 }
                    - http://a:8000
                  health: { interval: 5s, expect: 200-99 }
                  passive: { max_fails: -1 }
                  retries: 11
                """)).containsExactly(
                "tlsfront.yaml:7:5: backend.servers: http://a:8000 is listed twice (expected: each server once; a weight"
                        + " gives one a larger share)",
                "tlsfront.yaml:8:14: backend.servers[1].url: 'unix:run/app.sock' (expected: http://HOST:PORT such as"
                        + " http://127.0.0.1:8000, or unix:/PATH of a Unix socket)",
                "tlsfront.yaml:8:43: backend.servers[1].weight: '0' (expected: a whole number from 1 to 1000)",
                "tlsfront.yaml:9:7: backend.servers[2].url: missing (expected: http://HOST:PORT such as"
                        + " http://127.0.0.1:8000, or unix:/PATH of a Unix socket)",
                "tlsfront.yaml:11:11: backend.health.path: missing (expected: the path to check, such as /healthz)",
                "tlsfront.yaml:11:35: backend.health.expect: '200-99' (expected: a status or a range of them, such as 200"
                        + " or 200-399)",
                "tlsfront.yaml:12:25: backend.passive.max_fails: '-1' (expected: a whole number from 0 to 1000)",
                "tlsfront.yaml:13:12: backend.retries: '11' (expected: a whole number from 0 to 10)");
        assertThat(problems(MINIMAL + "backend: { servers: [ { url: http://a:8000, backup: true } ] }\n"))
                .containsExactly("tlsfront.yaml:5:21: backend.servers: every server is a backup (expected: at least one"
                        + " that is not)");
    }

    /** The records hold the same rules as the loader, in the same words: there is one statement of each. */
    @Test
    void recordsMadeInCodeRefuseWhatTheLoaderRefuses() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PolicyConfig.Hsts(java.time.Duration.ofDays(30), true,
                true, java.util.Optional.empty())).hasMessage("preload: true with max_age 2592000 (expected: max_age of at"
                        + " least 31536000 seconds, one year, as the preload list requires)");
        LimitsConfig d = LimitsConfig.DEFAULT;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LimitsConfig(32, d.maxHeaderBlock(), d.maxHeaderFields(),
                d.maxBodySize(), d.headerTimeout(), d.bodyTimeout(), d.keepAliveTimeout(), d.maxConnections(),
                d.websocketIdleTimeout())).hasMessage("max_request_line: 32 (expected: 64-1048576)");
        assertThat(problems(MINIMAL + "limits: { max_request_line: 32 }\n")).singleElement().asString()
                .contains("limits.max_request_line").contains("from 64 bytes to 1MiB");
    }

    @Test
    void badPolicyValuesAreExplained() {
        assertThat(problems(MINIMAL + """
                  cookies: { same_site: sometimes }
                  response_headers: { "Bad Name": x }
                backend: { trusted_proxies: [10.0.0.0/33, example.com] }
                """)).containsExactly(
                "tlsfront.yaml:5:25: https.cookies.same_site: 'sometimes' (expected: one of lax, strict, none)",
                "tlsfront.yaml:6:35: https.response_headers.Bad Name: not a header name (expected: letters, digits and -)",
                "tlsfront.yaml:7:30: backend.trusted_proxies: '10.0.0.0/33' (expected: an IP address or network such as 10.0.0.0/8 or 2001:db8::/32)",
                "tlsfront.yaml:7:43: backend.trusted_proxies: 'example.com' (expected: an IP address or network such as 10.0.0.0/8 or 2001:db8::/32)");
    }

    @Test
    void responseHeadersThatFrameRouteOrBelongToAPolicyAreRefusedWithWhatToUseInstead() {
        assertThat(problems(MINIMAL + """
                  response_headers:
                    X-Frame-Options: DENY
                    Content-Length: 5
                    transfer-encoding: chunked
                    Connection: close
                    Proxy-Authenticate: Basic
                    Strict-Transport-Security: max-age=5
                    Set-Cookie: a=1
                """)).containsExactly(
                "tlsfront.yaml:7:5: https.response_headers.Content-Length: frames or routes each message, so one value"
                        + " for every response would corrupt them (expected: a field that describes the content, such as"
                        + " X-Content-Type-Options)",
                "tlsfront.yaml:8:5: https.response_headers.transfer-encoding: frames or routes each message, so one value"
                        + " for every response would corrupt them (expected: a field that describes the content, such as"
                        + " X-Content-Type-Options)",
                "tlsfront.yaml:9:5: https.response_headers.Connection: frames or routes each message, so one value"
                        + " for every response would corrupt them (expected: a field that describes the content, such as"
                        + " X-Content-Type-Options)",
                "tlsfront.yaml:10:5: https.response_headers.Proxy-Authenticate: frames or routes each message, so one value"
                        + " for every response would corrupt them (expected: a field that describes the content, such as"
                        + " X-Content-Type-Options)",
                "tlsfront.yaml:11:5: https.response_headers.Strict-Transport-Security: set by tlsfront on every HTTPS"
                        + " response (expected: the https.hsts settings max_age, include_subdomains and preload instead)",
                "tlsfront.yaml:12:5: https.response_headers.Set-Cookie: cookies come from the app (expected: https.cookies"
                        + " to add HttpOnly or SameSite to the app's cookies; Secure is always added)");
    }

    @Test
    void adminListenerIsOffUnlessGivenAndItsAddressIsChecked() throws ConfigException {
        assertThat(parse(MINIMAL).admin().listen()).isEmpty();
        assertThat(parse(MINIMAL + "admin: { listen: 127.0.0.1:9901 }\n").admin().listen())
                .contains(new ListenAddress("127.0.0.1", 9901));
        assertThat(problems(MINIMAL + "admin: { listen: 9901 }\n")).containsExactly(
                "tlsfront.yaml:5:18: admin.listen: '9901' (expected: ADDRESS:PORT such as 0.0.0.0:443, [::]:443 or 127.0.0.1:8443)");
    }

    @Test
    void emptyHostsIsRejected() {
        assertThat(problems(MINIMAL.replace("hosts: [example.com]", "hosts: []"))).containsExactly(
                "tlsfront.yaml:1:8: hosts: empty (expected: at least one host name, e.g. hosts: [example.com])");
    }

    @Test
    void wrongTypesNameWhatWasFound() {
        assertThat(problems("""
                hosts: { name: example.com }
                http: [listen]
                https:
                  certificates: cert.pem
                """)).containsExactly(
                "tlsfront.yaml:1:8: hosts: a mapping (expected: host names such as example.com)",
                "tlsfront.yaml:2:7: http: a list (expected: a mapping of settings)",
                "tlsfront.yaml:4:17: https.certificates: 'cert.pem' (expected: { cert: FILE, key: FILE })");
    }

    @Test
    void protocolsAndCiphersMayOnlyNarrowTheProfile() {
        assertThat(problems(MINIMAL + """
                  tls:
                    profile: modern
                    protocols: [TLSv1.2]
                    ciphers: [AES128-SHA]
                """)).containsExactly(
                "tlsfront.yaml:7:16: https.tls.protocols: 'TLSv1.2' is not allowed by the modern profile (expected: some of TLSv1.3)",
                "tlsfront.yaml:8:14: https.tls.ciphers: 'AES128-SHA' is not allowed by the modern profile"
                        + " (expected: some of TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)");
    }

    @Test
    void environmentVariablesAreSubstituted() throws ConfigException {
        ProxyConfig config = parse("""
                hosts: ["${SITE}"]
                http: { listen: "${HTTP_LISTEN:-127.0.0.1:80}" }
                https:
                  listen: "${HTTPS_LISTEN:-127.0.0.1:443}"
                  certificates:
                    - { cert: cert.pem, key: key.pem }
                backend: { url: "http://${APP_HOST}:8000" }
                """, Map.of("SITE", "shop.example", "HTTPS_LISTEN", "0.0.0.0:9443", "APP_HOST", "app"));

        assertThat(config.hosts()).containsExactly("shop.example");
        assertThat(config.http().listen()).hasToString("127.0.0.1:80");
        assertThat(config.https().listen()).hasToString("0.0.0.0:9443");
        assertThat(config.backend().servers().get(0).host()).isEqualTo("app");
    }

    @Test
    void unsetEnvironmentVariableIsAProblemAtItsPosition() {
        assertThat(problems(MINIMAL + "backend: { url: \"${APP_URL}\" }\n")).containsExactly(
                "tlsfront.yaml:5:17: backend.url: ${APP_URL}: environment variable is not set"
                        + " (expected: set APP_URL, or write ${APP_URL:-default})");  // one mistake, one error
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThat(problems(MINIMAL + "hosts: [other.example]\n")).containsExactly(
                "tlsfront.yaml:5:1: hosts: duplicate key (expected: each key once)");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> yamlMistakes() {
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("a tab",
                        "hosts: [a.example]\nhttps:\n  listen: 0.0.0.0:443\n\tcertificates: []\n",
                        "tlsfront.yaml:4:1: a tab character (expected: spaces; YAML does not allow tabs for indentation)"),
                org.junit.jupiter.params.provider.Arguments.of("an unclosed [", "hosts: [a.example\nhttp: {}\n",
                        "tlsfront.yaml:1:8: '[' is not closed (expected: ',' between items and ']' at the end, before line 2)"),
                org.junit.jupiter.params.provider.Arguments.of("an unquoted ${VAR} in [ ]", "hosts: [${HOST}]\n",
                        "tlsfront.yaml:1:10: an unquoted ${...} inside [ ] (expected: quotes around it, e.g. [\"${HOST}\"])"),
                org.junit.jupiter.params.provider.Arguments.of("a second colon", "hosts: a: b\n",
                        "tlsfront.yaml:1:9: a ':' inside a value (expected: quotes around a value that holds ': ', or a"
                                + " new line for a nested mapping)"),
                org.junit.jupiter.params.provider.Arguments.of("an unclosed quote", "hosts: [\"a.example]\n",
                        "tlsfront.yaml:1:9: a quote that is never closed (expected: a matching closing quote)"),
                org.junit.jupiter.params.provider.Arguments.of("a key indented less than its neighbours",
                        "hosts: [a.example]\nbackend:\n    url: http://a:8000\n  retries: 2\n",
                        "tlsfront.yaml:4:3: this line is indented differently from the keys above it (expected: the keys of"
                                + " one mapping at the same column, a nested mapping further right)"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("yamlMistakes")
    void yamlSyntaxErrorsAreSaidInPlainWordsWhereTheMistakeIs(String name, String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void selfSignedUsesTheXdgStateDirectory() throws ConfigException {
        ProxyConfig config = parse("hosts: [localhost]\nhttps: { self_signed: true }\n",
                Map.of("XDG_STATE_HOME", "/var/state", "HOME", "/home/u"));
        assertThat(config.https().selfSignedDir()).contains(Path.of("/var/state/tlsfront"));

        ProxyConfig noXdg = parse("hosts: [localhost]\nhttps: { self_signed: true }\n", Map.of("HOME", "/home/u"));
        assertThat(noXdg.https().selfSignedDir()).contains(Path.of("/home/u/.local/state/tlsfront"));
    }

    @Test
    void acmeAloneIsEnoughAndGetsItsDefaults() throws ConfigException {
        ProxyConfig config = parse("hosts: [mysite.example, www.mysite.example]\nhttps:\n  acme: { email: ops@mysite.example }\n",
                Map.of("XDG_STATE_HOME", dir.toString()));

        AcmeConfig acme = config.https().acme().orElseThrow();
        assertThat(config.https().certificates()).isEmpty();
        assertThat(acme.email()).isEqualTo("ops@mysite.example");
        assertThat(acme.directory()).isEqualTo(AcmeConfig.LETS_ENCRYPT);
        assertThat(acme.directoryTrust()).isEmpty();
        assertThat(acme.storage()).isEqualTo(dir.resolve("tlsfront").resolve("acme"));
        assertThat(acme.challenges()).containsExactly(AcmeConfig.Challenge.TLS_ALPN_01, AcmeConfig.Challenge.HTTP_01);
        assertThat(acme.keyType()).isEqualTo(AcmeConfig.KeyType.EC256);
    }

    @Test
    void acmeSettingsAreReadAndCheckedEachAtItsPosition() throws Exception {
        ProxyConfig config = parse(MINIMAL + """
                  acme:
                    email: ops@mysite.example
                    directory: https://acme-staging-v02.api.letsencrypt.org/directory
                    directory_trust: cert.pem
                    storage: state/acme
                    challenges: [http-01]
                    key_type: rsa2048
                """);
        AcmeConfig acme = config.https().acme().orElseThrow();
        assertThat(acme.directory()).isEqualTo(AcmeConfig.LETS_ENCRYPT_STAGING);
        assertThat(acme.directoryTrust()).contains(dir.resolve("cert.pem"));
        assertThat(acme.storage()).isEqualTo(dir.resolve("state/acme"));
        assertThat(acme.challenges()).containsExactly(AcmeConfig.Challenge.HTTP_01);
        assertThat(acme.keyType()).isEqualTo(AcmeConfig.KeyType.RSA2048);

        java.nio.file.Files.writeString(dir.resolve("afile"), "x");
        assertThat(problems("""
                hosts: [mysite.example, "*.mysite.example"]
                https:
                  acme:
                    email: not-an-address
                    directory: ftp://ca.example/dir
                    storage: afile
                    challenges: [dns-01, http-01, http-01]
                    key_type: dsa
                    contact: me
                """)).containsExactly(
                "tlsfront.yaml:1:25: hosts: '*.mysite.example' is a wildcard (expected: each name the site is served under;"
                        + " a wildcard certificate in https.certificates still serves them, but ACME's http-01 and"
                        + " tls-alpn-01 cannot validate a wildcard)",
                "tlsfront.yaml:4:12: https.acme.email: 'not-an-address' (expected: an email address such as ops@example.com)",
                "tlsfront.yaml:5:16: https.acme.directory: 'ftp://ca.example/dir' (expected: the https:// URL of an ACME"
                        + " directory, e.g. https://acme-staging-v02.api.letsencrypt.org/directory for staging)",
                "tlsfront.yaml:6:14: https.acme.storage: '" + dir.resolve("afile") + "' is not a folder (expected: a folder"
                        + " tlsfront's user can create and write, e.g. owned by it)",
                "tlsfront.yaml:7:18: https.acme.challenges: 'dns-01' (expected: a list of tls-alpn-01 and http-01)",
                "tlsfront.yaml:7:35: https.acme.challenges: 'http-01' twice (expected: a list of tls-alpn-01 and http-01)",
                "tlsfront.yaml:8:15: https.acme.key_type: 'dsa' (expected: one of ec256, ec384, rsa2048)",
                "tlsfront.yaml:9:5: https.acme.contact: unknown key (expected: one of email, directory, directory_trust,"
                        + " storage, challenges, key_type)");
    }

    @Test
    void acmeNeedsAnEmailAndAStorageFolderItCanCreate() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("afile"), "x");
        assertThat(problems("hosts: [a.example]\nhttps:\n  acme: { storage: afile/acme }\n")).containsExactly(
                "tlsfront.yaml:3:9: https.acme.email: missing (expected: the address the CA writes to about your"
                        + " certificates, e.g. email: ops@example.com)",
                "tlsfront.yaml:3:20: https.acme.storage: '" + dir.resolve("afile/acme") + "' cannot be created ('"
                        + dir.resolve("afile") + "' is not a writable folder) (expected: a folder tlsfront's user can"
                        + " create and write, e.g. owned by it)");
    }

    @Test
    void sessionTicketsAreOnByDefaultOffOnRequestOrFromKeyFilesOf48Bytes() throws Exception {
        Files.write(dir.resolve("good.key"), new byte[48]);
        Files.write(dir.resolve("nginx256.key"), new byte[80]);
        assertThat(parse(MINIMAL).https().sessionTickets()).isEqualTo(HttpsListenerConfig.SessionTickets.AUTOMATIC);
        assertThat(parse(MINIMAL + "  session_tickets: off\n").https().sessionTickets())
                .isEqualTo(HttpsListenerConfig.SessionTickets.OFF);
        assertThat(parse(MINIMAL + "  session_tickets: { key_files: [good.key] }\n").https().sessionTickets().keyFiles())
                .containsExactly(dir.resolve("good.key"));
        assertThat(problems(MINIMAL + "  session_tickets: { key_files: [nginx256.key, none.key] }\n")).containsExactly(
                "tlsfront.yaml:5:34: https.session_tickets.key_files: '" + dir.resolve("nginx256.key") + "' holds 80"
                        + " bytes (nginx's AES-256 form, which BoringSSL's tickets do not use) (expected: 48 bytes: a"
                        + " 16-byte name, a 16-byte HMAC key and a 16-byte AES key, as openssl rand 48 writes them)",
                "tlsfront.yaml:5:48: https.session_tickets.key_files: '" + dir.resolve("none.key") + "': no such file"
                        + " (expected: a file of 48 random bytes)");
        assertThat(problems(MINIMAL + "  session_tickets: on\n")).containsExactly(
                "tlsfront.yaml:5:20: https.session_tickets: 'on' (expected: off, or { key_files: [FILE, ...] } of 48-byte"
                        + " keys (nginx's format, e.g. openssl rand 48))");
    }

    @Test
    void errorPagesNameStatusesTlsfrontAnswersWithAndReadableFiles() throws Exception {
        Files.writeString(dir.resolve("502.html"), "<h1>back soon</h1>");
        assertThat(parse(MINIMAL + "  error_pages: { 502: 502.html }\n").policy().errorPages())
                .containsEntry(502, "<h1>back soon</h1>");
        assertThat(problems(MINIMAL + "  error_pages: { 418: 502.html, 503: none.html }\n")).containsExactly(
                "tlsfront.yaml:5:18: https.error_pages.418: not a status tlsfront answers with itself (expected: one of"
                        + " 400, 404, 408, 413, 414, 417, 421, 431, 501, 502, 503, 504, 505)",
                "tlsfront.yaml:5:38: https.error_pages.503: '" + dir.resolve("none.html") + "': no such file (expected:"
                        + " an HTML file of at most 64 KiB)");
    }

    @Test
    void oneMistakeGivesOneErrorAndErrorsComeInFileOrder() {
        assertThat(problems("hosts: [\"${NO_SUCH_HOST}\"]\nhttps: yes\n")).containsExactly(
                "tlsfront.yaml:1:9: hosts[0]: ${NO_SUCH_HOST}: environment variable is not set (expected: set NO_SUCH_HOST,"
                        + " or write ${NO_SUCH_HOST:-default})",
                "tlsfront.yaml:2:8: https: 'yes' (expected: a mapping of settings)");
        assertThat(problems(MINIMAL + "limits: { header_timeout: soon }\nhttp: { listen: nowhere }\n")).extracting(p -> p.substring(0, 16))
                .containsExactly("tlsfront.yaml:5:", "tlsfront.yaml:6:");
    }

    @Test
    void durationsAndSizesSaySpelledHowWhenWrongAndZeroMeansNoLimit() throws Exception {
        assertThat(problems(MINIMAL + "limits: { header_timeout: 1.5s, max_body_size: 10MB }\n")).containsExactly(
                "tlsfront.yaml:5:27: limits.header_timeout: '1.5s' (expected: a duration such as 500ms, 10s, 5m, 1h or"
                        + " 365d; whole numbers only, e.g. 1500ms for 1.5s)",
                "tlsfront.yaml:5:48: limits.max_body_size: '10MB' (expected: a size such as 8192, 16KiB, 1MiB or 1GiB;"
                        + " units are binary, KiB, MiB, GiB (10MB is written 10MiB))");
        ProxyConfig zero = parse(MINIMAL + "limits: { header_timeout: 0 }\nbackend: { response_timeout: 0 }\n");
        assertThat(zero.limits().headerTimeout()).isZero();
        assertThat(zero.backend().responseTimeout()).isZero();
        assertThat(DurationSyntax.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(DurationSyntax.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationSyntax.format(Duration.ofDays(730))).isEqualTo("730d");
    }

    @Test
    void twoListenersOnOneAddressAreCaughtBeforeAnyBind() {
        assertThat(problems("""
                hosts: [example.com]
                http: { listen: "0.0.0.0:8443" }
                https:
                  listen: "127.0.0.1:8443"
                  certificates:
                    - { cert: cert.pem, key: key.pem }
                admin: { listen: "127.0.0.1:8443" }
                """)).containsExactly(
                "tlsfront.yaml:2:17: http.listen: '0.0.0.0:8443' is also https.listen's address 127.0.0.1:8443 (expected:"
                        + " a port of its own for each listener)",
                "tlsfront.yaml:7:18: admin.listen: '127.0.0.1:8443' is also https.listen's address 127.0.0.1:8443"
                        + " (expected: a port of its own for each listener)");
    }

    @Test
    void selfSignedTogetherWithCertificatesIsRejected() {
        assertThat(problems(MINIMAL + "  self_signed: true\n")).containsExactly(
                "tlsfront.yaml:5:16: https.self_signed: true together with certificates (expected: self_signed alone, for development)");
    }

    @Test
    void embeddedDefaultServesLocalhostOnDevelopmentPorts() throws ConfigException {
        ProxyConfig config = new ConfigLoader(Map.of("HOME", "/home/u")).embeddedDefault();

        assertThat(config.hosts()).containsExactly("localhost", "127.0.0.1");
        assertThat(config.http().listen()).hasToString("127.0.0.1:8080");
        assertThat(config.https().listen()).hasToString("127.0.0.1:8443");
        assertThat(config.backend().url()).isEqualTo("http://127.0.0.1:8000");
        assertThat(config.https().selfSignedDir()).contains(Path.of("/home/u/.local/state/tlsfront"));
    }

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "10s,PT10S", "5m,PT5M", "1h,PT1H", "365d,PT8760H"})
    void durationsAsPeopleWriteThem(String text, String expected) {
        assertThat(DurationSyntax.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"512,512", "16KiB,16384", "1MiB,1048576", "2GiB,2147483648"})
    void sizesAsPeopleWriteThem(String text, long expected) {
        assertThat(SizeSyntax.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10", "1.5s", "s", "10 s", "-1s", "10S", "1w"})
    void notDurations(String text) {
        assertThat(DurationSyntax.parse(text)).isNull();
    }
}
