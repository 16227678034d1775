package dev.jtcp.wire;

/**
 * The Internet checksum (RFC 1071) and its TCP/IPv4 uses.
 *
 * <p>The checksum is the 16-bit one's complement of the one's complement sum of the data taken as
 * big-endian 16-bit words, an odd trailing byte padded with a zero byte (RFC 1071 section 1). The
 * sum is order-independent and can be accumulated piecewise, which is why {@link #sum} takes and
 * returns an unfolded 32-bit accumulator: callers add the pseudo-header, the header and the payload
 * in any split (as long as every piece but the last has even length) and {@link #fold} once.
 *
 * <p>One's complement arithmetic has two zeros, 0x0000 and 0xFFFF. A correct sum over data that
 * includes its own checksum folds to 0xFFFF ("all ones", RFC 1071 1(2)), so the checksum field
 * itself may equally carry 0x0000 or 0xFFFF when the computed value is 0x0000: both verify.
 * (UDP reserves 0x0000 for "no checksum"; TCP does not.)
 */
public final class Checksum {
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.invoke.VarHandle LE_LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);


    private static final long LOW_32 = 0xFFFFFFFFL;
    private static final int LOW_16 = 0xFFFF;
    private static final int WORD_SHIFT = 16;

    private Checksum() {
    }

    /**
     * One's complement sum of {@code buf[off..off+len)} as 16-bit big-endian words (an odd final
     * byte is the high byte of a word whose low byte is zero), added to {@code initial}.
     *
     * @param initial a previous result of this method or {@link #pseudoHeaderSum}, or 0
     * @return the 32-bit accumulator, not folded (carries out of bit 31 are added back in, so the
     *         value stays congruent modulo 0xFFFF and any number of calls can be chained)
     */
    public static int sum(byte[] buf, int off, int len, int initial) {
        Bytes.checkSlice(off, len, buf.length);
        int end = off + len;
        int i = off;
        // Thirty-two bytes per step, as eight 32-bit words in four 64-bit accumulators, read in little-endian
        // order (x86 and ARM read so without a byte swap): the one's complement sum does not depend on byte order
        // if the result's two bytes are swapped at the end (RFC 1071 2(B), "byte order independence"). Summing 32-bit words is the same sum as summing their 16-bit halves, because 2^16 = 1 modulo
        // 0xFFFF ("parallel summation"); each accumulator takes 2^32 words before it could overflow, far more than
        // the 64 KB a packet has.
        long a0 = 0;
        long a1 = 0;
        long a2 = 0;
        long a3 = 0;
        for (; i + 32 <= end; i += 32) {
            long w0 = (long) LE_LONGS.get(buf, i);
            long w1 = (long) LE_LONGS.get(buf, i + 8);
            long w2 = (long) LE_LONGS.get(buf, i + 16);
            long w3 = (long) LE_LONGS.get(buf, i + 24);
            a0 += (w0 >>> 32) + (w0 & LOW_32);
            a1 += (w1 >>> 32) + (w1 & LOW_32);
            a2 += (w2 >>> 32) + (w2 & LOW_32);
            a3 += (w3 >>> 32) + (w3 & LOW_32);
        }
        long le = a0 + a1 + a2 + a3;
        for (; i + 8 <= end; i += 8) {
            long w = (long) LE_LONGS.get(buf, i);
            le += (w >>> 32) + (w & LOW_32);
        }
        // Fold the little-endian sum to 16 bits and swap its bytes: the big-endian sum of the same words. An even
        // number of bytes was summed so far, so the rest keeps its big-endian word boundaries.
        while ((le >>> WORD_SHIFT) != 0) {
            le = (le & LOW_16) + (le >>> WORD_SHIFT);
        }
        long acc = Integer.toUnsignedLong(initial) + ((le & 0xFF) << Byte.SIZE | le >>> Byte.SIZE);
        for (; i + 1 < end; i += 2) {
            acc += Bytes.u16(buf, i);
        }
        if (i < end) {
            acc += Bytes.u8(buf, i) << Byte.SIZE;
        }
        while ((acc >>> Integer.SIZE) != 0) {
            acc = (acc & LOW_32) + (acc >>> Integer.SIZE);
        }
        return (int) acc;
    }

    /**
     * Folds a 32-bit accumulator to 16 bits with end-around carry and complements it: the value to
     * put in a checksum field (RFC 1071 section 4.1). Over data that already contains a correct
     * checksum the result is 0.
     */
    public static int fold(int sum) {
        long s = Integer.toUnsignedLong(sum);
        while ((s >>> WORD_SHIFT) != 0) {
            s = (s & LOW_16) + (s >>> WORD_SHIFT);
        }
        return (int) (~s & LOW_16);
    }

    /**
     * Sum of the TCP/UDP pseudo-header for IPv4 (RFC 9293 section 3.1): source address,
     * destination address, a zero byte and the protocol, and the TCP length (header plus data, not
     * counting the pseudo-header). Binding the addresses in protects against misdelivered segments.
     */
    public static int pseudoHeaderSum(int srcAddr, int dstAddr, int protocol, int length) {
        return (srcAddr >>> WORD_SHIFT) + (srcAddr & LOW_16)
                + (dstAddr >>> WORD_SHIFT) + (dstAddr & LOW_16)
                + (protocol & LOW_16)
                + (length >>> WORD_SHIFT) + (length & LOW_16);
    }

    /** The checksum value for the TCP segment in {@code buf[off..off+len)}, whose checksum field must be zero. */
    public static int tcpIpv4(int srcAddr, int dstAddr, byte[] buf, int off, int len) {
        return fold(sum(buf, off, len, pseudoHeaderSum(srcAddr, dstAddr, Ipv4Header.PROTO_TCP, len)));
    }

    /** True when the TCP segment in {@code buf[off..off+len)}, checksum field as received, verifies. */
    public static boolean verifyTcpIpv4(int srcAddr, int dstAddr, byte[] buf, int off, int len) {
        return tcpIpv4(srcAddr, dstAddr, buf, off, len) == 0;
    }

    /**
     * {@link #fold} of the sum of an IPv4 header of {@code headerLength} bytes: with the checksum
     * field zero it is the value to write there; with the field as received it is 0 exactly when
     * the header verifies (RFC 791 3.1, "Header Checksum").
     */
    public static int ipv4Header(byte[] buf, int off, int headerLength) {
        if (headerLength == 20 && off >= 0 && off + 20 <= buf.length) {
            // The usual header, without options: ten words, summed without a loop.
            long a = (long) LONGS.get(buf, off);
            long b = (long) LONGS.get(buf, off + 8);
            int c = ((buf[off + 16] & 0xff) << 8 | (buf[off + 17] & 0xff)) + ((buf[off + 18] & 0xff) << 8 | (buf[off + 19] & 0xff));
            long acc = (a >>> 48) + ((a >>> 32) & 0xFFFF) + ((a >>> 16) & 0xFFFF) + (a & 0xFFFF)
                    + (b >>> 48) + ((b >>> 32) & 0xFFFF) + ((b >>> 16) & 0xFFFF) + (b & 0xFFFF) + c;
            return fold((int) acc);
        }
        return fold(sum(buf, off, headerLength, 0));
    }

    /**
     * Incrementally updates a checksum when one 16-bit word of the covered data changes from
     * {@code oldWord} to {@code newWord}, without re-summing: RFC 1624 section 3, equation 3,
     * {@code HC' = ~(~HC + ~m + m')}. This is what a router does for a TTL decrement, and what NAT
     * does for an address or port rewrite (a 32-bit field is two calls).
     */
    public static int adjust(int checksum, int oldWord, int newWord) {
        return fold((~checksum & LOW_16) + (~oldWord & LOW_16) + (newWord & LOW_16));
    }
}
