package dev.tlsfront.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;

/**
 * The strict syntax of an HTTP/1.1 request head (RFC 9112 §2-§6) and of chunk-size lines (§7.1),
 * checked on the raw bytes before Netty's decoder, which folds, trims and normalises some of what
 * it accepts. Pure functions over one line or one head; {@link RequestSyntaxHandler} drives them.
 */
public final class RequestSyntax {

    /** The limits, with the status each one gives. */
    public record Limits(int maxRequestLine, int maxHeaderBlock, int maxFields) {
        public static final Limits DEFAULT = new Limits(8 * 1024, 32 * 1024, 100);
    }

    /** How the body of a valid head is framed. */
    public sealed interface Framing {}

    /** No body. */
    public record NoBody() implements Framing {}

    /** A body of exactly {@code length} bytes. */
    public record Fixed(long length) implements Framing {}

    /** A chunked body. */
    public record Chunked() implements Framing {}

    /** The head is refused with {@code status}. */
    public record Rejected(HttpResponseStatus status, String reason) implements Framing {}

    /**
     * The longest method accepted: far above any registered one (UPDATEREDIRECTREF, 17 bytes) and
     * short enough that a request line of nothing but method is refused long before the line limit.
     */
    static final int MAX_METHOD = 32;

    private RequestSyntax() {}

