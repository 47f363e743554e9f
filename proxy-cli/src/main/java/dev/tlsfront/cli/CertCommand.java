package dev.tlsfront.cli;

import dev.tlsfront.config.HostName;
import dev.tlsfront.tls.CertificateInfo;
import dev.tlsfront.tls.SelfSignedCertificates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tlsfront cert}: certificate tools. */
@Command(name = "cert", mixinStandardHelpOptions = true, description = "Certificate tools.",
        subcommands = CertCommand.SelfSigned.class)
final class CertCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code tlsfront cert self-signed --host NAME... --out DIR}. */
    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Make a self-signed ECDSA P-256 certificate (one year) for development.",
            footer = {"", ExitCodes.HELP})
    static final class SelfSigned implements Callable<Integer> {

        @Option(names = "--host", required = true, paramLabel = "NAME",
                description = "A DNS name or IP address the certificate names; repeat for several.")
        List<String> hosts;

        @Option(names = "--out", required = true, paramLabel = "DIR",
                description = "Directory for " + SelfSignedCertificates.CERT_FILE + " and " + SelfSignedCertificates.KEY_FILE + ".")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            for (String host : hosts) {
                if (!HostName.isValid(host)) {
                    throw new ParameterException(spec.commandLine(),
                            "--host: '" + host + "' (expected: a DNS name or an IP address)");
                }
            }
            var generated = SelfSignedCertificates.generate(hosts.stream().map(HostName::normalize).toList(), Instant.now());
            SelfSignedCertificates.write(generated, out);
            spec.commandLine().getOut().println("wrote " + out.resolve(SelfSignedCertificates.CERT_FILE) + " and "
                    + out.resolve(SelfSignedCertificates.KEY_FILE) + ": " + CertificateInfo.of(generated.certificate()));
            return ExitCodes.OK;
        }
    }
}
