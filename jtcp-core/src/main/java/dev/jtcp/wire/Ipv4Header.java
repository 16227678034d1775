package dev.jtcp.wire;

/**
 * An IPv4 header as a value (RFC 791 section 3.1).
 *
 * <pre>
 *  byte    0                   1                   2                   3
 *  offset  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    0    |Version|  IHL  |Type of Service|          Total Length         |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    4    |         Identification        |0|D|M|      Fragment Offset    |
 *         |                               | |F|F|    (8-byte units)       |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    8    |  Time to Live |    Protocol   |         Header Checksum       |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   12    |                       Source Address                          |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   16    |                    Destination Address                        |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   20    |          Options (IHL*4 - 20 bytes, skipped on parse)         |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>IP options are never generated and are skipped on parse; {@code headerLength} (IHL*4) says how
 * many header bytes there were. The reserved flag bit (the "0" above) must be zero and is not
 * kept; Linux does not check it on receive.
 *
 * @param tos            Type of Service byte (DSCP and ECN, RFC 2474 / RFC 3168), 0..255
 * @param totalLength    header plus payload in bytes, 0..65535
 * @param id             Identification, 0..65535
 * @param dontFragment   DF flag
 * @param moreFragments  MF flag
 * @param fragmentOffset fragment offset <em>in bytes</em> (the wire field is in 8-byte units), 0..65528, a multiple of 8
 * @param ttl            Time to Live, 0..255
 * @param protocol       protocol number, 0..255 ({@link #PROTO_TCP} etc.)
 * @param checksum       header checksum field as on the wire (ignored by {@link #emit}, which computes it)
 * @param src            source address ({@link Ipv4Addr} int form)
 * @param dst            destination address
 * @param headerLength   IHL*4, 20..60, a multiple of 4
 */
