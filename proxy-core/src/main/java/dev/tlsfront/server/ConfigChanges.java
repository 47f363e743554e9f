package dev.tlsfront.server;

import dev.tlsfront.config.ProxyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What a reload changed, by the config keys an operator wrote: {@code hosts, https.hsts, backend}. */
final class ConfigChanges {

    private ConfigChanges() {}

    static List<String> between(ProxyConfig before, ProxyConfig after) {
        List<String> changed = new ArrayList<>();
        add(changed, "hosts", before.hosts(), after.hosts());
        add(changed, "http", before.http(), after.http());
        add(changed, "https.listen", before.https().listen(), after.https().listen());
        // The files, not where the entries stand in the file (a line added above moves them).
        add(changed, "https.certificates", files(before), files(after));
        add(changed, "https.tls", before.https().tls(), after.https().tls());
        add(changed, "https.acme", before.https().acme(), after.https().acme());
        add(changed, "https.proxy_protocol", before.https().proxyProtocol(), after.https().proxyProtocol());
        add(changed, "https.session_tickets", before.https().sessionTickets(), after.https().sessionTickets());
        add(changed, "https.any_host", before.https().anyHost(), after.https().anyHost());
        add(changed, "https.hsts", before.policy().hsts(), after.policy().hsts());
        add(changed, "https.cookies", before.policy().cookies(), after.policy().cookies());
        add(changed, "https.upgrade_insecure_requests", before.policy().upgradeInsecureRequests(),
                after.policy().upgradeInsecureRequests());
        add(changed, "https.response_headers", before.policy().responseHeaders(), after.policy().responseHeaders());
        add(changed, "backend", before.backend(), after.backend());
        add(changed, "backend.trusted_proxies", before.policy().trustedProxies(), after.policy().trustedProxies());
        add(changed, "backend.forwarded", before.policy().forwarded(), after.policy().forwarded());
        add(changed, "limits", before.limits(), after.limits());
        add(changed, "admin", before.admin(), after.admin());
        add(changed, "access_log", before.accessLog(), after.accessLog());
        add(changed, "server", before.server(), after.server());
        return changed;
    }

    private static List<Object> files(ProxyConfig config) {
        return config.https().certificates().stream()
                .<Object>map(c -> List.of(c.cert(), c.key(), c.keyPasswordFile(), c.keyPassword())).toList();
    }

    private static void add(List<String> changed, String key, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(key);
        }
    }
}
