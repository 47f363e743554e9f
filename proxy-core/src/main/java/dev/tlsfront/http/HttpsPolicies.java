package dev.tlsfront.http;

import dev.tlsfront.config.ProxyConfig;
import java.util.Optional;

/**
 * The HTTPS-only policies of one running proxy, built once its listeners' ports are known; the TLS
 * listener's initializer makes each connection's handlers from it.
 *
 * @param hsts the Strict-Transport-Security handler (shared)
 * @param forwarded the forwarded-headers rule
 * @param cookies the Secure-cookies rule
 * @param locations the Location rewriting rule
 * @param responseHeaders the operator's extra headers, when there are any (shared)
 * @param upgradeInsecureRequests whether to add the CSP directive
 */
public record HttpsPolicies(StrictTransportSecurityHandler hsts, ForwardedHeaders forwarded, SecureCookies cookies,
        LocationRewriter locations, Optional<ResponseHeadersHandler> responseHeaders, boolean upgradeInsecureRequests) {

    /**
     * @param httpPort the plaintext listener's bound port
     * @param tlsPort the TLS listener's bound port
     * @param publicHttpsPort the port browsers use for the TLS listener
     */
    public static HttpsPolicies of(ProxyConfig config, int httpPort, int tlsPort, int publicHttpsPort) {
        var policy = config.policy();
        return new HttpsPolicies(
                new StrictTransportSecurityHandler(policy.hsts()),
                new ForwardedHeaders(policy.trustedProxies(), policy.forwarded(), tlsPort),
                new SecureCookies(policy.cookies()),
                new LocationRewriter(config.hosts(), httpPort, tlsPort, publicHttpsPort, config.backend().host(),
                        config.backend().port()),
                policy.responseHeaders().isEmpty() ? Optional.empty()
                        : Optional.of(new ResponseHeadersHandler(policy.responseHeaders())),
                policy.upgradeInsecureRequests());
    }
}
