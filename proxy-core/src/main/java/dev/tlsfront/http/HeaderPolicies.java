package dev.tlsfront.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The header policies of the TLS listener, in the order {@link HeaderPoliciesHandler} applies them.
 *
 * <p>Requests, before they are forwarded:
 * <ol>
 *   <li>{@link HopByHopHeadersPolicy}: the client connection's own headers removed;
 *   <li>{@link ForwardedHeadersPolicy}: client-sent forwarding headers replaced by tlsfront's.
 * </ol>
 * Responses, as the app sends them back:
 * <ol>
 *   <li>{@link UpgradeInsecureRequestsPolicy} (with {@code https.upgrade_insecure_requests});
 *   <li>{@link ResponseHeadersPolicy} (with {@code https.response_headers});
 *   <li>{@link LocationRewritePolicy}: the site's {@code http://} URLs become {@code https://};
 *   <li>{@link SecureCookiesPolicy}: every Set-Cookie gets {@code Secure}.
 * </ol>
 *
 * @param requests the request policies, in order
 * @param responses the response policies, in order
 */
public record HeaderPolicies(List<RequestPolicy> requests, List<ResponsePolicy> responses) {

    public HeaderPolicies {
        requests = List.copyOf(requests);
        responses = List.copyOf(responses);
    }

    /**
     * @param cookieRewritten told of each Set-Cookie line changed (for the metrics)
     * @param locationRewritten told of each header rewritten (for the metrics)
     */
    static HeaderPolicies of(ForwardedHeaders forwarded, SecureCookies cookies, LocationRewriter locations,
            Optional<ResponseHeadersPolicy> responseHeaders, boolean upgradeInsecureRequests,
            Runnable cookieRewritten, Runnable locationRewritten) {
        List<ResponsePolicy> responses = new ArrayList<>();
        if (upgradeInsecureRequests) {
            responses.add(UpgradeInsecureRequestsPolicy.INSTANCE);
        }
        responseHeaders.ifPresent(responses::add);
        responses.add(new LocationRewritePolicy(locations, locationRewritten));
        responses.add(new SecureCookiesPolicy(cookies, cookieRewritten));
        return new HeaderPolicies(List.of(HopByHopHeadersPolicy.INSTANCE, new ForwardedHeadersPolicy(forwarded)),
                responses);
    }
}
