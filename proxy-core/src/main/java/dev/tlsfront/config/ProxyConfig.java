package dev.tlsfront.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything tlsfront is configured with, validated.
 *
 * @param hosts the names the site is served under, normalised; the first is canonical, and
 *     redirects never name a host outside this list
 * @param http the plaintext listener
 * @param https the TLS listener
 * @param backend the app
 * @param server process-wide settings
 * @param policy the HTTPS-only policies applied to what passes through
 * @param limits limits and timeouts for what clients send
 * @param admin the admin listener
 * @param accessLog the per-request log
 * @param hostPositions where each host was written ({@code FILE:LINE:COLUMN}), for messages about it
 */
public record ProxyConfig(List<String> hosts, HttpListenerConfig http, HttpsListenerConfig https, BackendConfig backend,
        ServerConfig server, PolicyConfig policy, LimitsConfig limits, AdminConfig admin, AccessLogConfig accessLog,
        Map<String, String> hostPositions) {

    public ProxyConfig {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts: empty (expected: at least one host name)");
        }
        for (String host : hosts) {
            if (!HostName.isValid(host) || !host.equals(HostName.normalize(host))) {
                throw new IllegalArgumentException("hosts: '" + host + "' (expected: a normalised host name)");
            }
        }
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(https, "https");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(accessLog, "accessLog");
        hostPositions = Map.copyOf(hostPositions);
    }

    /** Where {@code host} was written, as a message prefix {@code "FILE:LINE:COLUMN: "}, or "" when unknown. */
    public String at(String host) {
        String position = hostPositions.get(host);
        return position == null ? "" : position + ": ";
    }

    /** The first host: where redirects go when the request's Host is not one of {@link #hosts()}. */
    public String canonicalHost() {
        return hosts.get(0);
    }
}
