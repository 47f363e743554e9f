package dev.tlsfront.it;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic test bytes (byte i of a stream depends only on i) and their digests. */
final class Pattern {
    private Pattern() {}

    static byte at(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    static void fill(byte[] block, long offset, int len) {
        for (int i = 0; i < len; i++) {
            block[i] = at(offset + i);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of the first {@code n} pattern bytes, in hex. */
    static String sha256Of(long n) {
        MessageDigest sha = sha256();
        byte[] block = new byte[64 * 1024];
        for (long done = 0; done < n; ) {
            int len = (int) Math.min(block.length, n - done);
            fill(block, done, len);
            sha.update(block, 0, len);
            done += len;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A stream of the first {@code n} pattern bytes. */
    static InputStream stream(long n) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < n ? at(pos++) & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= n) {
                    return -1;
                }
                int count = (int) Math.min(len, n - pos);
                for (int i = 0; i < count; i++) {
                    b[off + i] = at(pos++);
                }
                return count;
            }
        };
    }

    /** Length and SHA-256 of everything in the stream. */
    static String digest(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = in.read(buffer)) > 0) {
            sha.update(buffer, 0, read);
            length += read;
        }
        return length + " " + HexFormat.of().formatHex(sha.digest());
    }
}
