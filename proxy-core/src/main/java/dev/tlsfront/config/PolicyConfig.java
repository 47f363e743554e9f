package dev.tlsfront.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTPS-only policies, all on by default; the settings only tune them.
 *
 * @param hsts the Strict-Transport-Security header sent on every HTTPS response
 * @param cookies what is added to the backend's Set-Cookie headers (Secure always)
 * @param upgradeInsecureRequests add the CSP directive {@code upgrade-insecure-requests}
 * @param responseHeaders headers set on every HTTPS response (replacing the backend's)
 * @param trustedProxies peers whose X-Forwarded-For chain is kept (tlsfront behind a load balancer)
 * @param forwarded also send the RFC 7239 {@code Forwarded} header
 * @param errorPages the operator's HTML pages for the errors tlsfront answers itself, by status
 *     ({@code https.error_pages}), as read from their files
 */
public record PolicyConfig(Hsts hsts, Cookies cookies, boolean upgradeInsecureRequests,
        Map<String, String> responseHeaders, List<Cidr> trustedProxies, boolean forwarded,
        Map<Integer, String> errorPages) {

    /** The statuses tlsfront answers with itself, and so the ones {@code https.error_pages} may name. */
    public static final java.util.SortedSet<Integer> OWN_STATUSES = java.util.Collections.unmodifiableSortedSet(
            new java.util.TreeSet<>(List.of(400, 404, 408, 413, 414, 417, 421, 431, 501, 502, 503, 504, 505)));

    public static final PolicyConfig DEFAULT = new PolicyConfig(Hsts.DEFAULT, Cookies.DEFAULT, false, Map.of(),
            List.of(), false, Map.of());

    public PolicyConfig {
        Objects.requireNonNull(hsts, "hsts");
        Objects.requireNonNull(cookies, "cookies");
        responseHeaders = Map.copyOf(responseHeaders);
        trustedProxies = List.copyOf(trustedProxies);
        errorPages = Map.copyOf(errorPages);
    }

    /**
     * Strict-Transport-Security (RFC 6797).
     *
     * @param maxAge how long browsers must use HTTPS only; zero tells them to forget (the emergency switch)
     * @param includeSubdomains the policy covers every subdomain too
     * @param preload the site asks to be on browsers' built-in list (needs both of the above)
     * @param ramp when present, {@code max_age} is reached step by step from five minutes, and each
     *     host's progress is kept in this folder
     */
    public record Hsts(Duration maxAge, boolean includeSubdomains, boolean preload, Optional<Path> ramp) {
        /** Two years, as Mozilla's guidelines recommend. */
        public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(63_072_000);
        /** The least the preload list accepts. */
        public static final Duration PRELOAD_MIN_MAX_AGE = Duration.ofSeconds(31_536_000);
        public static final Hsts DEFAULT = new Hsts(DEFAULT_MAX_AGE, false, false, Optional.empty());

        public Hsts {
            Objects.requireNonNull(ramp, "ramp");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("max_age: " + maxAge + " (expected: 0 or more)");
            }
            if (preload && preloadProblem(maxAge, includeSubdomains) != null) {
                throw new IllegalArgumentException("preload: " + preloadProblem(maxAge, includeSubdomains));
            }
        }

        /**
         * What keeps a policy with this max-age and subdomain setting off the preload list, as the
         * rest of a {@code preload: true} error; null when nothing does. The one statement of the rule.
         */
        public static String preloadProblem(Duration maxAge, boolean includeSubdomains) {
            if (!includeSubdomains) {
                return "true without include_subdomains: true (expected: both, as the preload list requires)";
            }
            if (maxAge.compareTo(PRELOAD_MIN_MAX_AGE) < 0) {
                return "true with max_age " + maxAge.toSeconds() + " (expected: max_age of at least "
                        + PRELOAD_MIN_MAX_AGE.toSeconds() + " seconds, one year, as the preload list requires)";
            }
            return null;
        }

        /** The header value, e.g. {@code max-age=63072000; includeSubDomains; preload}. */
        public String headerValue() {
            return headerValue(maxAge);
        }

        /** The header value with {@code age} for max-age (a step of the ramp). */
        public String headerValue(Duration age) {
            return "max-age=" + age.toSeconds() + (includeSubdomains ? "; includeSubDomains" : "")
                    + (preload ? "; preload" : "");
        }
    }

    /**
     * What is added to every Set-Cookie from the backend, when the cookie lacks it.
     *
     * @param httpOnly add HttpOnly
     * @param sameSite add SameSite with this value ({@code Lax}, {@code Strict} or {@code None})
     */
    public record Cookies(boolean httpOnly, Optional<String> sameSite) {
        public static final Cookies DEFAULT = new Cookies(false, Optional.empty());

        public Cookies {
            Objects.requireNonNull(sameSite, "sameSite");
        }
    }
}
