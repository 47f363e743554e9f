package dev.tlsfront.cli;

import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.ListenAddress;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tlsfront health}: asks a running tlsfront's admin listener for {@code /healthz}, for a
 * container's HEALTHCHECK or a monitoring script that has no curl. Exit 0 healthy, 1 otherwise
 * (Docker reads exactly those two).
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Ask a running tlsfront whether it is healthy.",
            "Asks the admin listener (admin.listen in the config, or --url) for /healthz.",
            "Print its answer; exit 0 when it is 200, 1 when it is not or nothing answers, 78 on a config problem."})
final class HealthCommand implements Callable<Integer> {

    static final int UNHEALTHY = 1;

    @Mixin
    ConfigOption config;

    @Option(names = "--url", paramLabel = "URL", description = "Ask this URL instead of the config's admin listener.")
    URI url;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI target = url;
        if (target == null) {
            Optional<ListenAddress> admin;
            try {
                admin = config.load().admin().listen();
            } catch (ConfigException e) {
                err.println(e.getMessage());
                return ExitCodes.CONFIG;
            }
            if (admin.isEmpty()) {
                err.println(config.describe() + ": admin.listen is not set, so there is no /healthz to ask"
                        + " (set it, e.g. 127.0.0.1:9901, or give --url)");
                return ExitCodes.CONFIG;
            }
            target = healthUrl(admin.get());
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(target).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            out.println(target + ": " + response.statusCode() + " " + response.body().strip());
            return response.statusCode() == 200 ? ExitCodes.OK : UNHEALTHY;
        } catch (IOException e) {
            err.println(target + ": " + dev.tlsfront.failures.FailureText.describe(e));
            return UNHEALTHY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNHEALTHY;
        }
    }

    /** The admin listener's /healthz, asked on loopback when it binds every address. */
    static URI healthUrl(ListenAddress admin) {
        String host = switch (admin.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "[::1]";
            default -> admin.host().indexOf(':') >= 0 ? "[" + admin.host() + "]" : admin.host();
        };
        return URI.create("http://" + host + ":" + admin.port() + "/healthz");
    }
}
