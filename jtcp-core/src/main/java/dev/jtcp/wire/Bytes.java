package dev.jtcp.wire;

/**
 * Big-endian field access on byte arrays.
 *
 * <p>All multi-byte fields of IPv4 and TCP are sent most significant byte first ("network byte
 * order", RFC 791 Appendix B). These helpers keep the shifting in one place so that header code
 * reads as "field at offset".
 */
final class Bytes {

    private Bytes() {
    }

    /** Unsigned 8-bit field. */
    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    /** Unsigned 16-bit big-endian field. */
    static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** 32-bit big-endian field as a (possibly negative) int. */
    static int i32(byte[] b, int at) {
        return (u16(b, at) << 16) | u16(b, at + 2);
    }

    static void put8(byte[] b, int at, int v) {
        b[at] = (byte) v;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, int v) {
        put16(b, at, v >>> 16);
        put16(b, at + 2, v);
    }

    /** Lower-case hex of every byte, no separators ("0a0b"). */
    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >>> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }

    /** Checks that [off, off+len) lies inside an array of length {@code arrayLength}; a caller bug otherwise. */
    static void checkSlice(int off, int len, int arrayLength) {
        java.util.Objects.checkFromIndexSize(off, len, arrayLength);
    }

    static void checkUnsigned(String what, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " must be in 0.." + max + ", was " + value);
        }
    }
}
