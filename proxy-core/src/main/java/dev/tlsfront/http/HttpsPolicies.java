package dev.tlsfront.http;

import dev.tlsfront.config.ProxyConfig;
import java.util.Optional;

/**
 * The HTTPS-only policies of one running proxy, built once its listeners' ports are known; the TLS
 * listener's initializer makes each connection's handlers from it.
 *
 * @param hsts the Strict-Transport-Security handler (shared), when there is no ramp
 * @param hstsRamp the ramp's current values, when {@code https.hsts.ramp} is on
 * @param headers the request and response header policies, in order
 * @param errorPages the HTML pages for the errors tlsfront answers itself
 */
public record HttpsPolicies(StrictTransportSecurityHandler hsts, Optional<HstsRampHandler.Values> hstsRamp,
        String canonicalHost, HeaderPolicies headers, ErrorPages errorPages) {

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
     * @param cookieRewritten told of each Set-Cookie line changed (for the metrics)
     * @param locationRewritten told of each Location, Content-Location or Refresh rewritten (for the metrics)
     */
    public static HttpsPolicies of(ProxyConfig config, int httpPort, int tlsPort, int publicHttpsPort,
            Optional<HstsRampHandler.Values> hstsRamp, Runnable cookieRewritten, Runnable locationRewritten) {
        var policy = config.policy();
        HeaderPolicies headers = HeaderPolicies.of(
                new ForwardedHeaders(policy.trustedProxies(), policy.forwarded(), tlsPort),
                new SecureCookies(policy.cookies()),
                new LocationRewriter(config.hosts(), httpPort, tlsPort, publicHttpsPort, config.backend().servers().stream()
                        .filter(s -> s.socket().isEmpty()).map(s -> s.host() + ":" + s.port()).toList()),
                policy.responseHeaders().isEmpty() ? Optional.empty()
                        : Optional.of(new ResponseHeadersPolicy(policy.responseHeaders())),
                policy.upgradeInsecureRequests(), cookieRewritten, locationRewritten);
        return new HttpsPolicies(new StrictTransportSecurityHandler(policy.hsts()), hstsRamp, config.canonicalHost(),
                headers, new ErrorPages(policy.errorPages()));
    }
}
