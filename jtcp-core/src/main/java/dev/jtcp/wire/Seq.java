package dev.jtcp.wire;

/**
 * Sequence-number arithmetic modulo 2^32.
 *
 * <p>TCP sequence numbers live in a circular space of 2^32 values and wrap around (RFC 9293
 * section 3.4, "Sequence Numbers": "all arithmetic dealing with sequence numbers must be performed
 * modulo 2**32"). An {@code int} holds one exactly; comparisons must not use {@code <} on the raw
 * values, because 0xFFFFFFF0 is <em>before</em> 0x00000010 once the space has wrapped.
 *
 * <p>The comparisons here are Linux's ({@code before()} / {@code after()} in
 * {@code include/net/tcp.h}): {@code a} is before {@code b} when the signed 32-bit difference
 * {@code a - b} is negative. This orders any two numbers less than 2^31 apart correctly. Numbers
 * exactly 2^31 apart are ambiguous and, as in Linux, each is "before" the other; nothing in TCP can
 * legitimately compare such numbers because windows are at most 2^30 (RFC 7323 section 2.3).
 */
public final class Seq {

    private Seq() {
    }

    /** {@code a} strictly before {@code b}: {@code (a - b) < 0} (Linux {@code before(a, b)}). */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a} before or equal to {@code b}. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a} strictly after {@code b}: {@code (b - a) < 0} (Linux {@code after(a, b)}). */
    public static boolean gt(int a, int b) {
        return b - a < 0;
    }

    /** {@code a} after or equal to {@code b}. */
    public static boolean ge(int a, int b) {
        return b - a <= 0;
    }

    /** {@code a + n} wrapping modulo 2^32; {@code n} may be negative to step backwards. */
    public static int add(int a, int n) {
        return a + n;
    }

    /**
     * Signed distance from {@code b} to {@code a}, i.e. {@code a - b} modulo 2^32 read as a signed
     * int: how many bytes {@code a} is ahead of {@code b} (negative when behind).
     */
    public static int diff(int a, int b) {
        return a - b;
    }

    /**
     * {@code lo <= v <= hi} in sequence space, walking forward from {@code lo}. This is Linux's
     * {@code between(v, lo, hi)}: {@code hi - lo >= v - lo} as unsigned 32-bit numbers. Unlike a
     * pair of {@link #le} calls it works for ranges up to 2^32 - 1 long, and an empty-looking range
     * with {@code hi} before {@code lo} is read as the long way round.
     */
    public static boolean between(int lo, int v, int hi) {
        return Integer.compareUnsigned(hi - lo, v - lo) >= 0;
    }

    /**
     * {@code start <= v < start + size} in sequence space, with {@code size} read as unsigned. This
     * is the window test of RFC 9293 section 3.4 ({@code RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND}). A window
     * of size 0 contains nothing.
     */
    public static boolean inWindow(int v, int start, int size) {
        return Integer.compareUnsigned(v - start, size) < 0;
    }

    /** The later of two sequence numbers (by {@link #ge}); {@code Math.max} would be wrong across the wrap. */
    public static int max(int a, int b) {
        return ge(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers (by {@link #le}). */
    public static int min(int a, int b) {
        return le(a, b) ? a : b;
    }

    /** The value as an unsigned number 0..2^32-1, for printing and long arithmetic. */
    public static long unsigned(int v) {
        return Integer.toUnsignedLong(v);
    }
}
