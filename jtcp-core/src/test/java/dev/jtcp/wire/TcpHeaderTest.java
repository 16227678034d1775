package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TcpHeaderTest {

    private static final TcpHeader LINUX_SYN = new TcpHeader(33000, 80, 1000, 0, TcpFlags.SYN, 64240,
            Vectors.LINUX_SYN_TCP_CHECKSUM, 0, TcpOptions.synLinux(1460, true, true, 1, 0, 7));

    private static TcpParse.Ok ok(TcpParse p) {
        assertThat(p).isInstanceOf(TcpParse.Ok.class);
        return (TcpParse.Ok) p;
    }

    private static TcpParse.Bad bad(TcpParse p) {
        assertThat(p).isInstanceOf(TcpParse.Bad.class);
        return (TcpParse.Bad) p;
    }

    /** A zeroed ACK segment of {@code totalLen} bytes with data offset {@code doffWords}. */
    private static byte[] segment(int doffWords, int totalLen) {
        byte[] b = new byte[totalLen];
        b[TcpHeader.SRC_PORT_OFFSET + 1] = 1;
        b[TcpHeader.DST_PORT_OFFSET + 1] = 2;
        b[TcpHeader.DATA_OFFSET_OFFSET] = (byte) (doffWords << 4);
        b[TcpHeader.FLAGS_OFFSET] = TcpFlags.ACK;
        return b;
    }

    @Test
    void linuxSynParsesToTheExpectedHeader() {
        byte[] pkt = Vectors.linuxSyn();
        TcpParse.Ok t = ok(TcpHeader.parse(pkt, 20, 40, CLIENT, SERVER, true));
        assertThat(t.header()).isEqualTo(LINUX_SYN);
        assertThat(t.payloadOffset()).isEqualTo(60);
        assertThat(t.payloadLength()).isZero();
        assertThat(t.optionError()).isNull();
        TcpHeader h = t.header();
        assertThat(h.headerLength()).isEqualTo(40);
        assertThat(h.dataOffset()).isEqualTo(10);
        assertThat(h.has(TcpFlags.SYN)).isTrue();
        assertThat(h.has(TcpFlags.ACK)).isFalse();
        assertThat(h.options().mss()).isEqualTo(1460);
        assertThat(h.options().windowScale()).isEqualTo(7);
        assertThat(h.options().sackPermitted()).isTrue();
        assertThat(h.options().hasTimestamps()).isTrue();
        assertThat(h.options().tsVal()).isEqualTo(1);
        assertThat(h.options().tsEcr()).isZero();
        assertThat(h.options().list()).containsExactly(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                new TcpOption.Timestamps(1, 0), new TcpOption.Nop(), new TcpOption.WindowScale(7));
        assertThat(h.sequenceLength(0)).isEqualTo(1);
    }

    @Test
    void emitOfParseReproducesTheBytes() {
        byte[] pkt = Vectors.linuxSyn();
        TcpHeader h = ok(TcpHeader.parse(pkt, 20, 40, CLIENT, SERVER, true)).header();
        byte[] out = new byte[40];
        h.emit(out, 0);
        assertThat(Vectors.hex(out)).isEqualTo(Vectors.LINUX_SYN_HEX.substring(40));
    }

    @Test
    void emitAtAnOffsetTouchesOnlyItsBytes() {
        byte[] out = new byte[50];
        java.util.Arrays.fill(out, (byte) 0x77);
        LINUX_SYN.emit(out, 5);
        assertThat(out[4]).isEqualTo((byte) 0x77);
        assertThat(out[45]).isEqualTo((byte) 0x77);
        assertThat(ok(TcpHeader.parse(out, 5, 40, CLIENT, SERVER, true)).header()).isEqualTo(LINUX_SYN);
    }

    @Test
    void reservedBitsAndAeSurviveARoundTrip() {
        TcpHeader h = new TcpHeader(1, 2, 3, 4, TcpFlags.AE | TcpFlags.RESERVED | TcpFlags.ACK, 5, 6, 7, TcpOptions.NONE);
        byte[] out = new byte[20];
        h.emit(out, 0);
        assertThat(out[TcpHeader.DATA_OFFSET_OFFSET]).isEqualTo((byte) 0x5F);
        assertThat(out[TcpHeader.FLAGS_OFFSET]).isEqualTo((byte) 0x10);
        assertThat(ok(TcpHeader.parse(out, 0, 20, 0, 0, false)).header()).isEqualTo(h);
    }

    @Test
    void payloadIsLocatedByTheDataOffset() {
        TcpHeader h = TcpHeader.of(1, 2, 3, 4, TcpFlags.PSH | TcpFlags.ACK, 5, TcpOptions.dataLinux(true, 9, 8, List.of()));
        byte[] pkt = PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h, new byte[] {'h', 'e', 'l', 'l', 'o'});
        TcpParse.Ok t = ok(TcpHeader.parse(pkt, 20, pkt.length - 20, CLIENT, SERVER, true));
        assertThat(t.payloadOffset()).isEqualTo(20 + 32);
        assertThat(t.payloadLength()).isEqualTo(5);
        assertThat(new String(pkt, t.payloadOffset(), t.payloadLength(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("hello");
        assertThat(t.header().sequenceLength(5)).isEqualTo(5);
    }

    // ---- malformed segments: each yields the right WireError, nothing throws ----

    @Test
    void shortHeaderIsTooShort() {
        for (int len = 0; len < 20; len++) {
            byte[] b = new byte[len];
            assertThat(bad(TcpHeader.parse(b, 0, len, 0, 0, true)).error()).isEqualTo(WireError.TCP_TOO_SHORT);
        }
    }

    @Test
    void dataOffsetBelowFiveIsBadDataOffset() {
        for (int doff = 0; doff < 5; doff++) {
            TcpParse.Bad b = bad(TcpHeader.parse(segment(doff, 40), 0, 40, 0, 0, false));
            assertThat(b.error()).isEqualTo(WireError.TCP_BAD_DATA_OFFSET);
            assertThat(b.detail()).contains("data offset " + doff);
        }
    }

    @Test
    void dataOffsetBeyondTheSegmentIsTooShort() {
        TcpParse.Bad b = bad(TcpHeader.parse(segment(15, 40), 0, 40, 0, 0, false));
        assertThat(b.error()).isEqualTo(WireError.TCP_TOO_SHORT);
        assertThat(b.detail()).contains("60-byte header").contains("40 bytes");
        // and exactly fitting is fine
        assertThat(TcpHeader.parse(segment(10, 40), 0, 40, 0, 0, false)).isInstanceOf(TcpParse.Ok.class);
    }

    @Test
    void dataOffsetCheckComesBeforeTheChecksum() {
        // Linux checks doff < 5 before the checksum: a segment bad in both ways is BAD_DATA_OFFSET
        byte[] seg = segment(3, 20);
        assertThat(bad(TcpHeader.parse(seg, 0, 20, CLIENT, SERVER, true)).error()).isEqualTo(WireError.TCP_BAD_DATA_OFFSET);
    }

    @Test
    void badChecksumIsReportedWithTheExpectedValue() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[20 + TcpHeader.CHECKSUM_OFFSET + 1] ^= 1; // 0xb3eb -> 0xb3ea
        TcpParse.Bad b = bad(TcpHeader.parse(pkt, 20, 40, CLIENT, SERVER, true));
        assertThat(b.error()).isEqualTo(WireError.TCP_BAD_CHECKSUM);
        assertThat(b.detail()).isEqualTo("checksum 0xb3ea, expected 0xb3eb");
        // the same segment with verification off parses
        assertThat(ok(TcpHeader.parse(pkt, 20, 40, CLIENT, SERVER, false)).header().checksum()).isEqualTo(0xb3ea);
    }

    @Test
    void checksumCoversThePseudoHeaderAddresses() {
        byte[] pkt = Vectors.linuxSyn();
        assertThat(bad(TcpHeader.parse(pkt, 20, 40, CLIENT, 0x0A000003, true)).error())
                .isEqualTo(WireError.TCP_BAD_CHECKSUM);
        // the sum is commutative, so swapping source and destination cannot be detected (RFC 1071 2(A))
        assertThat(TcpHeader.parse(pkt, 20, 40, SERVER, CLIENT, true)).isInstanceOf(TcpParse.Ok.class);
    }

    /** A segment whose option bytes are given in hex. */
    private static TcpParse parseWithOptions(String optionHex) {
        byte[] opts = Vectors.hex(optionHex);
        assertThat(opts.length % 4).as("option bytes fill whole words").isZero();
        byte[] seg = segment(5 + opts.length / 4, 20 + opts.length);
        System.arraycopy(opts, 0, seg, 20, opts.length);
        return TcpHeader.parse(seg, 0, seg.length, 0, 0, false);
    }

    @Test
    void optionLengthZeroStopsOptionParsingButKeepsTheSegment() {
        TcpParse.Ok t = ok(parseWithOptions("020405b4 01 63 00 00"));
        assertThat(t.optionError()).isEqualTo(WireError.TCP_BAD_OPTION_LENGTH);
        assertThat(t.header().options().list()).containsExactly(new TcpOption.Mss(1460), new TcpOption.Nop(),
                new TcpOption.Eol()); // the EOL is where the options understood end: 5 bytes, padded
        assertThat(t.header().options().mss()).isEqualTo(1460);
        assertThat(t.payloadOffset()).isEqualTo(28);
        assertThat(t.payloadLength()).isZero();
    }

    @Test
    void optionLengthOneStopsOptionParsing() {
        TcpParse.Ok t = ok(parseWithOptions("020405b4 0401 0000"));
        assertThat(t.optionError()).isEqualTo(WireError.TCP_BAD_OPTION_LENGTH);
        assertThat(t.header().options().list()).containsExactly(new TcpOption.Mss(1460));
        assertThat(t.header().options().sackPermitted()).isFalse();
    }

    @Test
    void optionRunningPastTheEndKeepsTheOptionsSoFar() {
        TcpParse.Ok t = ok(parseWithOptions("01010402 080a0000")); // TS claims 10 bytes, 4 remain
        assertThat(t.optionError()).isEqualTo(WireError.TCP_BAD_OPTION_LENGTH);
        assertThat(t.header().options().list()).containsExactly(new TcpOption.Nop(), new TcpOption.Nop(),
                new TcpOption.SackPermitted());
        assertThat(t.header().options().sackPermitted()).isTrue();
        assertThat(t.header().options().hasTimestamps()).isFalse();
    }

    @Test
    void kindWithNoRoomForItsLengthByteIsABadOption() {
        TcpParse.Ok t = ok(parseWithOptions("01010303 07010102"));
        assertThat(t.optionError()).isEqualTo(WireError.TCP_BAD_OPTION_LENGTH);
        assertThat(t.header().options().windowScale()).isEqualTo(7);
    }

    @Test
    void eolEndsTheOptionsAndWhatFollowsIsIgnored() {
        TcpParse.Ok t = ok(parseWithOptions("020405b4 00 ff ff ff"));
        assertThat(t.optionError()).isNull();
        assertThat(t.header().options().list()).containsExactly(new TcpOption.Mss(1460), new TcpOption.Eol());
        assertThat(t.header().options().toTcpdump()).isEqualTo("mss 1460,eol");
    }

    @Test
    void knownKindsWithWrongLengthsAreKeptVerbatimAndIgnored() {
        // MSS of length 3, window scale of length 2, SACK-permitted of length 3
        TcpParse.Ok t = ok(parseWithOptions("020305 0302 040301"));
        assertThat(t.optionError()).isNull();
        assertThat(t.header().options().list()).containsExactly(new TcpOption.Unknown(2, new byte[] {5}),
                new TcpOption.Unknown(3, new byte[0]), new TcpOption.Unknown(4, new byte[] {1}));
        assertThat(t.header().options().mss()).isEqualTo(-1);
        assertThat(t.header().options().windowScale()).isEqualTo(-1);
        assertThat(t.header().options().sackPermitted()).isFalse();
        byte[] out = new byte[28];
        t.header().emit(out, 0);
        assertThat(Vectors.hex(out).substring(40)).isEqualTo("0203050302040301");
    }

    @Test
    void malformedSackLengthsAreUnknown() {
        TcpParse.Ok t = ok(parseWithOptions("0101050a 00000001 00000002 0000 0000"));
        assertThat(t.header().options().sackBlocks()).containsExactly(new SackBlock(1, 2));
        TcpParse.Ok t2 = ok(parseWithOptions("0101050b 00000001 00000002 00 000000"));
        assertThat(t2.header().options().sackBlocks()).isEmpty();
        assertThat(t2.header().options().list().get(2)).isInstanceOf(TcpOption.Unknown.class);
    }

    @Test
    void constructorRejectsOutOfRangeFields() {
        assertThatThrownBy(() -> new TcpHeader(65536, 0, 0, 0, 0, 0, 0, 0, TcpOptions.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("srcPort");
        assertThatThrownBy(() -> new TcpHeader(0, 0, 0, 0, 0x1000, 0, 0, 0, TcpOptions.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flags");
        assertThatThrownBy(() -> new TcpHeader(0, 0, 0, 0, 0, -1, 0, 0, TcpOptions.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> new TcpHeader(0, 0, 0, 0, 0, 0, 0, 0, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void sliceOutsideTheArrayIsACallerBug() {
        assertThatThrownBy(() -> TcpHeader.parse(new byte[10], 5, 10, 0, 0, false))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void toStringIsReadable() {
        assertThat(LINUX_SYN.toString()).isEqualTo("TcpHeader[33000 > 80 [S] seq=1000 ack=0 win=64240 csum=0xb3eb urg=0"
                + " options=[mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]]");
    }
}
