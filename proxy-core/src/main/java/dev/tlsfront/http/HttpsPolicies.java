package dev.tlsfront.http;

import dev.tlsfront.config.ProxyConfig;
import java.util.Optional;

/**
 * The HTTPS-only policies of one running proxy, built once its listeners' ports are known; the TLS
 * listener's initializer makes each connection's handlers from it.
 *
 * @param hsts the Strict-Transport-Security handler (shared), when there is no ramp
 * @param hstsRamp the ramp's current values, when {@code https.hsts.ramp} is on
 * @param forwarded the forwarded-headers rule
 * @param cookies the Secure-cookies rule
 * @param locations the Location rewriting rule
 * @param responseHeaders the operator's extra headers, when there are any (shared)
 * @param upgradeInsecureRequests whether to add the CSP directive
 * @param errorPages the HTML pages for the errors tlsfront answers itself
 */
public record HttpsPolicies(StrictTransportSecurityHandler hsts, Optional<HstsRampHandler.Values> hstsRamp,
        String canonicalHost, ForwardedHeaders forwarded, SecureCookies cookies, LocationRewriter locations,
        Optional<ResponseHeadersHandler> responseHeaders, boolean upgradeInsecureRequests, ErrorPages errorPages) {

    /** The HSTS handler for a new connection or stream: the shared one, or a ramped one of its own. */
    public io.netty.channel.ChannelHandler newHstsHandler() {
        return hstsRamp.<io.netty.channel.ChannelHandler>map(values -> new HstsRampHandler(values, canonicalHost))
                .orElse(hsts);
    }

    /**
     * @param httpPort the plaintext listener's bound port
     * @param tlsPort the TLS listener's bound port
     * @param publicHttpsPort the port browsers use for the TLS listener
     * @param hstsRamp the ramp's values, when it is on
     */
    public static HttpsPolicies of(ProxyConfig config, int httpPort, int tlsPort, int publicHttpsPort,
            Optional<HstsRampHandler.Values> hstsRamp) {
        var policy = config.policy();
        return new HttpsPolicies(
                new StrictTransportSecurityHandler(policy.hsts()), hstsRamp, config.canonicalHost(),
                new ForwardedHeaders(policy.trustedProxies(), policy.forwarded(), tlsPort),
                new SecureCookies(policy.cookies()),
                new LocationRewriter(config.hosts(), httpPort, tlsPort, publicHttpsPort, config.backend().servers().stream()
                        .filter(s -> s.socket().isEmpty()).map(s -> s.host() + ":" + s.port()).toList()),
                policy.responseHeaders().isEmpty() ? Optional.empty()
                        : Optional.of(new ResponseHeadersHandler(policy.responseHeaders())),
                policy.upgradeInsecureRequests(), new ErrorPages(policy.errorPages()));
    }
}
