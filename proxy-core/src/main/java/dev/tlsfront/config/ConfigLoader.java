package dev.tlsfront.config;

import dev.tlsfront.config.HttpListenerConfig.RedirectConfig;
import dev.tlsfront.config.HttpsListenerConfig.CertificateConfig;
import dev.tlsfront.config.HttpsListenerConfig.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a {@link ProxyConfig} from YAML and reports every problem with its position and key path.
 *
 * <p>The only place that reads the config file or the environment. Relative file paths in the config
 * are taken relative to the config file's directory.
 */
public final class ConfigLoader {

    /** The config {@code tlsfront run} uses when no file is given; see {@code default.yaml}. */
    public static final String EMBEDDED_DEFAULT = "embedded default";

    private static final Map<String, TlsProfile> PROFILES = ordered("intermediate", TlsProfile.INTERMEDIATE,
            "modern", TlsProfile.MODERN);
    private static final Map<String, RedirectStatus> REDIRECT_STATUSES = ordered("auto", RedirectStatus.AUTO,
            "301", RedirectStatus.MOVED_PERMANENTLY, "302", RedirectStatus.FOUND,
            "307", RedirectStatus.TEMPORARY_REDIRECT, "308", RedirectStatus.PERMANENT_REDIRECT);
    private static final Map<String, AccessLogConfig.Format> ACCESS_LOG_FORMATS = ordered(
            "combined", AccessLogConfig.Format.COMBINED, "json", AccessLogConfig.Format.JSON, "off", AccessLogConfig.Format.OFF);
    private static final Map<String, AcmeConfig.Challenge> CHALLENGES = ordered(
            "tls-alpn-01", AcmeConfig.Challenge.TLS_ALPN_01, "http-01", AcmeConfig.Challenge.HTTP_01);
    private static final Map<String, AcmeConfig.KeyType> KEY_TYPES = ordered("ec256", AcmeConfig.KeyType.EC256,
            "ec384", AcmeConfig.KeyType.EC384, "rsa2048", AcmeConfig.KeyType.RSA2048);
    private static final Map<String, String> LOG_LEVELS = ordered("error", "error", "warn", "warn",
            "info", "info", "debug", "debug", "trace", "trace");

    private final Map<String, String> env;

