package dev.jtcp.wire;

import java.util.Arrays;
import java.util.List;

/**
 * One TCP option exactly as it appears on the wire (RFC 9293 section 3.2).
 *
 * <p>Options come in two shapes. EOL (kind 0) and NOP (kind 1) are a single kind byte. Every
 * other option is kind, length, value, where the length counts the kind and length bytes too:
 *
 * <pre>
 *   byte:  0        1        2 ...
 *        +--------+--------+---------------------+
 *        |  kind  | length |  value (length - 2) |
 *        +--------+--------+---------------------+
 * </pre>
 *
 * <p>Layouts of the options the stack understands (value bytes after kind and length):
 * <pre>
 *   MSS            kind 2, length 4:  16-bit maximum segment size     (RFC 9293 3.7.1)
 *   Window scale   kind 3, length 3:  8-bit shift count               (RFC 7323 2.2)
 *   SACK permitted kind 4, length 2:  no value                        (RFC 2018 2)
 *   SACK           kind 5, length 2+8n: n blocks of left, right edge  (RFC 2018 3)
 *   Timestamps     kind 8, length 10: 32-bit TSval, 32-bit TSecr      (RFC 7323 3.2)
 * </pre>
 *
 * <p>Anything else, including a known kind with a length that does not fit its layout (which
 * Linux's {@code tcp_parse_options} ignores but steps over), is an {@link Unknown}: kept verbatim
 * so that the segment re-emits byte-for-byte.
 */
public sealed interface TcpOption {

    int KIND_EOL = 0;
    int KIND_NOP = 1;
    int KIND_MSS = 2;
    int KIND_WINDOW_SCALE = 3;
    int KIND_SACK_PERMITTED = 4;
    int KIND_SACK = 5;
    int KIND_TIMESTAMPS = 8;

    /** Offset of the kind byte within an option. */
    int KIND_OFFSET = 0;
    /** Offset of the length byte within a kind-length-value option. */
    int LENGTH_OFFSET = 1;
    /** Offset of the first value byte within a kind-length-value option. */
    int VALUE_OFFSET = 2;

    /** Length of a single-byte option (EOL, NOP). */
    int LENGTH_SINGLE = 1;
    /** Smallest legal length of a kind-length-value option: just kind and length (RFC 9293 3.2). */
    int LENGTH_MIN = 2;
    int LENGTH_MSS = 4;
    int LENGTH_WINDOW_SCALE = 3;
    int LENGTH_SACK_PERMITTED = 2;
    int LENGTH_SACK_BASE = 2;
    int LENGTH_SACK_PER_BLOCK = 8;
    int LENGTH_TIMESTAMPS = 10;
    /** 40 bytes of option space minus 2 for kind and length, divided by 8 per block (RFC 2018 3). */
    int MAX_SACK_BLOCKS = 4;
    /** Offset of TSecr within the timestamps option (TSval is at {@link #VALUE_OFFSET}). */
    int TS_ECR_OFFSET = 6;
    /** Offset of a block's right edge from its left edge within the SACK option. */
    int SACK_RIGHT_EDGE_OFFSET = 4;

    /** The kind byte. */
    int kind();

    /** Bytes this option occupies on the wire. */
    int encodedLength();

    /** Writes exactly {@link #encodedLength()} bytes at {@code buf[off]}. */
    void emit(byte[] buf, int off);

    /** End of option list (kind 0): the option space ends here; what follows is padding. */
    record Eol() implements TcpOption {
        @Override
        public int kind() {
            return KIND_EOL;
        }

