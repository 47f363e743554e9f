package dev.tlsfront.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tlsfront.cli.probe.Finding;
import dev.tlsfront.cli.probe.SiteProbe;
import java.io.File;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tlsfront probe URL}: audits a live site, whatever serves it, for the HTTPS-only checklist. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Audit a running site from the outside, whatever serves it.",
            "Checks that plain HTTP only redirects, TLS 1.2/1.3 with forward-secret AEAD suites, a valid certificate, HSTS once on every HTTPS response, Secure cookies,",
            "no redirect or form to http://, and no effect of client-sent X-Forwarded-* headers.",
            "Sends only GET requests and never leaves the site. Exit 0 when nothing FAILs, 1 when something does."},
        footer = {"", "Example: tlsfront probe https://example.com/ --path /login --path /account"})
final class ProbeCommand implements Callable<Integer> {

    static final int FAILED = 1;

    @Parameters(index = "0", paramLabel = "URL", description = "The site's https:// start URL.")
    URI url;

    @Option(names = "--path", paramLabel = "PATH", description = "Another page to fetch and follow (repeatable).")
    List<String> paths = new ArrayList<>();

    @ArgGroup(exclusive = true)
    Trust trust;

    static final class Trust {
        @Option(names = "--insecure", description = "Do not judge whether the certificate is trusted.")
        boolean insecure;

        @Option(names = "--cacert", paramLabel = "FILE", description = "Trust the CA certificates in this PEM file.")
        File caFile;
    }

    @Option(names = "--resolve", paramLabel = "HOST:PORT:ADDR",
            description = "Connect to ADDR for HOST (on every port), as curl's --resolve (repeatable: the entry for the URL's host is used).")
    List<String> resolve = new ArrayList<>();

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "80",
            description = "The plaintext port to check (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--json", description = "Print the findings as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "URL: '" + url + "' (expected: https://HOST[:PORT]/...)");
        }
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new ParameterException(spec.commandLine(), "--path: '" + path + "' (expected: a path starting with /)");
            }
        }
        SiteProbe.Options options = new SiteProbe.Options(url, paths, httpPort,
                trust != null ? trust.caFile : null, trust != null && trust.insecure, resolved());
        List<Finding> findings = new SiteProbe(options, Clock.systemUTC()).run("tlsfront-probe/" + VersionProvider.version());
        Map<Finding.Status, Integer> counts = new EnumMap<>(Finding.Status.class);
        for (Finding.Status status : Finding.Status.values()) {
            counts.put(status, 0);
        }
        findings.forEach(f -> counts.merge(f.status(), 1, Integer::sum));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("url", url.toString());
            report.put("ok", counts.get(Finding.Status.FAIL) == 0);
            Map<String, Integer> summary = new LinkedHashMap<>();
            counts.forEach((status, n) -> summary.put(status.name().toLowerCase(Locale.ROOT), n));
            report.put("summary", summary);
            report.put("findings", findings);
            out.println(new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            out.println("tlsfront probe " + url);
            for (Finding finding : findings) {
                out.printf("%-5s %-20s %s%n", finding.status(), finding.check(), finding.evidence());
                boolean actionable = finding.status() == Finding.Status.FAIL || finding.status() == Finding.Status.WARN;
                if (actionable && finding.httpStatus() != null) {
                    out.printf("%-26s at: %s (%d)%n", "", finding.url(), finding.httpStatus());
                }
                if (finding.fix() != null) {
                    out.printf("%-26s fix: %s%n", "", finding.fix());
                }
            }
            out.printf("%d FAIL, %d WARN, %d PASS, %d INFO%n", counts.get(Finding.Status.FAIL),
                    counts.get(Finding.Status.WARN), counts.get(Finding.Status.PASS), counts.get(Finding.Status.INFO));
        }
        out.flush();
        return counts.get(Finding.Status.FAIL) == 0 ? ExitCodes.OK : FAILED;
    }

    private Optional<InetAddress> resolved() throws UnknownHostException {
        Optional<InetAddress> chosen = Optional.empty();
        for (String entry : resolve) {
            String[] parts = entry.split(":", 3);
            if (parts.length != 3 || parts[0].isEmpty() || !parts[1].matches("[0-9]+|\\*")) {
                throw new ParameterException(spec.commandLine(), "--resolve: '" + entry + "' (expected: HOST:PORT:ADDRESS, e.g. "
                        + url.getHost() + ":443:127.0.0.1)");
            }
            if (parts[0].equalsIgnoreCase(url.getHost()) && chosen.isEmpty()) {
                String address = parts[2].startsWith("[") && parts[2].endsWith("]")
                        ? parts[2].substring(1, parts[2].length() - 1) : parts[2];
                try {
                    chosen = Optional.of(InetAddress.getByName(address));
                } catch (UnknownHostException e) {
                    throw new ParameterException(spec.commandLine(), "--resolve: '" + entry + "': " + address
                            + " is not an address (expected: an IP address, e.g. 127.0.0.1)");
                }
            }
        }
        if (!resolve.isEmpty() && chosen.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--resolve: no entry for " + url.getHost()
                    + " (expected: " + url.getHost() + ":PORT:ADDRESS)");
        }
        return chosen;
    }
}
