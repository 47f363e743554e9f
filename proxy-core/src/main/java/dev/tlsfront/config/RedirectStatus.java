package dev.tlsfront.config;

/** The status the plaintext listener redirects with. */
public enum RedirectStatus {
    /** 301 for GET and HEAD, 308 for other methods, so that a POST stays a POST (RFC 9110 §15.4.9). */
    AUTO(0),
    MOVED_PERMANENTLY(301),
    FOUND(302),
    TEMPORARY_REDIRECT(307),
    PERMANENT_REDIRECT(308);

    private final int code;

    RedirectStatus(int code) {
        this.code = code;
    }

    /** The status code for a request with this method. */
    public int codeFor(String method) {
        if (this != AUTO) {
            return code;
        }
        return method.equals("GET") || method.equals("HEAD") ? 301 : 308;
    }
}
