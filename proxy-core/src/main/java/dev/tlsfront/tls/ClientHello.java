package dev.tlsfront.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Reads extensions out of a TLS ClientHello (RFC 8446 §4.1.2) as the SNI handler receives it: the
 * handshake message body, from the legacy version on. Every length is checked against what
 * precedes it; anything malformed reads as "not there".
 */
final class ClientHello {

    static final int ALPN = 16;

    private ClientHello() {}

    /** Whether the ALPN extension (RFC 7301 §3.1) lists {@code protocol}. */
    static boolean offersProtocol(ByteBuf hello, String protocol) {
        int at = extension(hello, ALPN);
        if (at < 0) {
            return false;
        }
        int length = hello.getUnsignedShort(at);
        int end = at + 2 + length;
        if (end > hello.writerIndex()) {
            return false;
        }
        byte[] wanted = protocol.getBytes(StandardCharsets.US_ASCII);
        for (int i = at + 2; i < end; ) {
            int nameLength = hello.getUnsignedByte(i);
            if (i + 1 + nameLength > end) {
                return false;
            }
            if (nameLength == wanted.length && matches(hello, i + 1, wanted)) {
                return true;
            }
            i += 1 + nameLength;
        }
        return false;
    }

    private static boolean matches(ByteBuf buf, int at, byte[] wanted) {
        for (int j = 0; j < wanted.length; j++) {
            if (buf.getByte(at + j) != wanted[j]) {
                return false;
            }
        }
        return true;
    }

    /** The offset of the data of extension {@code type} (after its own type and length), or -1. */
    static int extension(ByteBuf hello, int type) {
        int end = hello.writerIndex();
        int at = hello.readerIndex() + 2 + 32;  // legacy_version, random
        if (at + 1 > end) {
            return -1;
        }
        at += 1 + hello.getUnsignedByte(at);  // legacy_session_id
        if (at + 2 > end) {
            return -1;
        }
        at += 2 + hello.getUnsignedShort(at);  // cipher_suites
        if (at + 1 > end) {
            return -1;
        }
        at += 1 + hello.getUnsignedByte(at);  // legacy_compression_methods
        if (at + 2 > end) {
            return -1;
        }
        int extensionsEnd = at + 2 + hello.getUnsignedShort(at);
        if (extensionsEnd > end) {
            return -1;
        }
        at += 2;
        while (at + 4 <= extensionsEnd) {
            int extensionType = hello.getUnsignedShort(at);
            int length = hello.getUnsignedShort(at + 2);
            if (at + 4 + length > extensionsEnd) {
                return -1;
            }
            if (extensionType == type) {
                return at + 4;
            }
            at += 4 + length;
        }
        return -1;
    }
}