    /** A loader that substitutes {@code ${VAR}} from {@code env} (normally {@code System.getenv()}). */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Loads and validates the file. */
    public ProxyConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage()
                    + " (expected: a readable YAML file)");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), dir);
    }

    /** The embedded development default: https://localhost:8443 in front of http://127.0.0.1:8000. */
    public ProxyConfig embeddedDefault() throws ConfigException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default.yaml")) {
            if (in == null) {
                throw new ConfigException(EMBEDDED_DEFAULT + ": missing from the build");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), EMBEDDED_DEFAULT, Path.of("."));
        } catch (IOException e) {
            throw new ConfigException(EMBEDDED_DEFAULT + ": " + e.getMessage());
        }
    }

    /**
     * Parses YAML text; {@code source} names it in messages and {@code dir} anchors relative paths.
     */
    public ProxyConfig parse(String text, String source, Path dir) throws ConfigException {
        List<String> problems = new ArrayList<>();
        ConfigNode root = new YamlTreeReader(source, env, problems).read(text);
        if (!(root instanceof ConfigNode.Mapping mapping)) {
            throw new ConfigException(root.position() + ": " + root.kind()
                    + " at the top (expected: a mapping with hosts, http, https and backend)");
        }
        ProxyConfig config = new Binder(dir, problems).bind(new Section(mapping, "", problems));
        if (!problems.isEmpty()) {
            throw new ConfigException(inFileOrder(problems));
        }
        return config;
    }

    /** Turns the tree into records; on any problem returns null and leaves the problems recorded. */
    private final class Binder {
        private final Path dir;
        private final List<String> problems;
        private final Map<String, String> hostPositions = new LinkedHashMap<>();

        Binder(Path dir, List<String> problems) {
            this.dir = dir;
            this.problems = problems;
        }

        ProxyConfig bind(Section root) {
            List<String> hosts = hosts(root);
            HttpListenerConfig http = http(root.section("http"));
            Section httpsSection = root.section("https");
            HttpsListenerConfig https = https(httpsSection);
            Section backendSection = root.section("backend");
            BackendConfig backend = backend(backendSection);
            PolicyConfig policy = policy(httpsSection, backendSection,
                    https == null ? Optional.empty() : https.acme().map(AcmeConfig::storage));
            httpsSection.rejectUnknown();
            backendSection.rejectUnknown();
            ServerConfig server = server(root.section("server"));
            LimitsConfig limits = limits(root.section("limits"));
            Section adminSection = root.section("admin");
            Optional<ListenAddress> admin = adminSection.has("listen") && !adminSection.string("listen", "").isBlank()
                    ? Optional.of(adminSection.value("listen", HttpsListenerConfig.DEFAULT_LISTEN, ListenAddress.EXPECTED,
                            ListenAddress::parse))
                    : Optional.empty();
            adminSection.rejectUnknown();
            AccessLogConfig accessLog = accessLog(root.section("access_log"));
            if (http != null && https != null) {
                sharedAddress(root, "http", http.listen(), "https", https.listen());
                admin.ifPresent(a -> {
                    sharedAddress(root, "admin", a, "https", https.listen());
                    sharedAddress(root, "admin", a, "http", http.listen());
                });
            }
            root.rejectUnknown();
            if (!problems.isEmpty()) {
                return null;
            }
            return new ProxyConfig(hosts, http, https, backend, server, policy, limits, new AdminConfig(admin), accessLog,
                    hostPositions);
        }

        /** Two listeners cannot bind one address: caught here, by check, not by a failed start. */
        private void sharedAddress(Section root, String first, ListenAddress a, String second, ListenAddress b) {
            boolean wildcard = a.host().equals("0.0.0.0") || a.host().equals("::") || b.host().equals("0.0.0.0")
                    || b.host().equals("::");
            if (a.port() != 0 && a.port() == b.port() && (a.host().equals(b.host()) || wildcard)) {
                Section section = root.section(first);
                section.problem("listen", "'" + a + "' is also " + second + ".listen's address " + b
                        + " (expected: a port of its own for each listener)");
            }
        }

        private AccessLogConfig accessLog(Section section) {
            AccessLogConfig.Format format = section.choice("format", ACCESS_LOG_FORMATS, AccessLogConfig.Format.COMBINED);
            Optional<Path> path = Optional.of(section.string("path", "")).filter(s -> !s.isBlank()).map(dir::resolve);
            path.map(Path::getParent).filter(p -> !Files.isDirectory(p)).ifPresent(p ->
                    section.problem("path", "directory '" + p + "' does not exist (expected: a file in an existing directory, or \"\" for standard output)"));
            section.rejectUnknown();
            return new AccessLogConfig(format, path);
        }

        private List<String> hosts(Section root) {
            if (!root.has("hosts")) {
                root.problem("hosts", "missing (expected: the names the site is served under,"
                        + " e.g. hosts: [example.com, www.example.com])");
                return List.of();
            }
            LinkedHashSet<String> hosts = new LinkedHashSet<>();
            int problemsBefore = problems.size();
            List<ConfigNode.Scalar> entries = root.scalars("hosts", "host names such as example.com");
            for (ConfigNode.Scalar host : entries) {
                if (HostName.isValid(host.text())) {
                    hosts.add(HostName.normalize(host.text()));
                    hostPositions.putIfAbsent(HostName.normalize(host.text()), host.position().toString());
                } else if (host.text().startsWith("*.")) {
                    root.problem(host.position(), "hosts", "'" + host.text() + "' is a wildcard (expected: each name"
                            + " the site is served under; a wildcard certificate in https.certificates still serves"
                            + " them, but ACME's http-01 and tls-alpn-01 cannot validate a wildcard)");
                } else {
                    root.problem(host.position(), "hosts", "'" + host.text()
                            + "' (expected: a host name such as example.com, or an IP address)");
                }
            }
            if (entries.isEmpty() && problems.size() == problemsBefore) {
                root.problem("hosts", "empty (expected: at least one host name, e.g. hosts: [example.com])");
            }
            return List.copyOf(hosts);
        }

        private HttpListenerConfig http(Section http) {
            ListenAddress listen = http.value("listen", HttpListenerConfig.DEFAULT_LISTEN,
                    ListenAddress.EXPECTED, ListenAddress::parse);
            Section redirect = http.section("redirect");
            RedirectConfig redirectConfig = new RedirectConfig(
                    redirect.choice("status", REDIRECT_STATUSES, RedirectStatus.AUTO),
                    redirect.bool("keep_path", true),
                    redirect.integer("https_port", 0, 0, 65535));
            redirect.rejectUnknown();
            Optional<Path> webroot = Optional.of(http.string("acme_webroot", "")).filter(s -> !s.isBlank())
                    .map(dir::resolve);
            webroot.filter(p -> !Files.isDirectory(p)).ifPresent(p ->
                    http.problem("acme_webroot", "'" + p + "' is not a directory (expected: certbot's --webroot-path)"));
            Optional<ProxyProtocolConfig> proxyProtocol = proxyProtocol(http);
            http.rejectUnknown();
            return new HttpListenerConfig(listen, redirectConfig, webroot, proxyProtocol);
        }

        private HttpsListenerConfig https(Section https) {
            ListenAddress listen = https.value("listen", HttpsListenerConfig.DEFAULT_LISTEN,
                    ListenAddress.EXPECTED, ListenAddress::parse);
            List<CertificateConfig> certificates = new ArrayList<>();
            int problemsBefore = problems.size();
            for (Section cert : https.sections("certificates", "{ cert: FILE, key: FILE }")) {
                certificate(cert).ifPresent(certificates::add);
            }
            boolean certificatesWrong = problems.size() > problemsBefore;
            boolean selfSigned = https.bool("self_signed", false);
            Optional<AcmeConfig> acme = https.has("acme") ? acme(https.section("acme")) : Optional.empty();
            boolean acmeWrong = https.has("acme") && acme.isEmpty();
            Optional<Path> selfSignedDir = Optional.empty();
            if (selfSigned && (!certificates.isEmpty() || https.has("acme"))) {
                https.problem("self_signed", "true together with " + (certificates.isEmpty() ? "acme" : "certificates")
                        + " (expected: self_signed alone, for development)");
            } else if (selfSigned) {
                selfSignedDir = Optional.of(stateDirectory(https));
            } else if (certificates.isEmpty() && !https.has("certificates") && !https.has("acme")) {
                https.problem("certificates", "missing (expected: a list of { cert: FILE, key: FILE }, acme: { email:"
                        + " ADDRESS } for automatic certificates, or self_signed: true for development)");
            } else if (certificates.isEmpty() && https.has("certificates") && !certificatesWrong && acme.isEmpty()
                    && !acmeWrong) {
                https.problem("certificates", "empty (expected: at least one { cert: FILE, key: FILE })");
            }
            TlsConfig tls = tls(https.section("tls"));
            boolean anyHost = https.bool("any_host", false);
            Optional<ProxyProtocolConfig> proxyProtocol = proxyProtocol(https);
            HttpsListenerConfig.SessionTickets tickets = sessionTickets(https);
            if (certificates.isEmpty() && selfSignedDir.isEmpty() && acme.isEmpty()) {
                return null;  // a problem was recorded above, so bind() returns before using it
            }
            if (selfSignedDir.isPresent() && (!certificates.isEmpty() || acme.isPresent())) {
                return null;
            }
            return new HttpsListenerConfig(listen, certificates, selfSignedDir, tls, acme, proxyProtocol, tickets,
                    anyHost);
        }

        /** {@code https.session_tickets}: absent (tlsfront's own rotating keys), {@code off}, or {@code { key_files }}. */
        private HttpsListenerConfig.SessionTickets sessionTickets(Section https) {
            String expected = "off, or { key_files: [FILE, ...] } of 48-byte keys (nginx's format, e.g. openssl rand 48)";
            if (!https.has("session_tickets")) {
                https.section("session_tickets");
                return HttpsListenerConfig.SessionTickets.AUTOMATIC;
            }
            if (https.isScalar("session_tickets")) {
                String value = https.string("session_tickets", "");
                if (!value.equals("off") && !value.equals("false")) {
                    https.problem("session_tickets", "'" + value + "' (expected: " + expected + ")");
                }
                return HttpsListenerConfig.SessionTickets.OFF;
            }
            Section section = https.section("session_tickets");
            List<Path> files = new ArrayList<>();
            for (ConfigNode.Scalar entry : section.scalars("key_files", "files of 48-byte keys")) {
                Path file = dir.resolve(entry.text());
                long size = -1;
                try {
                    size = Files.isRegularFile(file) && Files.isReadable(file) ? Files.size(file) : -1;
                } catch (java.io.IOException e) {
                    size = -1;
                }
                if (size < 0) {
                    section.problem(entry.position(), "key_files", "'" + file + "': " + (Files.exists(file)
                            ? "not a readable file" : "no such file") + " (expected: a file of 48 random bytes)");
                } else if (size != 48) {
                    section.problem(entry.position(), "key_files", "'" + file + "' holds " + size + " bytes"
                            + (size == 80 ? " (nginx's AES-256 form, which BoringSSL's tickets do not use)" : "")
                            + " (expected: 48 bytes: a 16-byte name, a 16-byte HMAC key and a 16-byte AES key, as"
                            + " openssl rand 48 writes them)");
                } else {
                    files.add(file);
                }
            }
            if (files.isEmpty() && !section.has("key_files")) {
                section.problem("key_files", "missing (expected: " + expected + ")");
            }
            section.rejectUnknown();
            return files.isEmpty() ? HttpsListenerConfig.SessionTickets.AUTOMATIC
                    : new HttpsListenerConfig.SessionTickets(true, files);
        }

        /** {@code LISTENER.proxy_protocol: { trusted: [...], timeout: 5s }}; absent: off. */
        private Optional<ProxyProtocolConfig> proxyProtocol(Section listener) {
            if (!listener.has("proxy_protocol")) {
                listener.section("proxy_protocol");  // marks the key as known
                return Optional.empty();
            }
            Section section = listener.section("proxy_protocol");
            List<Cidr> trusted = cidrs(section, "trusted");
            if (trusted.isEmpty() && !section.has("trusted")) {
                section.problem("trusted", "missing (expected: the networks of the balancers that send PROXY"
                        + " headers, e.g. trusted: [10.0.0.0/8])");
            }
            var timeout = section.duration("timeout", ProxyProtocolConfig.DEFAULT_TIMEOUT);
            section.rejectUnknown();
            return trusted.isEmpty() ? Optional.empty() : Optional.of(new ProxyProtocolConfig(trusted, timeout));
        }

        private List<Cidr> cidrs(Section section, String key) {
            List<Cidr> out = new ArrayList<>();
            for (ConfigNode.Scalar entry : section.scalars(key, "IP networks such as 10.0.0.0/8")) {
                Cidr cidr = Cidr.parse(entry.text());
                if (cidr == null) {
                    section.problem(entry.position(), key, "'" + entry.text()
                            + "' (expected: an IP address or network such as 10.0.0.0/8 or 2001:db8::/32)");
                } else {
                    out.add(cidr);
                }
            }
            return out;
        }

        /** {@code https.acme}; empty (with the problems recorded) when it is wrong. */
        private Optional<AcmeConfig> acme(Section acme) {
            int problemsBefore = problems.size();
            String email = acme.string("email", "");
            if (!acme.has("email")) {
                acme.problem("email", "missing (expected: the address the CA writes to about your certificates,"
                        + " e.g. email: ops@example.com)");
            } else if (!email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                acme.problem("email", "'" + email + "' (expected: an email address such as ops@example.com)");
            }
            URI directory = acme.value("directory", AcmeConfig.LETS_ENCRYPT,
                    "the https:// URL of an ACME directory, e.g. " + AcmeConfig.LETS_ENCRYPT_STAGING + " for staging",
                    ConfigLoader::directoryUrl);
            Optional<Path> trust = acme.has("directory_trust")
                    ? file(acme, "directory_trust", "a PEM file of the CA certificates that sign the directory's HTTPS")
                    : Optional.empty();
            Path storage = acme.has("storage") ? dir.resolve(acme.string("storage", ""))
                    : defaultStateDirectory().resolve("acme");
            String unwritable = unwritable(storage);
            if (unwritable != null) {
                acme.problem("storage", "'" + storage + "' " + unwritable
                        + " (expected: a folder tlsfront's user can create and write, e.g. owned by it)");
            }
            List<AcmeConfig.Challenge> challenges = new ArrayList<>();
            String expected = "a list of tls-alpn-01 and http-01";
            for (ConfigNode.Scalar scalar : acme.scalars("challenges", expected)) {
                AcmeConfig.Challenge challenge = CHALLENGES.get(scalar.text());
                if (challenge == null || challenges.contains(challenge)) {
                    acme.problem(scalar.position(), "challenges", "'" + scalar.text() + "'"
                            + (challenge == null ? "" : " twice") + " (expected: " + expected + ")");
                } else {
                    challenges.add(challenge);
                }
            }
            if (acme.has("challenges") && challenges.isEmpty() && problems.size() == problemsBefore) {
                acme.problem("challenges", "empty (expected: " + expected + ")");
            }
            AcmeConfig.KeyType keyType = acme.choice("key_type", KEY_TYPES, AcmeConfig.KeyType.EC256);
            acme.rejectUnknown();
            if (problems.size() > problemsBefore) {
                return Optional.empty();
            }
            return Optional.of(new AcmeConfig(email, directory, trust, storage,
                    challenges.isEmpty() ? AcmeConfig.DEFAULT_CHALLENGES : challenges, keyType));
        }

        /** Why tlsfront could not keep files in {@code folder}, or null when it can. */
        private static String unwritable(Path folder) {
            if (Files.isDirectory(folder)) {
                return Files.isWritable(folder) ? null : "is not writable";
            }
            if (Files.exists(folder)) {
                return "is not a folder";
            }
            Path parent = folder.toAbsolutePath().getParent();
            while (parent != null && !Files.exists(parent)) {
                parent = parent.getParent();
            }
            return parent != null && Files.isDirectory(parent) && Files.isWritable(parent) ? null
                    : "cannot be created (" + (parent == null ? "no parent folder" : "'" + parent + "' is not a writable folder") + ")";
        }

        private Path stateDirectory(Section https) {
            String configured = https.string("self_signed_dir", "");
            if (!configured.isBlank()) {
                return dir.resolve(configured);
            }
            return defaultStateDirectory();
        }

        /** {@code $XDG_STATE_HOME/tlsfront}, or {@code ~/.local/state/tlsfront}. */
        private Path defaultStateDirectory() {
            String state = env.getOrDefault("XDG_STATE_HOME", "");
            if (!state.isBlank()) {
                return Path.of(state, "tlsfront");
            }
            return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state", "tlsfront");
        }

        private Optional<CertificateConfig> certificate(Section cert) {
            Optional<Path> certFile = file(cert, "cert", "a PEM certificate chain, leaf first");
            Optional<Path> keyFile = file(cert, "key", "a PEM private key");
            Optional<Path> passwordFile = cert.has("key_password_file")
                    ? file(cert, "key_password_file", "a file holding the key's passphrase")
                    : Optional.empty();
            Optional<String> password = Optional.empty();
            if (cert.has("key_password_env")) {
                String name = cert.string("key_password_env", "");
                password = Optional.ofNullable(env.get(name));
                if (password.isEmpty()) {
                    cert.problem("key_password_env", "'" + name + "' is not set (expected: an environment"
                            + " variable holding the key's passphrase)");
                }
            }
            if (passwordFile.isPresent() && cert.has("key_password_env")) {
                cert.problem("key_password_env", "given together with key_password_file (expected: one of them)");
            }
            cert.rejectUnknown();
            if (certFile.isEmpty() || keyFile.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new CertificateConfig(certFile.get(), keyFile.get(), passwordFile, password, cert.where()));
        }

        private Optional<Path> file(Section section, String key, String expected) {
            if (!section.has(key)) {
                section.problem(key, "missing (expected: " + expected + ")");
                return Optional.empty();
            }
            Path path = dir.resolve(section.string(key, ""));
            if (!Files.isReadable(path) || Files.isDirectory(path)) {
                section.problem(key, "'" + path + "': "
                        + (Files.exists(path) ? "not a readable file" : "no such file") + " (expected: " + expected + ")");
                return Optional.empty();
            }
            return Optional.of(path);
        }

        private TlsConfig tls(Section tls) {
            TlsProfile profile = tls.choice("profile", PROFILES, TlsProfile.INTERMEDIATE);
            List<String> protocols = narrowed(tls, "protocols", profile.protocols(), profile, Map.of());
            List<String> ciphers = narrowed(tls, "ciphers", profile.ciphers(), profile, TlsProfile.OPENSSL_NAMES);
            var timeout = tls.duration("handshake_timeout", TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
            List<String> alpn = alpn(tls);
            tls.rejectUnknown();
            return new TlsConfig(profile, protocols, ciphers, timeout, alpn);
        }

        private List<String> alpn(Section tls) {
            String expected = "a list of h2 and http/1.1, most preferred first";
            List<String> alpn = new ArrayList<>();
            for (var scalar : tls.scalars("alpn", expected)) {
                if (!TlsConfig.DEFAULT_ALPN.contains(scalar.text()) || alpn.contains(scalar.text())) {
                    tls.problem(scalar.position(), "alpn", "'" + scalar.text() + "'" + (alpn.contains(scalar.text()) ? " twice" : "")
                            + " (expected: " + expected + ")");
                } else {
                    alpn.add(scalar.text());
                }
            }
            if (tls.has("alpn") && alpn.isEmpty()) {
                tls.problem("alpn", "empty (expected: " + expected + ")");
            }
            return alpn.isEmpty() ? TlsConfig.DEFAULT_ALPN : alpn;
        }

        /** A list that may only name entries of the profile's own list (aliases allowed). */
        private List<String> narrowed(Section tls, String key, List<String> allowed, TlsProfile profile,
                Map<String, String> aliases) {
            List<String> given = tls.strings(key, allowed, "entries of the profile's list");
            List<String> out = new ArrayList<>();
            for (String entry : given) {
                String name = aliases.getOrDefault(entry, entry);
                if (allowed.contains(name)) {
                    out.add(name);
                } else {
                    tls.problem(key, "'" + entry + "' is not allowed by the " + profile.name().toLowerCase()
                            + " profile (expected: some of " + String.join(", ", allowed) + ")");
                }
            }
            if (out.isEmpty() && !given.isEmpty()) {
                return allowed;
            }
            if (given.isEmpty()) {
                tls.problem(key, "empty (expected: some of " + String.join(", ", allowed) + ")");
                return allowed;
            }
            return out;
        }

        private BackendConfig backend(Section backend) {
            List<BackendServer> servers = new ArrayList<>();
            if (backend.has("url") && backend.has("servers")) {
                backend.problem("servers", "given together with url (expected: url for one server, or servers for several)");
            } else if (backend.has("servers")) {
                int problemsBefore = problems.size();
                for (Section server : backend.sectionsOrScalars("servers", SERVER_EXPECTED, "url")) {
                    backendServer(server).ifPresent(servers::add);
                }
                if (servers.isEmpty() && problems.size() == problemsBefore) {
                    backend.problem("servers", "empty (expected: at least one " + SERVER_EXPECTED + ")");
                }
                for (int i = 0; i < servers.size(); i++) {
                    for (int j = 0; j < i; j++) {
                        if (servers.get(i).sameAddress(servers.get(j))) {
                            backend.problem("servers", servers.get(i).url() + " is listed twice (expected: each server once;"
                                    + " a weight gives one a larger share)");
                        }
                    }
                }
                if (!servers.isEmpty() && servers.stream().allMatch(BackendServer::backup)) {
                    backend.problem("servers", "every server is a backup (expected: at least one that is not)");
                }
            }
            if (servers.isEmpty() && !backend.has("servers")) {
                URI url = backend.value("url", URI.create(BackendConfig.DEFAULT_URL), SERVER_URL_EXPECTED,
                        ConfigLoader::backendUrl);
                servers.add(serverAt(url, 1, false));
            }
            var balance = backend.choice("balance", ordered("round_robin", BackendConfig.Balance.ROUND_ROBIN,
                    "least_conn", BackendConfig.Balance.LEAST_CONN, "first", BackendConfig.Balance.FIRST),
                    BackendConfig.Balance.ROUND_ROBIN);
            Optional<HealthCheckConfig> health = backend.has("health") ? health(backend.section("health")) : Optional.empty();
            Section passiveSection = backend.section("passive");
            PassiveHealthConfig d = PassiveHealthConfig.DEFAULT;
            var passive = new PassiveHealthConfig(
                    passiveSection.integer("max_fails", d.maxFails(), 0, PassiveHealthConfig.MAX_FAILS),
                    passiveSection.duration("fail_timeout", d.failTimeout()));
            passiveSection.rejectUnknown();
            int retries = backend.integer("retries", BackendConfig.DEFAULT_RETRIES, 0, BackendConfig.MAX_RETRIES);
            var connect = backend.duration("connect_timeout", BackendConfig.DEFAULT_CONNECT_TIMEOUT);
            var response = backend.duration("response_timeout", BackendConfig.DEFAULT_RESPONSE_TIMEOUT);
            Section pool = backend.section("pool");
            var idle = pool.duration("idle_timeout", BackendConfig.DEFAULT_POOL_IDLE_TIMEOUT);
            int maxIdle = pool.integer("max_idle", BackendConfig.DEFAULT_POOL_MAX_IDLE, 0, 100_000);
            pool.rejectUnknown();
            var buffering = backend.choice("request_buffering", ordered("chunked", BackendConfig.RequestBuffering.CHUNKED,
                    "off", BackendConfig.RequestBuffering.OFF, "all", BackendConfig.RequestBuffering.ALL),
                    BackendConfig.RequestBuffering.CHUNKED);
            long bufferMemory = backend.size("request_buffer_memory", BackendConfig.DEFAULT_REQUEST_BUFFER_MEMORY);
            if (servers.isEmpty() || servers.stream().allMatch(BackendServer::backup)) {
                servers = List.of(BackendServer.tcp("127.0.0.1", 8000));  // a problem was recorded; keeps the record valid
            }
            return new BackendConfig(servers, balance, health, passive, retries, connect, response, idle, maxIdle,
                    buffering, bufferMemory);
        }

        private Optional<BackendServer> backendServer(Section server) {
            URI url = server.value("url", null, SERVER_URL_EXPECTED, ConfigLoader::backendUrl);
            int weight = server.integer("weight", 1, 1, BackendServer.MAX_WEIGHT);
            boolean backup = server.bool("backup", false);
            if (!server.has("url")) {
                server.problem("url", "missing (expected: " + SERVER_URL_EXPECTED + ")");
            }
            server.rejectUnknown();
            return Optional.ofNullable(url).map(u -> serverAt(u, weight, backup));
        }

        private Optional<HealthCheckConfig> health(Section health) {
            String path = health.value("path", null, "a path such as /healthz", text -> text.startsWith("/")
                    && text.chars().noneMatch(c -> c <= ' ' || c >= 0x7f) ? text : null);
            var interval = health.duration("interval", HealthCheckConfig.DEFAULT_INTERVAL);
            var timeout = health.duration("timeout", HealthCheckConfig.DEFAULT_TIMEOUT);
            int rise = health.integer("rise", HealthCheckConfig.DEFAULT_RISE, 1, HealthCheckConfig.MAX_COUNT);
            int fall = health.integer("fall", HealthCheckConfig.DEFAULT_FALL, 1, HealthCheckConfig.MAX_COUNT);
            int[] expect = health.value("expect", parseStatusRange(HealthCheckConfig.DEFAULT_EXPECT),
                    "a status or a range of them, such as 200 or 200-399", ConfigLoader::parseStatusRange);
            health.rejectUnknown();
            if (interval.isZero()) {
                health.problem("interval", "0 (expected: a duration such as 5s; active checks are off without a path)");
            }
            if (timeout.isZero()) {
                health.problem("timeout", "0 (expected: a duration such as 2s, shorter than the interval)");
            }
            if (path == null) {
                if (!health.has("path")) {
                    health.problem("path", "missing (expected: the path to check, such as /healthz)");
                }
                return Optional.empty();
            }
            if (interval.isZero() || timeout.isZero()) {
                return Optional.empty();
            }
            return Optional.of(new HealthCheckConfig(path, interval, timeout, rise, fall, expect[0], expect[1]));
        }
        /** The policy keys: hsts, cookies, upgrade_insecure_requests and response_headers under https; trusted_proxies and forwarded under backend. */
        private PolicyConfig policy(Section https, Section backend, Optional<Path> acmeStorage) {
            Section hsts = https.section("hsts");
            var maxAge = hsts.value("max_age", PolicyConfig.Hsts.DEFAULT_MAX_AGE,
                    "seconds, or a duration such as 730d (0 tells browsers to forget the policy)",
                    text -> text.matches("\\d{1,12}") ? java.time.Duration.ofSeconds(Long.parseLong(text)) : DurationSyntax.parse(text));
            boolean subdomains = hsts.bool("include_subdomains", false);
            boolean preload = hsts.bool("preload", false);
            if (preload && PolicyConfig.Hsts.preloadProblem(maxAge, subdomains) != null) {
                hsts.problem("preload", PolicyConfig.Hsts.preloadProblem(maxAge, subdomains));
                preload = false;
            }
            boolean ramp = hsts.bool("ramp", false);
            hsts.rejectUnknown();
            Optional<Path> rampState = ramp ? Optional.of(acmeStorage.orElseGet(() -> defaultStateDirectory().resolve("acme"))
                    .resolve("hsts-ramp")) : Optional.empty();

            Section cookies = https.section("cookies");
            boolean httpOnly = cookies.bool("http_only", false);
            String sameSite = cookies.choice("same_site", ordered("lax", "Lax", "strict", "Strict", "none", "None"), "");
            cookies.rejectUnknown();

            boolean upgrade = https.bool("upgrade_insecure_requests", false);
            Map<String, String> headers = new LinkedHashMap<>();
            Section extra = https.section("response_headers");
            for (String name : extra.keys()) {
                String value = extra.string(name, "");
                if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    extra.problem(name, "not a header name (expected: letters, digits and -)");
                } else if (ReservedResponseHeaders.problem(name) != null) {
                    extra.problem(extra.keyPositionOf(name), name, ReservedResponseHeaders.problem(name));
                } else if (!value.matches("[\\x20-\\x7E\\t]*")) {
                    extra.problem(name, "'" + value + "' (expected: visible ASCII, no line breaks)");
                } else {
                    headers.put(name, value);
                }
            }

            Map<Integer, String> errorPages = new LinkedHashMap<>();
            Section pages = https.section("error_pages");
            for (String code : pages.keys()) {
                int status = code.matches("\\d{3}") ? Integer.parseInt(code) : -1;
                if (!PolicyConfig.OWN_STATUSES.contains(status)) {
                    pages.problem(pages.keyPositionOf(code), code, "not a status tlsfront answers with itself (expected:"
                            + " one of " + PolicyConfig.OWN_STATUSES.toString().replaceAll("[\\[\\]]", "") + ")");
                    continue;
                }
                file(pages, code, "an HTML file of at most 64 KiB").ifPresent(file -> {
                    try {
                        if (Files.size(file) > 64 * 1024) {
                            pages.problem(code, "'" + file + "' is larger than 64 KiB (expected: a small HTML page)");
                        } else {
                            errorPages.put(status, Files.readString(file, StandardCharsets.UTF_8));
                        }
                    } catch (IOException | java.io.UncheckedIOException e) {
                        pages.problem(code, "'" + file + "' cannot be read as UTF-8 text (expected: an HTML file)");
                    }
                });
            }

            List<Cidr> trusted = cidrs(backend, "trusted_proxies");
            boolean forwarded = backend.bool("forwarded", false);
            return new PolicyConfig(new PolicyConfig.Hsts(maxAge, subdomains, preload, rampState),
                    new PolicyConfig.Cookies(httpOnly, Optional.of(sameSite).filter(v -> !v.isEmpty())),
                    upgrade, headers, trusted, forwarded, errorPages);
        }

        private LimitsConfig limits(Section limits) {
            LimitsConfig d = LimitsConfig.DEFAULT;
            int line = (int) (long) limits.value("max_request_line", (long) d.maxRequestLine(),
                    "a size from 64 bytes to 1MiB such as 8KiB",
                    t -> within(SizeSyntax.parse(t), LimitsConfig.REQUEST_LINE.min(), LimitsConfig.REQUEST_LINE.max()));
            int block = (int) (long) limits.value("max_header_block", (long) d.maxHeaderBlock(),
                    "a size from 256 bytes to 1MiB such as 32KiB",
                    t -> within(SizeSyntax.parse(t), LimitsConfig.HEADER_BLOCK.min(), LimitsConfig.HEADER_BLOCK.max()));
            int fields = limits.integer("max_header_fields", d.maxHeaderFields(), (int) LimitsConfig.HEADER_FIELDS.min(),
                    (int) LimitsConfig.HEADER_FIELDS.max());
            long body = limits.size("max_body_size", d.maxBodySize());
            var header = limits.duration("header_timeout", d.headerTimeout());
            var bodyTimeout = limits.duration("body_timeout", d.bodyTimeout());
            var keepAlive = limits.duration("keepalive_timeout", d.keepAliveTimeout());
            int connections = limits.integer("max_connections", d.maxConnections(), (int) LimitsConfig.CONNECTIONS.min(),
                    (int) LimitsConfig.CONNECTIONS.max());
            var websocketIdle = limits.duration("websocket_idle_timeout", d.websocketIdleTimeout());
            limits.rejectUnknown();
            return new LimitsConfig(line, block, fields, body, header, bodyTimeout, keepAlive, connections, websocketIdle);
        }

        private ServerConfig server(Section server) {
            ServerConfig d = ServerConfig.DEFAULT;
            int loops = server.integer("event_loops", d.eventLoops(), 0, ServerConfig.MAX_EVENT_LOOPS);
            var drain = server.duration("drain_timeout", d.drainTimeout());
            var delay = server.duration("shutdown_delay", d.shutdownDelay());
            String level = server.choice("log_level", LOG_LEVELS, d.logLevel());
            boolean json = server.choice("log_format", ordered("text", false, "json", true), d.logJson());
            server.rejectUnknown();
            return new ServerConfig(loops, drain, delay, level, json);
        }
    }

    private static URI directoryUrl(String text) {
        try {
            URI uri = new URI(text);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile("^.*?:(\\d+):(\\d+): ");

    /** The problems sorted by line and column, as they appear in the file; unplaced ones last. */
    private static List<String> inFileOrder(List<String> problems) {
        List<String> sorted = new ArrayList<>(problems);
        sorted.sort(java.util.Comparator.comparingLong(ConfigLoader::placeOf));
        return sorted;
    }

    private static long placeOf(String problem) {
        java.util.regex.Matcher m = POSITION.matcher(problem);
        return m.find() ? Long.parseLong(m.group(1)) * 100_000 + Long.parseLong(m.group(2)) : Long.MAX_VALUE;
    }

    private static Long within(Long value, long min, long max) {
        return value == null || value < min || value > max ? null : value;
    }

    static final String SERVER_URL_EXPECTED = "http://HOST:PORT such as http://127.0.0.1:8000, or unix:/PATH of a Unix socket";
    static final String SERVER_EXPECTED = "a URL, or { url: URL, weight: N, backup: true }";

    private static BackendServer serverAt(URI url, int weight, boolean backup) {
        if ("unix".equals(url.getScheme())) {
            return new BackendServer("", 0, Optional.of(Path.of(url.getSchemeSpecificPart())), weight, backup);
        }
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
        return new BackendServer(host, url.getPort() < 0 ? 80 : url.getPort(), Optional.empty(), weight, backup);
    }

    /** {@code 200} or {@code 200-399} as {from, to}; null when it is neither. */
    private static int[] parseStatusRange(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([1-5]\\d\\d)(?:-([1-5]\\d\\d))?").matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        return from <= to ? new int[] {from, to} : null;
    }

    private static URI backendUrl(String text) {
        if (text.startsWith("unix:")) {
            String path = text.substring(5);
            if (!path.startsWith("/") || path.startsWith("//") || path.length() < 2 || path.indexOf('\0') >= 0) {
                return null;
            }
            try {
                return new URI("unix", path, null);
            } catch (URISyntaxException e) {
                return null;
            }
        }
        try {
            URI uri = new URI(text);
            boolean plainOrigin = "http".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
            return plainOrigin ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... pairs) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (V) pairs[i + 1]);
        }
        return map;
    }
}
