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
    static final int SIGNATURE_ALGORITHMS = 13;
    static final int SUPPORTED_VERSIONS = 43;
    private static final int TLS_1_3 = 0x0304;
    /** ecdsa_secp256r1_sha256, ecdsa_secp384r1_sha384, ecdsa_secp521r1_sha512 (RFC 8446 §4.2.3), ecdsa_sha1. */
    private static final int[] ECDSA_SCHEMES = {0x0403, 0x0503, 0x0603, 0x0203};
    /** The ECDHE_ECDSA AEAD suites TLS 1.2 can use (RFC 5289, RFC 7905). */
    private static final int[] ECDSA_SUITES = {0xC02B, 0xC02C, 0xCCA9};

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

    /**
     * Whether the client can take an ECDSA certificate: over TLS 1.3 (both sides speak it) when its
     * signature_algorithms list an ECDSA scheme; over TLS 1.2 when it also offers an ECDHE_ECDSA
     * suite. A ClientHello that cannot be read counts as yes (ECDSA is what nearly every client takes).
     */
    static boolean acceptsEcdsa(ByteBuf hello, boolean serverSpeaksTls13) {
        int schemes = extension(hello, SIGNATURE_ALGORITHMS);
        boolean ecdsaScheme = schemes < 0 || listsAny(hello, schemes + 2, hello.getUnsignedShort(schemes), ECDSA_SCHEMES);
        if (serverSpeaksTls13 && offersTls13(hello)) {
            return ecdsaScheme;
        }
        int suites = cipherSuites(hello);
        return ecdsaScheme && (suites < 0 || listsAny(hello, suites + 2, hello.getUnsignedShort(suites), ECDSA_SUITES));
    }

    private static boolean offersTls13(ByteBuf hello) {
        int at = extension(hello, SUPPORTED_VERSIONS);
        if (at < 0 || at + 1 > hello.writerIndex()) {
            return false;
        }
        int length = hello.getUnsignedByte(at);
        for (int i = at + 1; i + 1 < at + 1 + length && i + 1 < hello.writerIndex(); i += 2) {
            if (hello.getUnsignedShort(i) == TLS_1_3) {
                return true;
            }
        }
        return false;
    }

    /** Whether the list of 16-bit values at {@code from}, {@code length} bytes long, holds any of {@code wanted}. */
    private static boolean listsAny(ByteBuf hello, int from, int length, int[] wanted) {
        int end = Math.min(from + length, hello.writerIndex());
        for (int i = from; i + 1 < end; i += 2) {
            int value = hello.getUnsignedShort(i);
            for (int w : wanted) {
                if (value == w) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The offset of the cipher_suites vector (its length first), or -1. */
    private static int cipherSuites(ByteBuf hello) {
        int at = hello.readerIndex() + 2 + 32;
        if (at + 1 > hello.writerIndex()) {
            return -1;
        }
        at += 1 + hello.getUnsignedByte(at);
        return at + 2 <= hello.writerIndex() ? at : -1;
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
