package dev.jtcp.sim;

import dev.jtcp.sys.Errno;

import java.nio.charset.StandardCharsets;

/**
 * What a read returned: the byte count (0 at end of stream) or -errno, and the bytes.
 *
 * @param result the syscall's return value
 * @param data the bytes read (empty unless result > 0)
 */
public record ReadResult(int result, byte[] data) {
    public boolean ok() {
        return result > 0;
    }

    public boolean eof() {
        return result == 0;
    }

    /** The error, or null. */
    public Errno errno() {
        return result < 0 ? Errno.of(-result) : null;
    }

    public String text() {
        return new String(data, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return result > 0 ? result + " \"" + text() + "\"" : Errno.describe(result);
    }
}