    static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /**
     * Null when the request line is valid: {@code METHOD SP TARGET SP HTTP/1.x}, single spaces;
     * otherwise the verdict. A minor version above 1 is valid (RFC 9110 §2.5: processed as HTTP/1.1).
     */
    static Rejected checkRequestLine(String line) {
        int first = line.indexOf(' ');
        int last = line.lastIndexOf(' ');
        if (first > MAX_METHOD || first < 0 && line.length() > MAX_METHOD) {
            return methodTooLong();
        }
        if (first <= 0 || last == first) {
            return bad("request line is not METHOD TARGET VERSION");
        }
        for (int i = 0; i < first; i++) {
            if (!isTokenChar(line.charAt(i))) {
                return bad("method is not a token");
            }
        }
        if (last == first + 1) {
            return bad("empty request target");
        }
        for (int i = first + 1; i < last; i++) {
            char c = line.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return bad("request target has whitespace or a control or non-ASCII byte");
            }
        }
        String version = line.substring(last + 1);
        if (version.length() == 8 && version.startsWith("HTTP/") && version.charAt(6) == '.'
                && isDigit(version.charAt(5)) && isDigit(version.charAt(7))) {
            // RFC 9112 §2.3: only major version 1 is this protocol; another is refused with 505.
            return version.charAt(5) == '1' ? null : new Rejected(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "version '" + version + "' (expected HTTP/1.x)");
        }
        return bad("version '" + version + "' (expected HTTP/1.1 or HTTP/1.0)");
    }

    /**
     * The verdict on a request line that grew past {@code limits.max_request_line} before its end:
     * 414 for a long target, but 501 when it is the method that is too long (RFC 9112 §3: a method
     * longer than any the server implements "SHOULD" get 501; 414 is about the target).
     */
    static Rejected overlongRequestLine(CharSequence partial) {
        for (int i = 0; i < partial.length() && i <= MAX_METHOD; i++) {
            if (partial.charAt(i) == ' ') {
                return new Rejected(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
            }
        }
        return methodTooLong();
    }

    private static Rejected methodTooLong() {
        return new Rejected(HttpResponseStatus.NOT_IMPLEMENTED, "method longer than " + MAX_METHOD + " bytes");
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Checks the field lines of a head (everything after the request line, without the final empty
     * line; lines separated by CRLF) and finds the body's framing.
     */
    static Framing checkFields(String fields, boolean http10, Limits limits) {
        int count = 0;
        int transferEncodings = 0;
        String transferEncoding = null;
        int contentLengths = 0;
        String contentLength = null;
        int start = 0;
        while (start < fields.length()) {
            int end = fields.indexOf("\r\n", start);
            if (end < 0) {
                end = fields.length();
            }
            String line = fields.substring(start, end);
            start = end + 2;
            if (++count > limits.maxFields()) {
                return new Rejected(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "more than " + limits.maxFields() + " header fields");
            }
            if (line.isEmpty() || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                return bad("obsolete line folding or a field line starting with whitespace");  // RFC 9112 §5.2
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return bad(colon == 0 ? "empty field name" : "field line without a colon");
            }
            for (int i = 0; i < colon; i++) {
                if (!isTokenChar(line.charAt(i))) {
                    return bad("field name is not a token (whitespace before the colon?)");  // RFC 9112 §5.1
                }
            }
            for (int i = colon + 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < 0x20 && c != '\t' || c == 0x7F) {
                    return bad("control byte in a field value");
                }
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncodings++;
                transferEncoding = value;
            } else if (name.equalsIgnoreCase("content-length")) {
                contentLengths++;
                contentLength = value;
            }
        }
        if (transferEncodings > 0) {
            if (contentLengths > 0) {
                return bad("both Content-Length and Transfer-Encoding");  // RFC 9112 §6.1: smuggling
            }
            if (http10) {
                return bad("Transfer-Encoding in an HTTP/1.0 request");  // RFC 9112 §6.1
            }
            if (transferEncodings > 1 || !transferEncoding.toLowerCase(Locale.ROOT).equals("chunked")) {
                return bad("Transfer-Encoding other than a single 'chunked'");
            }
            return new Chunked();
        }
        if (contentLengths > 1) {
            return bad("several Content-Length fields");
        }
        if (contentLengths == 1) {
            if (!contentLength.matches("\\d{1,18}")) {
                return bad("Content-Length '" + contentLength + "' is not a decimal length");
            }
            long length = Long.parseLong(contentLength);
            return length == 0 ? new NoBody() : new Fixed(length);
        }
        return new NoBody();
    }

    /**
     * A chunk-size line without its CRLF: {@code 1*HEXDIG}, then any chunk extensions, which are
     * checked against the grammar and ignored (RFC 9112 §7.1.1: {@code *( BWS ";" BWS name [ BWS "="
     * BWS ( token / quoted-string ) ] )}); -1 when invalid.
     */
    static long chunkSize(String line) {
        int end = 0;
        while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
            end++;
        }
        if (end == 0 || end > 15 || !validExtensions(line, end)) {
            return -1;
        }
        return Long.parseLong(line, 0, end, 16);
    }

    private static boolean validExtensions(String line, int from) {
        int i = from;
        while (true) {
            i = skipWhitespace(line, i);
            if (i == line.length()) {
                return true;
            }
            if (line.charAt(i) != ';') {
                return false;
            }
            i = skipWhitespace(line, i + 1);
            int name = i;
            while (i < line.length() && isTokenChar(line.charAt(i))) {
                i++;
            }
            if (i == name) {
                return false;
            }
            int afterName = skipWhitespace(line, i);
            if (afterName == line.length() || line.charAt(afterName) != '=') {
                i = afterName;
                continue;
            }
            i = skipWhitespace(line, afterName + 1);
            i = i < line.length() && line.charAt(i) == '"' ? endOfQuotedString(line, i) : endOfToken(line, i);
            if (i < 0) {
                return false;
            }
        }
    }

    private static int skipWhitespace(String line, int i) {
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static int endOfToken(String line, int i) {
        int start = i;
        while (i < line.length() && isTokenChar(line.charAt(i))) {
            i++;
        }
        return i == start ? -1 : i;
    }

    /** Just past the closing quote of the quoted-string opening at {@code i} (RFC 9110 §5.6.4), or -1. */
    private static int endOfQuotedString(String line, int i) {
        for (i = i + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i == line.length() || !isQuotable(line.charAt(i))) {
                    return -1;
                }
            } else if (!isQuotedText(c)) {
                return -1;
            }
        }
        return -1;
    }

    /** qdtext: HTAB, SP, visible ASCII but {@code "} and backslash, and obs-text. */
    private static boolean isQuotedText(char c) {
        return isQuotable(c) && c != '"' && c != '\\';
    }

    /** What a quoted-pair may escape: HTAB, SP, visible ASCII and obs-text. */
    private static boolean isQuotable(char c) {
        return c == '\t' || c >= 0x20 && c != 0x7F && c <= 0xFF;
    }

    private static Rejected bad(String reason) {
        return new Rejected(HttpResponseStatus.BAD_REQUEST, reason);
    }
}