public record Ipv4Header(int tos, int totalLength, int id, boolean dontFragment, boolean moreFragments,
                         int fragmentOffset, int ttl, int protocol, int checksum, int src, int dst,
                         int headerLength) {

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    /** The ECN field: the low two bits of the TOS byte (RFC 3168 section 5; Linux's INET_ECN_MASK). */
    public static final int ECN_MASK = 0x03;
    /** Not-ECT: the sender does not do ECN (INET_ECN_NOT_ECT). */
    public static final int ECN_NOT_ECT = 0x00;
    /** ECT(1) (INET_ECN_ECT_1). */
    public static final int ECN_ECT_1 = 0x01;
    /** ECT(0), what an RFC 3168 sender uses (INET_ECN_ECT_0). */
    public static final int ECN_ECT_0 = 0x02;
    /** Congestion Experienced, set by a router instead of dropping (INET_ECN_CE). */
    public static final int ECN_CE = 0x03;

    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    /** 16 bits: 3 flag bits, then the 13-bit fragment offset. */
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_OFFSET = 12;
    public static final int DST_OFFSET = 16;

    /** IHL 5: the header without options, also the only length {@link #emit} writes. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** IHL 15. */
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int VERSION = 4;

    private static final int VERSION_SHIFT = 4;
    private static final int IHL_MASK = 0x0F;
    private static final int BYTES_PER_WORD = 4;
    private static final int FLAG_RESERVED = 0x8000;
    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int FRAGMENT_OFFSET_MASK = 0x1FFF;
    /** The fragment offset field counts 8-byte units (RFC 791 3.1). */
    private static final int FRAGMENT_UNIT = 8;
    private static final int MAX_8 = 0xFF;
    private static final int MAX_16 = 0xFFFF;

    /** @throws IllegalArgumentException when a field is outside its wire range */
    public Ipv4Header {
        Bytes.checkUnsigned("tos", tos, MAX_8);
        Bytes.checkUnsigned("totalLength", totalLength, MAX_16);
        Bytes.checkUnsigned("id", id, MAX_16);
        Bytes.checkUnsigned("fragmentOffset", fragmentOffset, FRAGMENT_OFFSET_MASK * FRAGMENT_UNIT);
        if (fragmentOffset % FRAGMENT_UNIT != 0) {
            throw new IllegalArgumentException("fragmentOffset is in bytes and must be a multiple of 8, was " + fragmentOffset);
        }
        Bytes.checkUnsigned("ttl", ttl, MAX_8);
        Bytes.checkUnsigned("protocol", protocol, MAX_8);
        Bytes.checkUnsigned("checksum", checksum, MAX_16);
        if (headerLength < MIN_HEADER_LENGTH || headerLength > MAX_HEADER_LENGTH || headerLength % BYTES_PER_WORD != 0) {
            throw new IllegalArgumentException("headerLength must be 20..60 and a multiple of 4, was " + headerLength);
        }
    }

    /**
     * The header the stack sends: no options, TOS 0, DF set (Linux sets DF on TCP because it does
     * path MTU discovery, RFC 1191), not a fragment, checksum to be computed by {@link #emit}.
     */
    public static Ipv4Header of(int src, int dst, int protocol, int ttl, int id, int payloadLength) {
        return new Ipv4Header(0, MIN_HEADER_LENGTH + payloadLength, id, true, false, 0, ttl, protocol, 0, src, dst,
                MIN_HEADER_LENGTH);
    }

    /**
     * Rewrites the TOS byte of the IPv4 header at {@code buf[off]} and its header checksum (a router's
     * CE mark, IP_ECN_set_ce(); the stack's own ECN codepoint on output).
     */
    public static void setTos(byte[] buf, int off, int tos) {
        Bytes.checkUnsigned("tos", tos, MAX_8);
        int headerLength = (Bytes.u8(buf, off + VERSION_IHL_OFFSET) & IHL_MASK) * BYTES_PER_WORD;
        Bytes.checkSlice(off, headerLength, buf.length);
        Bytes.put8(buf, off + TOS_OFFSET, tos);
        Bytes.put16(buf, off + CHECKSUM_OFFSET, 0);
        Bytes.put16(buf, off + CHECKSUM_OFFSET, Checksum.ipv4Header(buf, off, headerLength));
    }

    /** A fragment (RFC 791 3.2): MF set or a non-zero offset. Such a packet carries only part of a datagram. */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }

    /** Total length minus header length. */
    public int payloadLength() {
        return totalLength - headerLength;
    }

    /**
     * Writes the 20-byte header at {@code buf[off]} and fills in the header checksum (RFC 791 3.1:
     * the one's complement of the one's complement sum of the header's 16-bit words, computed with
     * the checksum field zero). The record's own checksum component is ignored.
     *
     * @throws IllegalStateException when {@code headerLength != 20}: IP options are not generated,
     *                               and writing IHL 5 would silently contradict the value
     */
    public void emit(byte[] buf, int off) {
        if (headerLength != MIN_HEADER_LENGTH) {
            throw new IllegalStateException("only 20-byte headers are emitted (no IP options), headerLength is "
                    + headerLength);
        }
        write(buf, off, tos, totalLength, id, (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0)
                | (fragmentOffset / FRAGMENT_UNIT), ttl, protocol, src, dst);
    }

    /**
     * Writes the header {@link #of} describes at {@code buf[off]}, with its checksum, without making the
     * value first: the output path of every packet.
     */
    public static void emitOf(byte[] buf, int off, int src, int dst, int protocol, int ttl, int id, int payloadLength) {
        emitOf(buf, off, src, dst, protocol, 0, true, ttl, id, payloadLength);
    }

    /** As above, with a TOS byte and DF set or clear. */
    public static void emitOf(byte[] buf, int off, int src, int dst, int protocol, int tos, boolean df, int ttl, int id,
                              int payloadLength) {
        Bytes.checkUnsigned("totalLength", MIN_HEADER_LENGTH + payloadLength, MAX_16);
        Bytes.checkUnsigned("id", id, MAX_16);
        Bytes.checkUnsigned("ttl", ttl, MAX_8);
        Bytes.checkUnsigned("protocol", protocol, MAX_8);
        Bytes.checkUnsigned("tos", tos, MAX_8);
        write(buf, off, tos, MIN_HEADER_LENGTH + payloadLength, id, df ? FLAG_DF : 0, ttl, protocol, src, dst);
    }

    private static void write(byte[] buf, int off, int tos, int totalLength, int id, int flagsFragment, int ttl,
                              int protocol, int src, int dst) {
        Bytes.checkSlice(off, MIN_HEADER_LENGTH, buf.length);
        Bytes.put8(buf, off + VERSION_IHL_OFFSET, (VERSION << VERSION_SHIFT) | (MIN_HEADER_LENGTH / BYTES_PER_WORD));
        Bytes.put8(buf, off + TOS_OFFSET, tos);
        Bytes.put16(buf, off + TOTAL_LENGTH_OFFSET, totalLength);
        Bytes.put16(buf, off + ID_OFFSET, id);
        Bytes.put16(buf, off + FLAGS_FRAGMENT_OFFSET, flagsFragment);
        Bytes.put8(buf, off + TTL_OFFSET, ttl);
        Bytes.put8(buf, off + PROTOCOL_OFFSET, protocol);
        Bytes.put16(buf, off + CHECKSUM_OFFSET, 0);
        Bytes.put32(buf, off + SRC_OFFSET, src);
        Bytes.put32(buf, off + DST_OFFSET, dst);
        Bytes.put16(buf, off + CHECKSUM_OFFSET, Checksum.ipv4Header(buf, off, MIN_HEADER_LENGTH));
    }

    /**
     * Parses the IPv4 header of the packet in {@code buf[off..off+len)}, {@code len} being the bytes
     * received (link-layer padding after the total length is allowed and ignored).
     *
     * <p>Checks, in the order of Linux's {@code ip_rcv_core()}: at least 20 bytes
     * ({@link WireError#IP_TOO_SHORT}); version 4 ({@link WireError#IP_BAD_VERSION}); IHL at least 5
     * and IHL*4 bytes present ({@link WireError#IP_BAD_IHL}); when {@code verifyChecksum}, the
     * header checksum ({@link WireError#IP_BAD_CHECKSUM}); total length not beyond the bytes
     * received ({@link WireError#IP_TRUNCATED}) and not below the header length
     * ({@link WireError#IP_BAD_TOTAL_LENGTH}).
     *
     * <p>Never throws for any byte content; only an {@code off}/{@code len} slice outside
     * {@code buf} (a caller bug) throws {@link IndexOutOfBoundsException}.
     */
    public static Ipv4Parse parse(byte[] buf, int off, int len, boolean verifyChecksum) {
        Bytes.checkSlice(off, len, buf.length);
        WireError e = check(buf, off, len, verifyChecksum);
        return e == null ? ok(buf, off) : new Ipv4Parse.Bad(e, badDetail(e, buf, off, len));
    }

    private static String badDetail(WireError e, byte[] buf, int off, int len) {
        if (len < MIN_HEADER_LENGTH) {
            return "packet is " + len + " bytes, an IPv4 header needs " + MIN_HEADER_LENGTH;
        }
        int headerLength = headerLengthOf(buf, off);
        int totalLength = totalLengthOf(buf, off);
        return switch (e) {
            case IP_BAD_VERSION -> "version " + (Bytes.u8(buf, off + VERSION_IHL_OFFSET) >>> VERSION_SHIFT) + ", expected 4";
            case IP_BAD_IHL -> headerLength < MIN_HEADER_LENGTH
                    ? "IHL " + headerLength / BYTES_PER_WORD + " words is below the minimum of 5"
                    : "IHL says a " + headerLength + "-byte header, only " + len + " bytes received";
            case IP_BAD_CHECKSUM -> String.format("header checksum 0x%04x, expected 0x%04x",
                    Bytes.u16(buf, off + CHECKSUM_OFFSET), expectedChecksum(buf, off, headerLength));
            case IP_TRUNCATED -> "total length " + totalLength + ", only " + len + " bytes received";
            default -> "total length " + totalLength + " is less than the header length " + headerLength;
        };
    }

    /**
     * The checks of {@link #parse} without building anything: null when the packet in
     * {@code buf[off..off+len)} is well formed, else the first check that failed. The fields of a
     * well-formed packet are then read with {@link #srcOf}, {@link #dstOf}, and so on.
     */
    public static WireError check(byte[] buf, int off, int len, boolean verifyChecksum) {
        Bytes.checkSlice(off, len, buf.length);
        if (len < MIN_HEADER_LENGTH) {
            return WireError.IP_TOO_SHORT;
        }
        int versionIhl = Bytes.u8(buf, off + VERSION_IHL_OFFSET);
        if (versionIhl >>> VERSION_SHIFT != VERSION) {
            return WireError.IP_BAD_VERSION;
        }
        int headerLength = (versionIhl & IHL_MASK) * BYTES_PER_WORD;
        if (headerLength < MIN_HEADER_LENGTH || headerLength > len) {
            return WireError.IP_BAD_IHL;
        }
        if (verifyChecksum && Checksum.ipv4Header(buf, off, headerLength) != 0) {
            return WireError.IP_BAD_CHECKSUM;
        }
        int totalLength = Bytes.u16(buf, off + TOTAL_LENGTH_OFFSET);
        if (totalLength > len) {
            return WireError.IP_TRUNCATED;
        }
        if (totalLength < headerLength) {
            return WireError.IP_BAD_TOTAL_LENGTH;
        }
        return null;
    }

    /** IHL*4 of the header at {@code buf[off]}. */
    public static int headerLengthOf(byte[] buf, int off) {
        return (Bytes.u8(buf, off + VERSION_IHL_OFFSET) & IHL_MASK) * BYTES_PER_WORD;
    }

    public static int totalLengthOf(byte[] buf, int off) {
        return Bytes.u16(buf, off + TOTAL_LENGTH_OFFSET);
    }

    public static int protocolOf(byte[] buf, int off) {
        return Bytes.u8(buf, off + PROTOCOL_OFFSET);
    }

    public static int srcOf(byte[] buf, int off) {
        return Bytes.i32(buf, off + SRC_OFFSET);
    }

    public static int dstOf(byte[] buf, int off) {
        return Bytes.i32(buf, off + DST_OFFSET);
    }

    /** Whether the header at {@code buf[off]} is a fragment's ({@link #isFragment()}). */
    public static boolean isFragmentOf(byte[] buf, int off) {
        return (Bytes.u16(buf, off + FLAGS_FRAGMENT_OFFSET) & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    private static Ipv4Parse ok(byte[] buf, int off) {
        int headerLength = headerLengthOf(buf, off);
        int totalLength = totalLengthOf(buf, off);
        int flagsFragment = Bytes.u16(buf, off + FLAGS_FRAGMENT_OFFSET);
        Ipv4Header h = new Ipv4Header(
                Bytes.u8(buf, off + TOS_OFFSET),
                totalLength,
                Bytes.u16(buf, off + ID_OFFSET),
                (flagsFragment & FLAG_DF) != 0,
                (flagsFragment & FLAG_MF) != 0,
                (flagsFragment & FRAGMENT_OFFSET_MASK) * FRAGMENT_UNIT,
                Bytes.u8(buf, off + TTL_OFFSET),
                Bytes.u8(buf, off + PROTOCOL_OFFSET),
                Bytes.u16(buf, off + CHECKSUM_OFFSET),
                Bytes.i32(buf, off + SRC_OFFSET),
                Bytes.i32(buf, off + DST_OFFSET),
                headerLength);
        return new Ipv4Parse.Ok(h, off + headerLength, totalLength - headerLength);
    }

    /** The checksum the header should carry: the sum of every header word but the checksum field. */
    private static int expectedChecksum(byte[] buf, int off, int headerLength) {
        int afterField = CHECKSUM_OFFSET + Short.BYTES;
        int s = Checksum.sum(buf, off, CHECKSUM_OFFSET, 0);
        s = Checksum.sum(buf, off + afterField, headerLength - afterField, s);
        return Checksum.fold(s);
    }

    /** Readable form with dotted addresses. */
    @Override
    public String toString() {
        return "Ipv4Header[" + Ipv4Addr.format(src) + " > " + Ipv4Addr.format(dst) + " proto=" + protocol
                + " len=" + totalLength + " hl=" + headerLength + " id=" + id + " ttl=" + ttl + " tos=" + tos
                + (dontFragment ? " DF" : "") + (moreFragments ? " MF" : "") + " off=" + fragmentOffset
                + String.format(" csum=0x%04x", checksum) + "]";
    }
}