        @Override
        public int encodedLength() {
            return LENGTH_SINGLE;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_EOL);
        }
    }

    /** No-operation (kind 1): used to align the following option on a 32-bit boundary. */
    record Nop() implements TcpOption {
        @Override
        public int kind() {
            return KIND_NOP;
        }

        @Override
        public int encodedLength() {
            return LENGTH_SINGLE;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_NOP);
        }
    }

    /**
     * Maximum segment size (RFC 9293 section 3.7.1): the largest segment the sender of this option
     * can receive. Only meaningful on SYN segments; Linux ignores it elsewhere, and ignores a value of 0.
     *
     * @param mss 0..65535
     */
    record Mss(int mss) implements TcpOption {
        public Mss {
            Bytes.checkUnsigned("mss", mss, 0xFFFF);
        }

        @Override
        public int kind() {
            return KIND_MSS;
        }

        @Override
        public int encodedLength() {
            return LENGTH_MSS;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_MSS);
            Bytes.put8(buf, off + LENGTH_OFFSET, LENGTH_MSS);
            Bytes.put16(buf, off + VALUE_OFFSET, mss);
        }
    }

    /**
     * Window scale (RFC 7323 section 2): the sender's receive window is shifted left by this many
     * bits. Held raw as on the wire; RFC 7323 2.3 caps the usable shift at 14 and Linux clamps
     * larger values (with a warning) when it applies them, which is the TCP layer's business.
     *
     * @param shift 0..255
     */
    record WindowScale(int shift) implements TcpOption {
        public WindowScale {
            Bytes.checkUnsigned("window scale shift", shift, 0xFF);
        }

        @Override
        public int kind() {
            return KIND_WINDOW_SCALE;
        }

        @Override
        public int encodedLength() {
            return LENGTH_WINDOW_SCALE;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_WINDOW_SCALE);
            Bytes.put8(buf, off + LENGTH_OFFSET, LENGTH_WINDOW_SCALE);
            Bytes.put8(buf, off + VALUE_OFFSET, shift);
        }
    }

    /** SACK permitted (RFC 2018 section 2): on a SYN, says the sender can receive SACK options. */
    record SackPermitted() implements TcpOption {
        @Override
        public int kind() {
            return KIND_SACK_PERMITTED;
        }

        @Override
        public int encodedLength() {
            return LENGTH_SACK_PERMITTED;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_SACK_PERMITTED);
            Bytes.put8(buf, off + LENGTH_OFFSET, LENGTH_SACK_PERMITTED);
        }
    }

    /**
     * Selective acknowledgment (RFC 2018 section 3): 1 to 4 blocks of data held above the
     * cumulative ACK. Equality is by the block list's content.
     *
     * @param blocks 1..4 blocks, in wire order (the first is the most recently received, RFC 2018 4)
     */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > MAX_SACK_BLOCKS) {
                throw new IllegalArgumentException("a SACK option carries 1.." + MAX_SACK_BLOCKS
                        + " blocks, got " + blocks.size());
            }
        }

        @Override
        public int kind() {
            return KIND_SACK;
        }

        @Override
        public int encodedLength() {
            return LENGTH_SACK_BASE + LENGTH_SACK_PER_BLOCK * blocks.size();
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_SACK);
            Bytes.put8(buf, off + LENGTH_OFFSET, encodedLength());
            int at = off + VALUE_OFFSET;
            for (SackBlock b : blocks) {
                Bytes.put32(buf, at, b.start());
                Bytes.put32(buf, at + SACK_RIGHT_EDGE_OFFSET, b.end());
                at += LENGTH_SACK_PER_BLOCK;
            }
        }
    }

    /**
     * Timestamps (RFC 7323 section 3): the sender's clock value and the echo of the peer's.
     *
     * @param tsVal TSval, unsigned 32-bit
     * @param tsEcr TSecr, unsigned 32-bit (0 when the ACK bit is off, RFC 7323 3.2)
     */
    record Timestamps(int tsVal, int tsEcr) implements TcpOption {
        @Override
        public int kind() {
            return KIND_TIMESTAMPS;
        }

        @Override
        public int encodedLength() {
            return LENGTH_TIMESTAMPS;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, KIND_TIMESTAMPS);
            Bytes.put8(buf, off + LENGTH_OFFSET, LENGTH_TIMESTAMPS);
            Bytes.put32(buf, off + VALUE_OFFSET, tsVal);
            Bytes.put32(buf, off + TS_ECR_OFFSET, tsEcr);
        }
    }

    /**
     * Any other kind-length-value option, kept verbatim. Receivers skip it by its length (RFC 9293
     * 3.2: "a TCP implementation MUST be able to receive a TCP Option in any segment" and ignore
     * ones it does not implement), and it is emitted back exactly. Also used for a known kind whose
     * length does not match its layout (e.g. an MSS option of length 3), which Linux likewise steps over.
     *
     * <p>The array is copied in and out, and equality, hash and text are by content.
     *
     * @param kind 2..255 (0 and 1 have no length byte and are {@link Eol} / {@link Nop})
     * @param data the value bytes, 0..38 of them (so the option fits the 40-byte option space)
     */
    record Unknown(int kind, byte[] data) implements TcpOption {
        /** 40 bytes of option space minus kind and length. */
        public static final int MAX_DATA = 38;

        public Unknown {
            if (kind < KIND_MSS || kind > 0xFF) {
                throw new IllegalArgumentException("an option with a length byte has kind 2..255, got " + kind);
            }
            if (data.length > MAX_DATA) {
                throw new IllegalArgumentException("option data is at most " + MAX_DATA + " bytes, got " + data.length);
            }
            data = data.clone();
        }

        /** A copy of the value bytes. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Number of value bytes (without copying them). */
        public int dataLength() {
            return data.length;
        }

        @Override
        public int encodedLength() {
            return LENGTH_MIN + data.length;
        }

        @Override
        public void emit(byte[] buf, int off) {
            Bytes.put8(buf, off + KIND_OFFSET, kind);
            Bytes.put8(buf, off + LENGTH_OFFSET, encodedLength());
            System.arraycopy(data, 0, buf, off + VALUE_OFFSET, data.length);
        }

        /** Lower-case hex of the value bytes. */
        public String hex() {
            return Bytes.hex(data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.kind == kind && Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * kind + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[kind=" + kind + ", data=0x" + hex() + "]";
        }
    }
}
