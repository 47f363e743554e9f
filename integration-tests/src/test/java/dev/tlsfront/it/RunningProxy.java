package dev.tlsfront.it;

import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.config.ProxyConfig;
import dev.tlsfront.server.ProxyServer;
import dev.tlsfront.tls.ServerTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** tlsfront started in the test's JVM from YAML text, both listeners on port 0 of 127.0.0.1. */
final class RunningProxy implements AutoCloseable {

    final ProxyServer server;
    final ProxyConfig config;

    private RunningProxy(ProxyConfig config) throws IOException {
        this.config = config;
        this.server = ProxyServer.start(config, ServerTls.load(config.https(), config.hosts(), Clock.systemUTC()));
    }

    /**
     * Starts the proxy from {@code yaml}; {@code http.listen} and {@code https.listen} default to
     * 127.0.0.1:0 unless the YAML sets them.
     */
    static RunningProxy start(String yaml, Path dir) throws IOException, ConfigException {
        return new RunningProxy(new ConfigLoader(Map.of()).parse(yaml, "test.yaml", dir));
    }

    static RunningProxy start(ProxyConfig config) throws IOException {
        return new RunningProxy(config);
    }

    /** The usual test config: one certificate for localhost, in front of {@code backendUrl}. */
    static String yaml(TestCertificate certificate, String backendUrl, String extra) {
        return """
                hosts: [localhost, 127.0.0.1]
                http: { listen: "127.0.0.1:0" }
                https:
                  listen: "127.0.0.1:0"
                  certificates: [%s]
                backend: { url: "%s", response_timeout: 5s, connect_timeout: 2s }
                server: { drain_timeout: 2s }
                """.formatted(certificate.yamlEntry(), backendUrl) + extra;
    }

    /** The value of one sample line of the Prometheus text, e.g. {@code name{labels} 3.0}. */
    static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no " + series + " in:\n" + metrics);
    }

    /** One series of {@code GET /metrics} on the admin listener (which the config must have). */
    double metric(String series) {
        int port = server.adminAddress().orElseThrow().getPort();
        return sample(Command.run("curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + port + "/metrics").output(),
                series);
    }

    int httpsPort() {
        return server.httpsAddress().getPort();
    }

    int httpPort() {
        return server.httpAddress().getPort();
    }

    URI https(String path) {
        return URI.create("https://localhost:" + httpsPort() + path);
    }

    URI http(String path) {
        return URI.create("http://localhost:" + httpPort() + path);
    }

    static HttpClient client(TestCertificate trusted) {
        return HttpClient.newBuilder()
                .sslContext(trusted.trustingContext())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void close() {
        server.drain(Duration.ofSeconds(2));
    }
}
