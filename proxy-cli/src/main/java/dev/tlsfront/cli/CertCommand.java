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
final class CertCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return TlsfrontCommand.commandRequired(spec);
    }

    /** {@code tlsfront cert self-signed --host NAME... --out DIR}. */
    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Make a self-signed ECDSA P-256 certificate (one year) for development.",
            footer = {"", ExitCodes.HELP})
    static final class SelfSigned implements Callable<Integer> {

        @Option(names = "--host", required = true, paramLabel = "NAME",
                description = "A DNS name or IP address the certificate names; repeat for several.")
        List<String> hosts;

        @Option(names = "--force", description = "Replace a certificate and key already in DIR.")
        boolean force;

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
            Path existingKey = out.resolve(SelfSignedCertificates.KEY_FILE);
            if (java.nio.file.Files.exists(existingKey) && !force) {
                throw new ParameterException(spec.commandLine(), "'" + existingKey + "' exists (expected: --force to"
                        + " replace it, or another --out)");
            }
            var generated = SelfSignedCertificates.generate(hosts.stream().map(HostName::normalize).toList(), Instant.now());
            SelfSignedCertificates.write(generated, out);
            spec.commandLine().getOut().println("wrote " + out.resolve(SelfSignedCertificates.CERT_FILE) + " and "
                    + out.resolve(SelfSignedCertificates.KEY_FILE) + ": " + CertificateInfo.of(generated.certificate()));
            return ExitCodes.OK;
        }
    }
}
