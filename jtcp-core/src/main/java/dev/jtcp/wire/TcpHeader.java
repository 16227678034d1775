package dev.jtcp.wire;

import java.util.Objects;

/**
 * A TCP header as a value (RFC 9293 section 3.1).
 *
 * <pre>
 *  byte    0                   1                   2                   3
 *  offset  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    0    |          Source Port          |       Destination Port        |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    4    |                        Sequence Number                        |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    8    |                    Acknowledgment Number                      |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   12    |  Data |     |A|C|E|U|A|P|R|S|F|                               |
 *         | Offset|Rsrvd|E|W|C|R|C|S|S|Y|I|            Window             |
 *         |       |     | |R|E|G|K|H|T|N|N|                               |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   16    |           Checksum            |         Urgent Pointer        |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   20    |                    Options (0..40 bytes)                      |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *         |                             Data                              |
 *         +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Data Offset is the header length in 32-bit words (5..15). It is not a field of this
 * class: it is always derived from the options, {@code 20 + options.encodedLength()}, so a header
 * value can never disagree with itself. The flags int holds byte 13 in its low 8 bits and the low
 * nibble of byte 12 (AE and the three reserved bits) in bits 8..11; see {@link TcpFlags}.
 *
 * <p>A header is a value: {@link #equals} compares every field. The one exception is a header made by
 * {@link #reusable()}, the flyweight the stack's fast paths fill in place ({@link #set}, {@link #readFrom})
 * for the segment being built or received, so that a segment allocates no header: it is valid until the
 * next segment, and whoever keeps a header beyond that (a trace event) must be given a value instead.
 *
 * <p>Fields: source and destination port 0..65535; sequence and acknowledgment numbers (unsigned
 * 32-bit in an int, see {@link Seq}; the acknowledgment meaningful when ACK is set); flags 0..0xFFF
 * ({@link TcpFlags}); the window field 0..65535 as on the wire (not scaled); the checksum field as on
 * the wire (see {@link Checksum#tcpIpv4}); the urgent pointer, meaningful when URG is set; the
 * options ({@link TcpOptions#NONE} for none).
 */
public final class TcpHeader {
    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int flags;
    private int window;
    private int checksum;
    private int urgentPointer;
    private TcpOptions options;
    /** Made by {@link #reusable()}: the only kind {@link #set} and {@link #readFrom} may change. */
    private final boolean reusable;

    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    /** Byte holding Data Offset (high nibble) and AE plus the reserved bits (low nibble). */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Byte holding CWR..FIN. */
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;

    /** Header without options: Data Offset 5. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Data Offset 15, the largest a 4-bit field holds. */
    public static final int MAX_HEADER_LENGTH = 60;

    /** Data Offset occupies the high nibble of its byte. */
    private static final int DATA_OFFSET_SHIFT = 4;
    /** AE and the reserved bits: low nibble of byte 12, bits 8..11 of the flags int. */
    private static final int HIGH_FLAGS_MASK = 0x0F;
    private static final int HIGH_FLAGS_SHIFT = 8;
    private static final int BYTES_PER_WORD = 4;
    private static final int MAX_16 = 0xFFFF;

    /** @throws IllegalArgumentException when a field is outside its wire range */
    public TcpHeader(int srcPort, int dstPort, int seq, int ack, int flags, int window, int checksum,
                     int urgentPointer, TcpOptions options) {
        this.reusable = false;
        assign(srcPort, dstPort, seq, ack, flags, window, checksum, urgentPointer, options);
    }

    private TcpHeader() {
        this.reusable = true;
        this.options = TcpOptions.NONE;
    }

    /** A flyweight for a stack's fast path: filled in place by {@link #set} or {@link #readFrom}. */
    public static TcpHeader reusable() {
        return new TcpHeader();
    }

    /**
     * Refills a {@link #reusable()} header (the segment being built).
     *
     * @throws IllegalStateException on a value header
     * @throws IllegalArgumentException when a field is outside its wire range
     */
    public TcpHeader set(int srcPort, int dstPort, int seq, int ack, int flags, int window, int urgentPointer,
                         TcpOptions options) {
        checkReusable();
        assign(srcPort, dstPort, seq, ack, flags, window, 0, urgentPointer, options);
        return this;
    }

