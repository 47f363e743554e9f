package dev.tlsfront.cli;

import dev.tlsfront.config.ConfigException;
import dev.tlsfront.config.ConfigLoader;
import dev.tlsfront.config.ProxyConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -c FILE} option shared by the commands that load a config. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The config file. Without it: the embedded development default"
                    + " (https://127.0.0.1:8443 in front of http://127.0.0.1:8000, http://127.0.0.1:8080 redirecting,"
                    + " a self-signed certificate).")
    Path file;

    ProxyConfig load() throws ConfigException {
        ConfigLoader loader = new ConfigLoader(System.getenv());
        return file == null ? loader.embeddedDefault() : loader.load(file);
    }

    String describe() {
        return file == null ? ConfigLoader.EMBEDDED_DEFAULT : file.toString();
    }
}
