package dev.tlsfront.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses off a connection as a strict client would (RFC 9112 §6.3), byte for byte:
 * any framing a client could read two ways is a failure, and a response counts as complete only when
 * its framing says it has ended.
 */
final class StrictResponseReader {

    /**
     * One final response: its status, fields (lower-case names), body, and whether its framing was
     * satisfied (false: the connection ended first).
     */
    record Response(int status, List<String[]> fields, byte[] body, boolean complete, List<Integer> interim) {
        String field(String name) {
            return fields.stream().filter(f -> f[0].equals(name)).map(f -> f[1]).findFirst().orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** The framing was ambiguous or broken: no client could rely on it. */
    static final class FramingError extends IOException {
        FramingError(String message) {
            super(message);
        }
    }

    private final InputStream in;

    StrictResponseReader(InputStream in) {
        this.in = in;
    }

    /** The next final response (after any 1xx), or null when the connection ended before a status line. */
    Response read(boolean head) throws IOException {
        List<Integer> interim = new ArrayList<>();
        while (true) {
            String statusLine = line(true);
            if (statusLine == null) {
                return null;
            }
            if (!statusLine.matches("HTTP/1\\.1 [1-5]\\d\\d .*")) {
                throw new FramingError("status line '" + statusLine + "'");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            List<String[]> fields = new ArrayList<>();
            String field;
            while (!(field = require(line(false))).isEmpty()) {
                int colon = field.indexOf(':');
                if (colon <= 0 || field.charAt(0) == ' ' || field.substring(0, colon).contains(" ")) {
                    throw new FramingError("field line '" + field + "'");
                }
                fields.add(new String[] {field.substring(0, colon).toLowerCase(Locale.ROOT), field.substring(colon + 1).strip()});
            }
            if (status < 200) {
                interim.add(status);
                continue;
            }
            return body(status, fields, head, interim);
        }
    }

    private Response body(int status, List<String[]> fields, boolean head, List<Integer> interim) throws IOException {
        List<String> lengths = fields.stream().filter(f -> f[0].equals("content-length")).map(f -> f[1]).toList();
        List<String> codings = fields.stream().filter(f -> f[0].equals("transfer-encoding")).map(f -> f[1]).toList();
        if (lengths.size() > 1 || !lengths.isEmpty() && !lengths.get(0).matches("\\d{1,18}")) {
            throw new FramingError("Content-Length " + lengths);
        }
        if (!codings.isEmpty() && !lengths.isEmpty()) {
            throw new FramingError("both Transfer-Encoding and Content-Length");
        }
        if (codings.size() > 1 || !codings.isEmpty() && !codings.get(0).equalsIgnoreCase("chunked")) {
            throw new FramingError("Transfer-Encoding " + codings);
        }
        if (status == 204 && (!lengths.isEmpty() || !codings.isEmpty())) {
            throw new FramingError("204 with framing fields");  // RFC 9110 §8.6
        }
        if (head || status == 204 || status == 304) {
            return new Response(status, fields, new byte[0], true, interim);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!codings.isEmpty()) {
            while (true) {
                String sizeLine = line(false);
                if (sizeLine == null) {
                    return new Response(status, fields, body.toByteArray(), false, interim);
                }
                int semicolon = sizeLine.indexOf(';');
                String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip();
                if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                    throw new FramingError("chunk size line '" + sizeLine + "'");
                }
                int size = Integer.parseInt(hex, 16);
                if (size == 0) {
                    String trailer;
                    while ((trailer = line(false)) != null && !trailer.isEmpty()) {
                        // trailer fields: read and ignored
                    }
                    return new Response(status, fields, body.toByteArray(), trailer != null, interim);
                }
                if (!copy(size, body) || !"".equals(line(false))) {
                    return new Response(status, fields, body.toByteArray(), false, interim);
                }
            }
        }
        if (!lengths.isEmpty()) {
            boolean whole = copy(Long.parseLong(lengths.get(0)), body);
            return new Response(status, fields, body.toByteArray(), whole, interim);
        }
        in.transferTo(body);  // delimited by the end of the connection (RFC 9112 §6.3 item 8)
        return new Response(status, fields, body.toByteArray(), true, interim);
    }

    private boolean copy(long n, ByteArrayOutputStream out) throws IOException {
        for (long i = 0; i < n; i++) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            out.write(b);
        }
        return true;
    }

    private static String require(String line) throws FramingError {
        if (line == null) {
            throw new FramingError("connection ended inside a response head");
        }
        return line;
    }

    /** A CRLF-terminated line without its CRLF; null at the end of the stream (or when cut mid-line). */
    private String line(boolean first) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
                    throw new FramingError("bare LF after '" + line + "'");
                }
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
        if (first && line.length() > 0) {
            throw new FramingError("connection ended inside a status line '" + line + "'");
        }
        return null;
    }
}
