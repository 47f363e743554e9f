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

    private RequestSyntax() {}

    static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7F && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** Null when the request line is valid: {@code METHOD SP TARGET SP HTTP/1.x}, single spaces. */
    static String checkRequestLine(String line) {
        int first = line.indexOf(' ');
        int last = line.lastIndexOf(' ');
        if (first <= 0 || last == first) {
            return "request line is not METHOD TARGET VERSION";
        }
        for (int i = 0; i < first; i++) {
            if (!isTokenChar(line.charAt(i))) {
                return "method is not a token";
            }
        }
        if (last == first + 1) {
            return "empty request target";
        }
        for (int i = first + 1; i < last; i++) {
            char c = line.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                return "request target has whitespace or a control or non-ASCII byte";
            }
        }
        String version = line.substring(last + 1);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            return "version '" + version + "' (expected HTTP/1.1 or HTTP/1.0)";
        }
        return null;
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

    /** A chunk-size line without its CRLF: hex digits only, no sign, no extension; -1 when invalid. */
    static long chunkSize(String line) {
        if (line.isEmpty() || line.length() > 15) {
            return -1;
        }
        long size = 0;
        for (int i = 0; i < line.length(); i++) {
            int digit = Character.digit(line.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            size = size * 16 + digit;
        }
        return size;
    }

    private static Rejected bad(String reason) {
        return new Rejected(HttpResponseStatus.BAD_REQUEST, reason);
    }
}