    private void checkReusable() {
        if (!reusable) {
            throw new IllegalStateException("a TcpHeader value is immutable; only TcpHeader.reusable() is refilled");
        }
    }

    private void assign(int srcPort, int dstPort, int seq, int ack, int flags, int window, int checksum,
                        int urgentPointer, TcpOptions options) {
        Bytes.checkUnsigned("srcPort", srcPort, MAX_16);
        Bytes.checkUnsigned("dstPort", dstPort, MAX_16);
        Bytes.checkUnsigned("flags", flags, TcpFlags.ALL);
        Bytes.checkUnsigned("window", window, MAX_16);
        Bytes.checkUnsigned("checksum", checksum, MAX_16);
        Bytes.checkUnsigned("urgentPointer", urgentPointer, MAX_16);
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.window = window;
        this.checksum = checksum;
        this.urgentPointer = urgentPointer;
        this.options = Objects.requireNonNull(options, "options (use TcpOptions.NONE)");
    }

    /** This header as a value (itself when it is one): what may be kept beyond the current segment. */
    public TcpHeader value() {
        return reusable ? new TcpHeader(srcPort, dstPort, seq, ack, flags, window, checksum, urgentPointer,
                options.value()) : this;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    public int flags() {
        return flags;
    }

    public int window() {
        return window;
    }

    public int checksum() {
        return checksum;
    }

    public int urgentPointer() {
        return urgentPointer;
    }

    public TcpOptions options() {
        return options;
    }

    /** A header with checksum and urgent pointer 0: the usual shape on the output path, where the checksum is filled in later. */
    public static TcpHeader of(int srcPort, int dstPort, int seq, int ack, int flags, int window, TcpOptions options) {
        return new TcpHeader(srcPort, dstPort, seq, ack, flags, window, 0, 0, options);
    }

    /** Header length in bytes: 20 + options (padded), i.e. Data Offset * 4. */
    public int headerLength() {
        return MIN_HEADER_LENGTH + options.encodedLength();
    }

    /** The Data Offset field: header length in 32-bit words. */
    public int dataOffset() {
        return headerLength() / BYTES_PER_WORD;
    }

    /** Whether every bit of {@code flag} is set, e.g. {@code has(TcpFlags.SYN)}. */
    public boolean has(int flag) {
        return TcpFlags.has(flags, flag);
    }

    /** This header with another checksum field value. */
    public TcpHeader withChecksum(int newChecksum) {
        return new TcpHeader(srcPort, dstPort, seq, ack, flags, window, newChecksum, urgentPointer, options);
    }

    /** The segment length in sequence space (RFC 9293 3.4 SEG.LEN): payload plus one for SYN and one for FIN. */
    public int sequenceLength(int payloadLength) {
        return payloadLength + (has(TcpFlags.SYN) ? 1 : 0) + (has(TcpFlags.FIN) ? 1 : 0);
    }

    /**
     * Writes header and options at {@code buf[off..off+headerLength())}. The checksum field is
     * written as held in this record; {@link PacketBuilder} computes the real one.
     */
    public void emit(byte[] buf, int off) {
        Bytes.checkSlice(off, headerLength(), buf.length);
        Bytes.put16(buf, off + SRC_PORT_OFFSET, srcPort);
        Bytes.put16(buf, off + DST_PORT_OFFSET, dstPort);
        Bytes.put32(buf, off + SEQ_OFFSET, seq);
        Bytes.put32(buf, off + ACK_OFFSET, ack);
        Bytes.put8(buf, off + DATA_OFFSET_OFFSET,
                (dataOffset() << DATA_OFFSET_SHIFT) | ((flags >>> HIGH_FLAGS_SHIFT) & HIGH_FLAGS_MASK));
        Bytes.put8(buf, off + FLAGS_OFFSET, flags);
        Bytes.put16(buf, off + WINDOW_OFFSET, window);
        Bytes.put16(buf, off + CHECKSUM_OFFSET, checksum);
        Bytes.put16(buf, off + URGENT_POINTER_OFFSET, urgentPointer);
        options.emit(buf, off + OPTIONS_OFFSET);
    }

    /**
     * Parses the TCP header of the segment in {@code buf[off..off+len)}, where {@code len} is the
     * whole TCP segment length as the IP layer delivered it.
     *
     * <p>Checks, in the order of Linux's {@code tcp_v4_rcv()}: at least 20 bytes
     * ({@link WireError#TCP_TOO_SHORT}); Data Offset at least 5 ({@link WireError#TCP_BAD_DATA_OFFSET});
     * Data Offset within the segment ({@link WireError#TCP_TOO_SHORT}); then, when
     * {@code verifyChecksum}, the checksum over the pseudo-header (srcAddr, dstAddr, protocol 6,
     * len) and the segment, RFC 9293 3.1 ({@link WireError#TCP_BAD_CHECKSUM}).
     *
     * <p>A malformed option does not make the segment bad: as in Linux's {@code tcp_parse_options},
     * option parsing stops there, the options parsed so far are kept, and the result is
     * {@link TcpParse.Ok} with {@code optionError} {@link WireError#TCP_BAD_OPTION_LENGTH}.
     *
     * <p>Never throws for any byte content; only an {@code off}/{@code len} slice outside
     * {@code buf} (a caller bug) throws {@link IndexOutOfBoundsException}.
     */
    public static TcpParse parse(byte[] buf, int off, int len, int srcAddr, int dstAddr, boolean verifyChecksum) {
        WireError e = check(buf, off, len, srcAddr, dstAddr, verifyChecksum);
        if (e != null) {
            return new TcpParse.Bad(e, badDetail(e, buf, off, len, srcAddr, dstAddr));
        }
        int headerLength = wireHeaderLength(buf, off);
        TcpOptions.Parsed opts = TcpOptions.parse(buf, off + OPTIONS_OFFSET, headerLength - MIN_HEADER_LENGTH);
        TcpHeader h = new TcpHeader(
                Bytes.u16(buf, off + SRC_PORT_OFFSET),
                Bytes.u16(buf, off + DST_PORT_OFFSET),
                Bytes.i32(buf, off + SEQ_OFFSET),
                Bytes.i32(buf, off + ACK_OFFSET),
                wireFlags(buf, off),
                Bytes.u16(buf, off + WINDOW_OFFSET),
                Bytes.u16(buf, off + CHECKSUM_OFFSET),
                Bytes.u16(buf, off + URGENT_POINTER_OFFSET),
                opts.options());
        return new TcpParse.Ok(h, off + headerLength, len - headerLength, opts.error());
    }

    /**
     * The checks of {@link #parse} without building anything: null when the segment in
     * {@code buf[off..off+len)} is well formed, else the first check that failed.
     */
    public static WireError check(byte[] buf, int off, int len, int srcAddr, int dstAddr, boolean verifyChecksum) {
        Bytes.checkSlice(off, len, buf.length);
        if (len < MIN_HEADER_LENGTH) {
            return WireError.TCP_TOO_SHORT;
        }
        int headerLength = wireHeaderLength(buf, off);
        if (headerLength < MIN_HEADER_LENGTH) {
            return WireError.TCP_BAD_DATA_OFFSET;
        }
        if (headerLength > len) {
            return WireError.TCP_TOO_SHORT;
        }
        if (verifyChecksum && !Checksum.verifyTcpIpv4(srcAddr, dstAddr, buf, off, len)) {
            return WireError.TCP_BAD_CHECKSUM;
        }
        return null;
    }

    private static String badDetail(WireError e, byte[] buf, int off, int len, int srcAddr, int dstAddr) {
        if (len < MIN_HEADER_LENGTH) {
            return "segment is " + len + " bytes, a TCP header needs " + MIN_HEADER_LENGTH;
        }
        int headerLength = wireHeaderLength(buf, off);
        return switch (e) {
            case TCP_BAD_DATA_OFFSET -> "data offset " + headerLength / BYTES_PER_WORD + " words is below the minimum of 5";
            case TCP_TOO_SHORT -> "data offset says a " + headerLength + "-byte header, the segment is " + len + " bytes";
            default -> String.format("checksum 0x%04x, expected 0x%04x",
                    Bytes.u16(buf, off + CHECKSUM_OFFSET), expectedChecksum(srcAddr, dstAddr, buf, off, len));
        };
    }

    /** The header length the Data Offset field of the segment at {@code buf[off]} gives, in bytes. */
    public static int wireHeaderLength(byte[] buf, int off) {
        return (Bytes.u8(buf, off + DATA_OFFSET_OFFSET) >>> DATA_OFFSET_SHIFT) * BYTES_PER_WORD;
    }

    private static int wireFlags(byte[] buf, int off) {
        return ((Bytes.u8(buf, off + DATA_OFFSET_OFFSET) & HIGH_FLAGS_MASK) << HIGH_FLAGS_SHIFT)
                | Bytes.u8(buf, off + FLAGS_OFFSET);
    }

    /**
     * Fills this {@link #reusable()} header from a segment that {@link #check} found well formed, as
     * {@link #parse} would (a malformed option ends the options, as in Linux). The usual NOP, NOP,
     * timestamps block goes into {@code rxOptions}, itself a {@link TcpOptions#reusable()}; other option
     * lists are parsed into new values. The payload starts at {@code off + wireHeaderLength(buf, off)}.
     */
    public TcpHeader readFrom(byte[] buf, int off, TcpOptions rxOptions) {
        checkReusable();
        int optionsLength = wireHeaderLength(buf, off) - MIN_HEADER_LENGTH;
        TcpOptions opts = optionsLength == 0 ? TcpOptions.NONE
                : rxOptions.readNopNopTimestamps(buf, off + OPTIONS_OFFSET, optionsLength)
                ? rxOptions : TcpOptions.parse(buf, off + OPTIONS_OFFSET, optionsLength).options();
        this.srcPort = Bytes.u16(buf, off + SRC_PORT_OFFSET);
        this.dstPort = Bytes.u16(buf, off + DST_PORT_OFFSET);
        this.seq = Bytes.i32(buf, off + SEQ_OFFSET);
        this.ack = Bytes.i32(buf, off + ACK_OFFSET);
        this.flags = wireFlags(buf, off);
        this.window = Bytes.u16(buf, off + WINDOW_OFFSET);
        this.checksum = Bytes.u16(buf, off + CHECKSUM_OFFSET);
        this.urgentPointer = Bytes.u16(buf, off + URGENT_POINTER_OFFSET);
        this.options = opts;
        return this;
    }

    /** The checksum the segment should carry: the sum of everything but the checksum field itself. */
    private static int expectedChecksum(int srcAddr, int dstAddr, byte[] buf, int off, int len) {
        int afterField = CHECKSUM_OFFSET + Short.BYTES;
        int s = Checksum.sum(buf, off, CHECKSUM_OFFSET, Checksum.pseudoHeaderSum(srcAddr, dstAddr, Ipv4Header.PROTO_TCP, len));
        s = Checksum.sum(buf, off + afterField, len - afterField, s);
        return Checksum.fold(s);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpHeader h && srcPort == h.srcPort && dstPort == h.dstPort && seq == h.seq
                && ack == h.ack && flags == h.flags && window == h.window && checksum == h.checksum
                && urgentPointer == h.urgentPointer && options.equals(h.options);
    }

    @Override
    public int hashCode() {
        int h = srcPort;
        h = 31 * h + dstPort;
        h = 31 * h + seq;
        h = 31 * h + ack;
        h = 31 * h + flags;
        h = 31 * h + window;
        h = 31 * h + checksum;
        h = 31 * h + urgentPointer;
        return 31 * h + options.hashCode();
    }

    /** Compact and readable: ports, tcpdump flags, unsigned numbers, options in tcpdump notation. */
    @Override
    public String toString() {
        return "TcpHeader[" + srcPort + " > " + dstPort + " [" + TcpFlags.tcpdump(flags) + "]"
                + " seq=" + Integer.toUnsignedString(seq) + " ack=" + Integer.toUnsignedString(ack)
                + " win=" + window + String.format(" csum=0x%04x", checksum) + " urg=" + urgentPointer
                + " options=[" + options.toTcpdump() + "]]";
    }
}
