package dev.tlsfront.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.util.List;
import java.util.Set;

/**
 * The site's hosts that the certificate a TLS connection presented is valid for: a request on that
 * connection may name only these (RFC 9110 §15.5.20 and RFC 9113 §9.1.1: another listed host that
 * the same certificate covers may share the connection). Set on the connection once SNI has chosen.
 *
 * @param hosts the hosts, in the form they have in the config
 */
public record CoveredHosts(Set<String> hosts) {

    static final AttributeKey<CoveredHosts> KEY = AttributeKey.valueOf(CoveredHosts.class, "covered");

    public CoveredHosts {
        hosts = Set.copyOf(hosts);
    }

    /** Those of {@code hosts} that {@code certificate} is valid for. */
    static CoveredHosts of(CertificateInfo certificate, List<String> hosts) {
        return new CoveredHosts(Set.copyOf(hosts.stream().filter(certificate::covers).toList()));
    }

    /** What the connection of {@code channel} (or of the HTTP/2 stream it is) presented; null before TLS has chosen. */
    public static CoveredHosts of(Channel channel) {
        CoveredHosts own = channel.attr(KEY).get();
        return own != null || channel.parent() == null ? own : channel.parent().attr(KEY).get();
    }

    public boolean contains(String host) {
        return hosts.contains(host);
    }
}
