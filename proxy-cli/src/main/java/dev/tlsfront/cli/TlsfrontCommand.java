package dev.tlsfront.cli;

import dev.tlsfront.tls.ServerTls;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code tlsfront} command; the only place that calls {@link System#exit}. */
@Command(name = "tlsfront",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "An HTTPS-only front door for a plain-HTTP web app.",
        subcommands = {RunCommand.class, CheckCommand.class, CertCommand.class, HealthCommand.class, ProbeCommand.class},
        footer = {"", ExitCodes.HELP})
public final class TlsfrontCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** No command given: the usage, on standard error, and a usage error. */
    @Override
    public Integer call() {
        return commandRequired(spec);
    }

    /** For a command that only groups others: say which, print the usage, exit 64. */
    static int commandRequired(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(spec.qualifiedName() + ": a command is needed (expected: one of "
                + String.join(", ", spec.subcommands().keySet()) + ")");
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    /** A command line wired with tlsfront's exit codes, writing to the given streams. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TlsfrontCommand())
                .setOut(out)
                .setErr(err);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            var subcommands = failed.getCommandSpec().subcommands();
            if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !subcommands.isEmpty()
                    && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
                failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": unknown command '"
                        + unmatched.getUnmatched().get(0) + "' (expected: one of " + String.join(", ", subcommands.keySet()) + ")");
            } else {
                failed.getErr().println("tlsfront: " + e.getMessage());
            }
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tlsfront: internal error: " + e);
            e.printStackTrace(commandLine.getErr());
            return ExitCodes.SOFTWARE;
        });
        return cli;
    }

    public static void main(String[] args) {
        // Netty's buffer allocators register JFR event types when their classes load: 100-odd JDK
        // classes and about 0.1 s of start-up (measured, RESULTS.md) for events nobody records in
        // production. -Dio.netty.jfr.enabled=true brings them back for a profiling session.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        if (args.length > 0 && args[0].equals("run")) {
            // SLF4J and logback first, on this thread: Netty's classes log, so the loader thread below
            // would otherwise set up SLF4J at the same time as this thread's first logger, and SLF4J
            // gives a logger asked for during another thread's set-up a substitute that can stay
            // silent (the start-up report's lines went missing now and then, the process serving).
            org.slf4j.LoggerFactory.getILoggerFactory();
            // Loading BoringSSL takes about half a second: let it happen while the command line is
            // parsed and the config read, on the second core.
            Thread nativeTls = new Thread(() -> ServerTls.PROVIDER.name(), "tls-native-load");
            nativeTls.setDaemon(true);
            nativeTls.start();
        }
        // For the JDK TLS fallback: BoringSSL never accepts a client's renegotiation anyway.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        int code = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
        System.exit(code);
    }
}
