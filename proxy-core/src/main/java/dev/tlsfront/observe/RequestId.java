package dev.tlsfront.observe;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ID of one request, sent to the app as {@code X-Request-ID}, written in the access log and
 * returned to the client, so that a user's report can be matched to the app's log: 32 random hex
 * digits, or the ID a trusted proxy (a balancer in {@code trusted_proxies}) already gave the request.
 * A client's own is replaced: it could pass any text into the app's logs.
 */
final class RequestId {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RequestId() {}

    /** {@code given} when it came through a trusted proxy and is a sane ID; otherwise a new one. */
    static String decide(String given, boolean fromTrustedProxy) {
        return fromTrustedProxy && given != null && isSane(given) ? given : generate();
    }

    /** 1 to 128 letters, digits and {@code . _ : -}: what balancers and tracing systems send. */
    static boolean isSane(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] out = new byte[32];  // bytes, not chars: the string is Latin-1 inside, no char[] to compress
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            out[15 - i] = HEX[(int) (high >>> (4 * i)) & 0xF];
            out[31 - i] = HEX[(int) (low >>> (4 * i)) & 0xF];
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
