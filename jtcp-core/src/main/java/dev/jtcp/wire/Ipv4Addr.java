package dev.jtcp.wire;

/**
 * IPv4 addresses as plain {@code int}s.
 *
 * <p>An address is held as the 32-bit value of its four octets in network order, most significant
 * first: 10.0.0.1 is {@code 0x0A000001}. That is exactly the value a big-endian read of the
 * address field of an IPv4 header gives (RFC 791 section 3.1), so no conversion happens on the
 * packet path and addresses compare, hash and sort as ints without allocation.
 */
public final class Ipv4Addr {

    private static final int OCTETS = 4;
    private static final int MAX_OCTET = 255;
    private static final int MAX_OCTET_DIGITS = 3;

    private Ipv4Addr() {
    }

    /**
     * Parses dotted-quad notation "a.b.c.d", each part a decimal 0..255.
     *
     * <p>Deliberately strict: exactly four parts, digits only, and no leading zeros ("010" is
     * rejected, because the BSD {@code inet_aton} would read it as octal 8 and silently mean a
     * different host).
     *
     * @throws IllegalArgumentException with a message naming the input and what is wrong with it
     */
    public static int parse(String dotted) {
        if (dotted == null) {
            throw new IllegalArgumentException("IPv4 address is null");
        }
        int addr = 0;
        int parts = 0;
        int start = 0;
        while (true) {
            int dot = dotted.indexOf('.', start);
            int end = dot < 0 ? dotted.length() : dot;
            if (parts == OCTETS) {
                throw bad(dotted, "more than four parts");
            }
            addr = (addr << 8) | octet(dotted, start, end);
            parts++;
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        if (parts != OCTETS) {
            throw bad(dotted, "expected four parts, found " + parts);
        }
        return addr;
    }

    private static int octet(String s, int start, int end) {
        int n = end - start;
        if (n == 0) {
            throw bad(s, "empty part");
        }
        if (n > MAX_OCTET_DIGITS) {
            throw bad(s, "part \"" + s.substring(start, end) + "\" is longer than 3 digits");
        }
        int v = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(s, "part \"" + s.substring(start, end) + "\" is not a decimal number");
            }
            v = v * 10 + (c - '0');
        }
        if (n > 1 && s.charAt(start) == '0') {
            throw bad(s, "part \"" + s.substring(start, end) + "\" has a leading zero");
        }
        if (v > MAX_OCTET) {
            throw bad(s, "part " + v + " is above 255");
        }
        return v;
    }

    private static IllegalArgumentException bad(String s, String why) {
        return new IllegalArgumentException("bad IPv4 address \"" + s + "\": " + why
                + " (expected four decimal numbers 0-255 separated by dots, e.g. 10.0.0.1)");
    }

    /** Dotted-quad text of an address, e.g. {@code format(0x0A000001)} is "10.0.0.1". */
    public static String format(int addr) {
        return new StringBuilder(15)
                .append(addr >>> 24).append('.')
                .append((addr >>> 16) & 0xFF).append('.')
                .append((addr >>> 8) & 0xFF).append('.')
                .append(addr & 0xFF)
                .toString();
    }
}
