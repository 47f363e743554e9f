package dev.tlsfront.cli;

/** sysexits(3) codes, so that systemd and scripts can tell failures apart. */
final class ExitCodes {
    static final int OK = 0;
    /** Wrong arguments. */
    static final int USAGE = 64;
    /** A bug or an unexpected failure. */
    static final int SOFTWARE = 70;
    /** A listen address could not be bound. */
    static final int IOERR = 74;
    /** The config file, a certificate or a key is wrong. */
    static final int CONFIG = 78;

    static final String HELP = """
            Exit codes:
              0   success
              64  usage error (unknown option, missing argument)
              70  internal error
              74  a listen address could not be bound
              78  configuration error (config file, certificate or key)""";

    /** What {@code check} can return: it binds nothing, so never 74. */
    static final String CHECK_HELP = """
            Exit codes:
              0   the config, certificates and keys load (warnings are printed, not failed)
              64  usage error (unknown option, missing argument)
              78  configuration error (config file, certificate or key), each at its file:line:col""";

    private ExitCodes() {}
}
