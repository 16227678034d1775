package dev.jtcp.wire;

/**
 * One SACK block: the receiver holds the bytes [start, end) (RFC 2018 section 3: "Left Edge of
 * Block" is the first sequence number of the block, "Right Edge" the sequence number immediately
 * following the last byte).
 *
 * @param start left edge, a sequence number
 * @param end   right edge (exclusive), a sequence number
 */
public record SackBlock(int start, int end) {

    /** Bytes covered: {@code end - start} modulo 2^32, as an unsigned count. */
    public long length() {
        return Seq.unsigned(end - start);
    }

    /** tcpdump's rendering, "{start:end}" with unsigned numbers. */
    @Override
    public String toString() {
        return "{" + Integer.toUnsignedString(start) + ":" + Integer.toUnsignedString(end) + "}";
    }
}
