package dev.tlsfront.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and smuggling requests over TLS: the client gets the right 4xx and a closed connection,
 * and the backend, which records every byte, sees nothing it should not.
 */
class MalformedRequestsTest {

    @TempDir
    static Path dir;
    static RecordingBackend backend;
    static RunningProxy proxy;
    static TestCertificate certificate;

    @BeforeAll
    static void start() throws Exception {
        backend = new RecordingBackend();
        certificate = TestCertificate.create(dir, "localhost", "127.0.0.1");
        proxy = RunningProxy.start(RunningProxy.yaml(certificate, backend.url(), ""), dir);
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    @BeforeEach
    void reset() {
        backend.reset();
    }

    private static final String H = "Host: localhost\r\n";
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n";

    /** Rejected: the client gets this status and a closed connection; the backend gets nothing at all. */
    static Stream<Arguments> rejected() {
        return Stream.of(
                // framing: Content-Length and Transfer-Encoding (RFC 9112 §6.1, §6.3)
                bad("CL and TE together", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED),
                bad("TE then CL", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + SMUGGLED),
                bad("TE xchunked", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                bad("TE chunked, identity", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                bad("TE identity", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: identity\r\n\r\n"),
                bad("TE gzip last", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"),
                bad("TE chunked twice", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
                bad("TE chunked in two fields", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                bad("TE with VT", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \u000bchunked\r\n\r\n0\r\n\r\n"),
                bad("TE with FF", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\u000c\r\n\r\n0\r\n\r\n"),
                bad("TE with NUL", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chun\u0000ked\r\n\r\n0\r\n\r\n"),
                bad("space before colon", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                bad("tab before colon", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n"),
                bad("TE obs-fold", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n"),
                bad("HTTP/1.0 with TE", 400, "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                bad("duplicate CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                bad("CL list", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5, 5\r\n\r\nhello"),
                bad("conflicting CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 50\r\n\r\nhello"),
                bad("signed CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello"),
                bad("negative CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n"),
                bad("hex CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nhello"),
                bad("empty CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: \r\n\r\n"),
                bad("overflowing CL", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999\r\n\r\n"),
                bad("CL with letters", 400, "POST / HTTP/1.1\r\n" + H + "Content-Length: 5a\r\n\r\nhello"),
                // line and field syntax (RFC 9112 §2.2, §5)
                bad("bare CR in value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n"),
                bad("bare CR in request line", 400, "GET /\r HTTP/1.1\r\n" + H + "\r\n"),
                bad("bare LF line ends", 400, "GET / HTTP/1.1\n" + H.replace("\r\n", "\n") + "\n"),
                bad("bare LF after a header", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\nX-B: b\r\n\r\n"),
                bad("NUL in value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\u0000b\r\n\r\n"),
                bad("control byte in value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\u0001b\r\n\r\n"),
                bad("DEL in value", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\u007fb\r\n\r\n"),
                bad("space in name", 400, "GET / HTTP/1.1\r\n" + H + "X A: b\r\n\r\n"),
                bad("paren in name", 400, "GET / HTTP/1.1\r\n" + H + "X(A): b\r\n\r\n"),
                bad("empty name", 400, "GET / HTTP/1.1\r\n" + H + ": b\r\n\r\n"),
                bad("line without colon", 400, "GET / HTTP/1.1\r\n" + H + "NoColonHere\r\n\r\n"),
                bad("obs-fold", 400, "GET / HTTP/1.1\r\n" + H + "X-A: a\r\n b\r\n\r\n"),
                bad("whitespace before first field", 400, "GET / HTTP/1.1\r\n X-A: a\r\n" + H + "\r\n"),
                // chunked bodies (RFC 9112 §7.1)
                bad("invalid chunk size", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                bad("chunk size with sign", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n0\r\n\r\n"),
                bad("chunk extension without a name", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;=1\r\nhello\r\n0\r\n\r\n"),
                bad("chunk extension with an unclosed quote", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;a=\"x\r\nhello\r\n0\r\n\r\n"),
                bad("no CRLF after chunk data", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
                bad("bare LF after chunk size", 400, "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"),
                // Host (RFC 9112 §3.2)
                bad("missing Host", 400, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
                bad("two Hosts", 400, "GET / HTTP/1.1\r\n" + H + "Host: other\r\n\r\n"),
                bad("Host list", 400, "GET / HTTP/1.1\r\nHost: localhost, evil.example\r\n\r\n"),
                bad("Host userinfo", 400, "GET / HTTP/1.1\r\nHost: user@localhost\r\n\r\n"),
                bad("Host with space", 400, "GET / HTTP/1.1\r\nHost: local host\r\n\r\n"),
                bad("absolute-form for another site", 421, "GET http://evil.example/ HTTP/1.1\r\n" + H + "\r\n"),
                // request line (RFC 9112 §3)
                bad("HTTP/0.9", 400, "GET /\r\n\r\n"),
                bad("HTTP/2.0 line", 505, "GET / HTTP/2.0\r\n" + H + "\r\n"),
                bad("HTTP/1.10", 400, "GET / HTTP/1.10\r\n" + H + "\r\n"),
                bad("unknown protocol", 400, "GET / FOO/1.1\r\n" + H + "\r\n"),
                bad("lower-case version", 400, "GET / http/1.1\r\n" + H + "\r\n"),
                bad("h2 preface", 505, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                bad("control byte before request line", 400, "\u0001GET / HTTP/1.1\r\n" + H + "\r\n"),
                bad("space in target", 400, "GET /a b HTTP/1.1\r\n" + H + "\r\n"),
                bad("two spaces", 400, "GET  / HTTP/1.1\r\n" + H + "\r\n"),
                bad("bad method", 400, "G(T / HTTP/1.1\r\n" + H + "\r\n"),
                bad("relative target", 400, "GET foo HTTP/1.1\r\n" + H + "\r\n"),
                // limits
                bad("method over 32 bytes", 501, "M".repeat(33) + " / HTTP/1.1\r\n" + H + "\r\n"),
                bad("method over 8 KiB", 501, "M".repeat(9000) + " / HTTP/1.1\r\n" + H + "\r\n"),
                bad("request line over 8 KiB", 414, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\n" + H + "\r\n"),
                bad("header block over 32 KiB", 431, "GET / HTTP/1.1\r\n" + H + ("X-Big: " + "b".repeat(1000) + "\r\n").repeat(40) + "\r\n"),
                bad("over 100 fields", 431, "GET / HTTP/1.1\r\n" + H + "X-F: 1\r\n".repeat(101) + "\r\n"),
                bad("unknown expectation", 417, "POST / HTTP/1.1\r\n" + H + "Expect: teapot\r\nContent-Length: 0\r\n\r\n"));
    }

    private static Arguments bad(String name, int status, String request) {
        return Arguments.of(name, status, request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void isRejectedAndNothingReachesTheBackend(String name, int status, String request) throws Exception {
        Exchange exchange = send(request, 3000);

        assertThat(exchange.response()).as(name).startsWith("HTTP/1.1 " + status + " ");
        assertThat(exchange.closed()).as(name + ": connection closed").isTrue();
        assertThat(backend.received()).as(name + ": what the backend received").isEmpty();
    }

    /** Accepted, but what reaches the backend is cleaned: one request, with nothing it should not have. */
    static Stream<Arguments> cleaned() {
        return Stream.of(
                Arguments.of("trailers are dropped", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Evil: 1\r\nContent-Length: 99\r\n\r\n",
                        "hello", "X-Evil"),
                Arguments.of("h2c upgrade is stripped", "GET / HTTP/1.1\r\n" + H + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n",
                        "GET / HTTP/1.1", "h2c"),
                Arguments.of("absolute-form becomes origin-form", "GET https://localhost/x?y=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
                        "GET /x?y=1 HTTP/1.1", "https://"),
                Arguments.of("leading empty line is ignored", "\r\nGET /ok HTTP/1.1\r\n" + H + "\r\n", "GET /ok HTTP/1.1", "\r\n\r\nGET"),
                Arguments.of("case-insensitive chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        "hello", "Chunked"),
                Arguments.of("chunk extensions, quoted-string values included, are ignored (RFC 9112 §7.1.1)",
                        "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n"
                                + "6 ; a=\"quoted; \\\"value\\\"\";b\r\n world\r\n0;last\r\n\r\n",
                        "hello world", "quoted"),
                Arguments.of("HTTP/1.2 is served as HTTP/1.1 (RFC 9110 §2.5)", "GET /v HTTP/1.2\r\n" + H + "\r\n",
                        "GET /v HTTP/1.1", "HTTP/1.2"),
                Arguments.of("Content_Length look-alike is removed", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent_Length: 50\r\n\r\nhello",
                        "hello", "Content_Length"),
                Arguments.of("Transfer_Encoding look-alike is removed", "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nTransfer_Encoding: chunked\r\n\r\nhello",
                        "hello", "Transfer_Encoding"),
                Arguments.of("OWS around CL", "POST / HTTP/1.1\r\n" + H + "Content-Length:  5 \r\n\r\nhello", "hello", "  5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cleaned")
    void isForwardedClean(String name, String request, String backendSees, String backendMustNotSee) throws Exception {
        Exchange exchange = send(request, 700);  // a valid request leaves the connection open: no need to wait long

        assertThat(exchange.response()).as(name).startsWith("HTTP/1.1 200 ");
        assertThat(backend.requests()).as(name + ": requests at the backend").isEqualTo(1);
        assertThat(backend.received()).as(name).contains(backendSees).doesNotContain(backendMustNotSee);
    }

    record Exchange(String response, boolean closed) {}

    /** Sends raw bytes over TLS; reads the first response and whether the connection then closes. */
    private static Exchange send(String request, int readTimeoutMillis) throws IOException {
        try (SSLSocket socket = (SSLSocket) certificate.trustingContext().getSocketFactory()
                .createSocket("localhost", proxy.httpsPort())) {
            socket.setSoTimeout(readTimeoutMillis);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean closed = false;
            byte[] buffer = new byte[8192];
            try {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    out.write(buffer, 0, read);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true;  // reset
            }
            return new Exchange(out.toString(StandardCharsets.ISO_8859_1), closed);
        }
    }
}
