package dev.jtcp.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The ordered option list of one TCP segment, with typed accessors. Immutable.
 *
 * <p><b>The list is the wire image.</b> Options occupy the header from byte 20 up to the data
 * offset, which counts 32-bit words, so the option bytes are padded to a multiple of 4 with zero
 * bytes (RFC 9293 section 3.1, "Padding"). A zero byte is the EOL option, so a receiver (and
 * tcpdump, which prints "eol") sees that padding as an EOL followed by ignored bytes. To keep
 * {@code parse(emit(x)).equals(x)}, the constructor therefore appends an {@link TcpOption.Eol}
 * when the options do not fill a multiple of 4 bytes and the list has no EOL yet. The lists built
 * by {@link #synLinux} and {@link #dataLinux} always fill whole words and get no EOL, like Linux's.
 *
 * <p><b>What a receiver sees.</b> Parsing stops at EOL (RFC 9293 3.2: EOL "indicates the end of the
 * option list"; Linux's {@code tcp_parse_options} returns there), so the typed accessors and
 * {@link #toTcpdump()} also stop at the first EOL; a hand-built list may hold options after it
 * (emitted, never read back), which is useful for crafting odd segments. When a kind occurs more
 * than once, the accessors return the <em>last</em> occurrence, because Linux's
 * {@code tcp_parse_options} overwrites its parsed state at each occurrence. The accessors report
 * the wire, not policy: Linux only honours MSS, window scale and SACK-permitted on SYNs, ignores an
 * MSS of 0 and clamps window scale to 14; that is the TCP layer's job.
 *
 * <p>The options are summarised once, when the list is built, so the accessors a TCP input path
 * calls for every segment (timestamps, SACK blocks) are field reads.
 *
 * <p>A list made by {@link #reusable()} is the exception to immutability: the flyweight a stack's fast
 * path refills with the NOP, NOP, timestamps block of the segment being built or received (Linux's
 * aligned timestamp option), without a list until someone asks for one. It is valid until the next
 * segment; {@link #value()} gives a copy to keep.
 */
public final class TcpOptions {

    /** The option space: the data offset is 4 bits of 32-bit words, at most 60 bytes of header, 20 of them fixed. */
    public static final int MAX_LENGTH = 40;
    /** Header lengths are whole 32-bit words (RFC 9293 3.1, Data Offset). */
    static final int WORD = 4;
    /** Linux aligns a 10-byte timestamps or a SACK option with two NOPs in front of it. */
    private static final int ALIGNING_NOPS = 2;

    /** No options (a 20-byte header). */
    public static final TcpOptions NONE = new TcpOptions(List.of());
    private static final TcpOption NOP = new TcpOption.Nop();
    private static final TcpOption SACK_PERMITTED = new TcpOption.SackPermitted();

    /** The options in wire order; null in a reusable NOP, NOP, timestamps block until {@link #list()} builds it. */
    private List<TcpOption> list;
    /** Bytes of the options before padding. */
    private int rawLength;
    /** The last occurrence of each kind the accessors report, before any EOL (null when absent). */
    private final TcpOption.Mss mss;
    private final TcpOption.WindowScale windowScale;
    private final boolean sackPermitted;
    private boolean hasTimestamps;
    private int tsVal;
    private int tsEcr;
    private final TcpOption.Sack sack;
    /** Exactly NOP, NOP, timestamps (Linux's aligned timestamp option): emitted without walking a list. */
    private boolean nopNopTimestamps;
    /** Made by {@link #reusable()}: refilled in place. */
    private final boolean reusable;

    /**
     * @param list the options in wire order (copied; see the class comment for the EOL rule)
     * @throws IllegalArgumentException when the options need more than 40 bytes
     */
    public TcpOptions(List<TcpOption> list) {
        List<TcpOption> copy = List.copyOf(list);
        int raw = 0;
        boolean eol = false;
        TcpOption.Mss m = null;
        TcpOption.WindowScale w = null;
        boolean sp = false;
        TcpOption.Timestamps ts = null;
        TcpOption.Sack sk = null;
        for (int i = 0; i < copy.size(); i++) {
            TcpOption o = copy.get(i);
            raw += o.encodedLength();
            if (eol) {
                continue;   // emitted, never read back
            }
            switch (o) {
                case TcpOption.Eol e -> eol = true;
                case TcpOption.Mss x -> m = x;
                case TcpOption.WindowScale x -> w = x;
                case TcpOption.SackPermitted x -> sp = true;
                case TcpOption.Timestamps x -> ts = x;
                case TcpOption.Sack x -> sk = x;
                case TcpOption.Nop x -> { }
                case TcpOption.Unknown x -> { }
            }
        }
        if (raw % WORD != 0 && !eol) {
            List<TcpOption> withEol = new ArrayList<>(copy.size() + 1);
            withEol.addAll(copy);
            withEol.add(new TcpOption.Eol());
            copy = List.copyOf(withEol);
            raw++;
        }
        if (padded(raw) > MAX_LENGTH) {
            throw new IllegalArgumentException("TCP options need " + raw + " bytes, the option space is "
                    + MAX_LENGTH + ": " + copy);
        }
        this.list = copy;
        this.rawLength = raw;
        this.mss = m;
        this.windowScale = w;
        this.sackPermitted = sp;
        this.hasTimestamps = ts != null;
        this.tsVal = ts != null ? ts.tsVal() : 0;
        this.tsEcr = ts != null ? ts.tsEcr() : 0;
        this.sack = sk;
        this.nopNopTimestamps = copy.size() == 3 && copy.get(0) instanceof TcpOption.Nop
                && copy.get(1) instanceof TcpOption.Nop && ts != null && copy.get(2) == ts;
        this.reusable = false;
    }

    /** NOP, NOP, timestamps: a block known to be well formed, summarised without a walk. */
    private TcpOptions(boolean reusable, int tsVal, int tsEcr) {
        this.rawLength = ALIGNING_NOPS + TcpOption.LENGTH_TIMESTAMPS;
        this.mss = null;
        this.windowScale = null;
        this.sackPermitted = false;
        this.hasTimestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        this.sack = null;
        this.nopNopTimestamps = true;
        this.reusable = reusable;
    }

    /** A flyweight for a stack's fast path, refilled by {@link #setNopNopTimestamps}. */
    public static TcpOptions reusable() {
        return new TcpOptions(true, 0, 0);
    }

    /**
     * Refills a {@link #reusable()} list with NOP, NOP, timestamps (the options of every established
     * segment with timestamps and no SACK blocks, {@code tcp_options_write()}).
     *
     * @throws IllegalStateException on a value
     */
    public TcpOptions setNopNopTimestamps(int tsVal, int tsEcr) {
        if (!reusable) {
            throw new IllegalStateException("TcpOptions values are immutable; only TcpOptions.reusable() is refilled");
        }
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        this.list = null;
        return this;
    }

    /**
     * Refills this {@link #reusable()} list from the option space {@code buf[off..off+len)} when it is
     * exactly NOP, NOP, timestamps (the 12 bytes Linux's header prediction looks for,
     * {@code tcp_parse_aligned_timestamp()}); false, and unchanged, otherwise.
     */
    boolean readNopNopTimestamps(byte[] buf, int off, int len) {
        if (!isNopNopTimestamps(buf, off, len)) {
            return false;
        }
        setNopNopTimestamps(Bytes.i32(buf, off + 4), Bytes.i32(buf, off + 8));
        return true;
    }

    private static boolean isNopNopTimestamps(byte[] buf, int off, int len) {
        return len == ALIGNING_NOPS + TcpOption.LENGTH_TIMESTAMPS && buf[off] == TcpOption.KIND_NOP
                && buf[off + 1] == TcpOption.KIND_NOP && buf[off + 2] == TcpOption.KIND_TIMESTAMPS
                && buf[off + 3] == TcpOption.LENGTH_TIMESTAMPS;
    }

    /** This list as a value (itself when it is one): what may be kept beyond the current segment. */
    public TcpOptions value() {
        return reusable ? new TcpOptions(false, tsVal, tsEcr) : this;
    }

    /**
     * Whether the options are exactly NOP, NOP, timestamps: Linux's aligned timestamp option, the one
     * layout its header prediction (tcp_rcv_established()'s fast path) accepts.
     */
    public boolean isNopNopTimestamps() {
        return nopNopTimestamps;
    }

    /** The options in wire order. */
    public List<TcpOption> list() {
        if (list == null) {
            list = List.of(NOP, NOP, new TcpOption.Timestamps(tsVal, tsEcr));
        }
        return list;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpOptions other && list().equals(other.list());
    }

    @Override
    public int hashCode() {
        return list().hashCode();
    }

    /** Options from varargs, e.g. {@code TcpOptions.of(new Mss(1460), new Nop(), new WindowScale(7))}. */
    public static TcpOptions of(TcpOption... options) {
        return options.length == 0 ? NONE : new TcpOptions(List.of(options));
    }

    private static int padded(int n) {
        return (n + WORD - 1) / WORD * WORD;
    }

    /** True when there are no options at all. */
    public boolean isEmpty() {
        return rawLength == 0;
    }

    /** The MSS option's value, -1 when absent. */
    public int mss() {
        return mss != null ? mss.mss() : -1;
    }

    /** The window scale option's shift as sent (not clamped), -1 when absent. */
    public int windowScale() {
        return windowScale != null ? windowScale.shift() : -1;
    }

    /** Whether a SACK-permitted option is present. */
    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** Whether a (well-formed) timestamps option is present. */
    public boolean hasTimestamps() {
        return hasTimestamps;
    }

    /** TSval of the timestamps option, 0 when absent. */
    public int tsVal() {
        return tsVal;
    }

    /** TSecr of the timestamps option, 0 when absent. */
    public int tsEcr() {
        return tsEcr;
    }

    /** The SACK option's blocks in wire order, empty when absent. */
    public List<SackBlock> sackBlocks() {
        return sack != null ? sack.blocks() : List.of();
    }

    /** Bytes on the wire, padded to a multiple of 4 (padding is EOL = 0 bytes after the last option). At most 40. */
    public int encodedLength() {
        return padded(rawLength);
    }

    /** Writes exactly {@link #encodedLength()} bytes at {@code buf[off]}: the options, then zero padding. */
    public void emit(byte[] buf, int off) {
        int end = off + encodedLength();
        Bytes.checkSlice(off, end - off, buf.length);
        if (nopNopTimestamps) {
            Bytes.put8(buf, off, TcpOption.KIND_NOP);
            Bytes.put8(buf, off + 1, TcpOption.KIND_NOP);
            Bytes.put8(buf, off + 2, TcpOption.KIND_TIMESTAMPS);
            Bytes.put8(buf, off + 3, TcpOption.LENGTH_TIMESTAMPS);
            Bytes.put32(buf, off + 4, tsVal);
            Bytes.put32(buf, off + 8, tsEcr);
            return;
        }
        int at = off;
        for (int i = 0; i < list.size(); i++) {
            TcpOption o = list.get(i);
            o.emit(buf, at);
            at += o.encodedLength();
        }
        while (at < end) {
            Bytes.put8(buf, at++, TcpOption.KIND_EOL);
        }
    }

    /**
     * tcpdump notation, as inside its "options [...]": e.g.
     * "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7". SACK prints as "sack 2 {1000:2000}{3000:4000}"
     * (absolute numbers, as with {@code tcpdump -S}), an unknown option as "unknown-KIND 0xHEX"
     * (just "unknown-KIND" when it has no value bytes), EOL as "eol", after which printing stops
     * like tcpdump's. Empty string for no options.
     */
    public String toTcpdump() {
        return toTcpdump(0);
    }

    /** {@link #toTcpdump()} with every SACK edge printed minus {@code sackBase} (tcpdump's relative mode). */
    String toTcpdump(int sackBase) {
        return toTcpdump(sackBase, false);
    }

    /** As {@link #toTcpdump(int)}; {@code skipEol} drops EOLs (for a list cut short by a bad option). */
    String toTcpdump(int sackBase, boolean skipEol) {
        StringBuilder sb = new StringBuilder();
        List<TcpOption> list = list();
        for (int i = 0; i < list.size(); i++) {
            TcpOption o = list.get(i);
            if (skipEol && o instanceof TcpOption.Eol) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            appendTcpdump(sb, o, sackBase);
            if (o instanceof TcpOption.Eol) {
                break;
            }
        }
        return sb.toString();
    }

    private static void appendTcpdump(StringBuilder sb, TcpOption option, int sackBase) {
        switch (option) {
            case TcpOption.Eol e -> sb.append("eol");
            case TcpOption.Nop n -> sb.append("nop");
            case TcpOption.Mss m -> sb.append("mss ").append(m.mss());
            case TcpOption.WindowScale w -> sb.append("wscale ").append(w.shift());
            case TcpOption.SackPermitted s -> sb.append("sackOK");
            case TcpOption.Timestamps t -> sb.append("TS val ").append(Integer.toUnsignedString(t.tsVal()))
                    .append(" ecr ").append(Integer.toUnsignedString(t.tsEcr()));
            case TcpOption.Sack s -> {
                sb.append("sack ").append(s.blocks().size()).append(' ');
                for (SackBlock b : s.blocks()) {
                    sb.append('{').append(Integer.toUnsignedString(b.start() - sackBase))
                            .append(':').append(Integer.toUnsignedString(b.end() - sackBase)).append('}');
                }
            }
            case TcpOption.Unknown u -> {
                sb.append("unknown-").append(u.kind());
                if (u.dataLength() > 0) {
                    sb.append(" 0x").append(u.hex());
                }
            }
        }
    }

    /**
     * The options Linux puts on a SYN or SYN-ACK, in Linux's exact order and alignment
     * ({@code tcp_options_write()} in net/ipv4/tcp_output.c):
     * <ol>
     *   <li>MSS, when {@code mss > 0} (Linux writes it whenever its MSS is non-zero);</li>
     *   <li>with timestamps and SACK: SACK-permitted immediately followed by timestamps, the two
     *       filling three whole words without NOPs ("sackOK,TS val x ecr y");
     *       timestamps alone: NOP, NOP, timestamps;</li>
     *   <li>SACK-permitted without timestamps: NOP, NOP, SACK-permitted;</li>
     *   <li>window scale when {@code windowScale >= 0}: NOP, window scale.</li>
     * </ol>
     * For example {@code synLinux(1460, true, true, 7, 0, 5)} is
     * "mss 1460,sackOK,TS val 7 ecr 0,nop,wscale 5".
     *
     * @param mss           MSS to announce, 1..65535; 0 or negative leaves the option out
     * @param sackPermitted include SACK-permitted (RFC 2018 2)
     * @param timestamps    include timestamps (RFC 7323 3)
     * @param tsVal         TSval, when {@code timestamps}
     * @param tsEcr         TSecr, when {@code timestamps} (0 on a SYN, the peer's TSval on a SYN-ACK)
     * @param windowScale   shift 0..255 to announce (Linux sends at most 14), or -1 for no window scale option
     */
    public static TcpOptions synLinux(int mss, boolean sackPermitted, boolean timestamps, int tsVal, int tsEcr,
                                      int windowScale) {
        List<TcpOption> l = new ArrayList<>(8);
        if (mss > 0) {
            l.add(new TcpOption.Mss(mss));
        }
        if (timestamps) {
            if (sackPermitted) {
                l.add(SACK_PERMITTED);
            } else {
                l.add(NOP);
                l.add(NOP);
            }
            l.add(new TcpOption.Timestamps(tsVal, tsEcr));
        } else if (sackPermitted) {
            l.add(NOP);
            l.add(NOP);
            l.add(SACK_PERMITTED);
        }
        if (windowScale >= 0) {
            l.add(NOP);
            l.add(new TcpOption.WindowScale(windowScale));
        }
        return l.isEmpty() ? NONE : new TcpOptions(l);
    }

    /**
     * The options Linux puts on any non-SYN segment ({@code tcp_options_write()}): with timestamps,
     * NOP, NOP, timestamps; then, when there are SACK blocks, NOP, NOP, SACK. Only as many blocks as
     * fit are sent, the first ones kept, exactly as Linux's {@code tcp_established_options()}
     * computes: (40 - 12 for timestamps - 4 for NOP,NOP,kind,length) / 8 = 3 blocks with
     * timestamps, 4 without.
     *
     * @param timestamps include timestamps
     * @param tsVal      TSval, when {@code timestamps}
     * @param tsEcr      TSecr, when {@code timestamps}
     * @param sackBlocks blocks to report, most important first; may be empty
     */
    public static TcpOptions dataLinux(boolean timestamps, int tsVal, int tsEcr, List<SackBlock> sackBlocks) {
        Objects.requireNonNull(sackBlocks, "sackBlocks");
        if (!timestamps && sackBlocks.isEmpty()) {
            return NONE;
        }
        if (sackBlocks.isEmpty()) {
            // The common case (every data segment and ACK with timestamps): no intermediate copies.
            return new TcpOptions(false, tsVal, tsEcr);
        }
        List<TcpOption> l = new ArrayList<>(6);
        int space = MAX_LENGTH;
        if (timestamps) {
            l.add(NOP);
            l.add(NOP);
            l.add(new TcpOption.Timestamps(tsVal, tsEcr));
            space -= ALIGNING_NOPS + TcpOption.LENGTH_TIMESTAMPS;
        }
        if (!sackBlocks.isEmpty()) {
            int fit = (space - ALIGNING_NOPS - TcpOption.LENGTH_SACK_BASE) / TcpOption.LENGTH_SACK_PER_BLOCK;
            int n = Math.min(sackBlocks.size(), fit);
            l.add(NOP);
            l.add(NOP);
            l.add(new TcpOption.Sack(sackBlocks.subList(0, n)));
        }
        return new TcpOptions(l);
    }

    /** Result of {@link #parse}: the options understood, and why parsing stopped early (null when it did not). */
    record Parsed(TcpOptions options, WireError error) {
    }

    /**
     * Parses the option space {@code buf[off..off+len)} the way Linux's {@code tcp_parse_options}
     * walks it: EOL ends the list; NOP is one byte; anything else needs a length byte, and a length
     * below 2, or one running past the end of the option space, or a kind byte with no room for its
     * length, stops parsing with {@link WireError#TCP_BAD_OPTION_LENGTH}, keeping what was parsed.
     * Options of a known kind whose length does not match their layout become
     * {@link TcpOption.Unknown}, stepped over by their length as Linux does.
     */
    static Parsed parse(byte[] buf, int off, int len) {
        if (len == 0) {
            return new Parsed(NONE, null);
        }
        // The option block of nearly every segment: NOP, NOP, timestamps (Linux's header prediction
        // looks for exactly these 12 bytes too).
        if (isNopNopTimestamps(buf, off, len)) {
            return new Parsed(new TcpOptions(false, Bytes.i32(buf, off + 4), Bytes.i32(buf, off + 8)), null);
        }
        List<TcpOption> l = new ArrayList<>(8);
        WireError error = null;
        int at = off;
        int end = off + len;
        while (at < end) {
            int kind = Bytes.u8(buf, at + TcpOption.KIND_OFFSET);
            if (kind == TcpOption.KIND_EOL) {
                l.add(new TcpOption.Eol());
                break;
            }
            if (kind == TcpOption.KIND_NOP) {
                l.add(NOP);
                at += TcpOption.LENGTH_SINGLE;
                continue;
            }
            if (end - at < TcpOption.LENGTH_MIN) {
                error = WireError.TCP_BAD_OPTION_LENGTH;
                break;
            }
            int optLen = Bytes.u8(buf, at + TcpOption.LENGTH_OFFSET);
            if (optLen < TcpOption.LENGTH_MIN || optLen > end - at) {
                error = WireError.TCP_BAD_OPTION_LENGTH;
                break;
            }
            l.add(decode(buf, at, kind, optLen));
            at += optLen;
        }
        return new Parsed(new TcpOptions(l), error);
    }

    private static TcpOption decode(byte[] buf, int at, int kind, int optLen) {
        int value = at + TcpOption.VALUE_OFFSET;
        switch (kind) {
            case TcpOption.KIND_MSS -> {
                if (optLen == TcpOption.LENGTH_MSS) {
                    return new TcpOption.Mss(Bytes.u16(buf, value));
                }
            }
            case TcpOption.KIND_WINDOW_SCALE -> {
                if (optLen == TcpOption.LENGTH_WINDOW_SCALE) {
                    return new TcpOption.WindowScale(Bytes.u8(buf, value));
                }
            }
            case TcpOption.KIND_SACK_PERMITTED -> {
                if (optLen == TcpOption.LENGTH_SACK_PERMITTED) {
                    return new TcpOption.SackPermitted();
                }
            }
            case TcpOption.KIND_TIMESTAMPS -> {
                if (optLen == TcpOption.LENGTH_TIMESTAMPS) {
                    return new TcpOption.Timestamps(Bytes.i32(buf, value),
                            Bytes.i32(buf, at + TcpOption.TS_ECR_OFFSET));
                }
            }
            case TcpOption.KIND_SACK -> {
                int blockBytes = optLen - TcpOption.LENGTH_SACK_BASE;
                if (blockBytes >= TcpOption.LENGTH_SACK_PER_BLOCK && blockBytes % TcpOption.LENGTH_SACK_PER_BLOCK == 0) {
                    int n = blockBytes / TcpOption.LENGTH_SACK_PER_BLOCK;
                    List<SackBlock> blocks = new ArrayList<>(n);
                    for (int i = 0, p = value; i < n; i++, p += TcpOption.LENGTH_SACK_PER_BLOCK) {
                        blocks.add(new SackBlock(Bytes.i32(buf, p), Bytes.i32(buf, p + TcpOption.SACK_RIGHT_EDGE_OFFSET)));
                    }
                    return new TcpOption.Sack(blocks);
                }
            }
            default -> {
                // not one we interpret: kept verbatim below
            }
        }
        byte[] data = new byte[optLen - TcpOption.LENGTH_MIN];
        System.arraycopy(buf, value, data, 0, data.length);
        return new TcpOption.Unknown(kind, data);
    }

    @Override
    public String toString() {
        return "TcpOptions[" + toTcpdump() + "]";
    }
}
