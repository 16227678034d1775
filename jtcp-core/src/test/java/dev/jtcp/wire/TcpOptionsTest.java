package dev.jtcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {

    private static String bytes(TcpOptions o) {
        byte[] b = new byte[o.encodedLength()];
        o.emit(b, 0);
        return Vectors.hex(b);
    }

    private static TcpOptions reparse(TcpOptions o) {
        byte[] b = new byte[o.encodedLength()];
        o.emit(b, 0);
        TcpOptions.Parsed p = TcpOptions.parse(b, 0, b.length);
        assertThat(p.error()).isNull();
        return p.options();
    }

    // ---- Linux SYN layouts: all four SACK / timestamp combinations ----

    @Test
    void synWithSackAndTimestamps() {
        TcpOptions o = TcpOptions.synLinux(1460, true, true, 7, 0, 5);
        assertThat(o.toTcpdump()).isEqualTo("mss 1460,sackOK,TS val 7 ecr 0,nop,wscale 5");
        assertThat(o.encodedLength()).isEqualTo(20);
        assertThat(bytes(o)).isEqualTo("020405b4" + "0402080a" + "00000007" + "00000000" + "01030305");
        assertThat(reparse(o)).isEqualTo(o);
    }

    @Test
    void synWithTimestampsOnly() {
        TcpOptions o = TcpOptions.synLinux(1460, false, true, 7, 0, 5);
        assertThat(o.toTcpdump()).isEqualTo("mss 1460,nop,nop,TS val 7 ecr 0,nop,wscale 5");
        assertThat(o.encodedLength()).isEqualTo(20);
        assertThat(bytes(o)).isEqualTo("020405b4" + "0101080a" + "00000007" + "00000000" + "01030305");
        assertThat(reparse(o)).isEqualTo(o);
    }

    @Test
    void synWithSackOnly() {
        TcpOptions o = TcpOptions.synLinux(1460, true, false, 7, 0, 5);
        assertThat(o.toTcpdump()).isEqualTo("mss 1460,nop,nop,sackOK,nop,wscale 5");
        assertThat(o.encodedLength()).isEqualTo(12);
        assertThat(bytes(o)).isEqualTo("020405b4" + "01010402" + "01030305");
        assertThat(reparse(o)).isEqualTo(o);
    }

    @Test
    void synWithNeitherSackNorTimestamps() {
        TcpOptions o = TcpOptions.synLinux(1460, false, false, 7, 0, 5);
        assertThat(o.toTcpdump()).isEqualTo("mss 1460,nop,wscale 5");
        assertThat(o.encodedLength()).isEqualTo(8);
        assertThat(bytes(o)).isEqualTo("020405b4" + "01030305");
    }

    @Test
    void synWithoutWindowScaleOrMss() {
        assertThat(TcpOptions.synLinux(1460, true, true, 1, 0, -1).toTcpdump()).isEqualTo("mss 1460,sackOK,TS val 1 ecr 0");
        assertThat(TcpOptions.synLinux(0, false, false, 0, 0, -1)).isEqualTo(TcpOptions.NONE);
        assertThat(TcpOptions.synLinux(-1, false, false, 0, 0, 0).toTcpdump()).isEqualTo("nop,wscale 0");
    }

    @Test
    void synAckEchoesTheTimestamp() {
        TcpOptions o = TcpOptions.synLinux(1460, true, true, (int) 4_000_000_000L, 7, 7);
        assertThat(o.toTcpdump()).isEqualTo("mss 1460,sackOK,TS val 4000000000 ecr 7,nop,wscale 7");
    }

    // ---- Linux data-segment layouts ----

    @Test
    void dataWithTimestampsOnly() {
        TcpOptions o = TcpOptions.dataLinux(true, 5, 3, List.of());
        assertThat(o.toTcpdump()).isEqualTo("nop,nop,TS val 5 ecr 3");
        assertThat(o.encodedLength()).isEqualTo(12);
        assertThat(bytes(o)).isEqualTo("0101080a0000000500000003");
    }

    @Test
    void dataWithNothingIsNone() {
        assertThat(TcpOptions.dataLinux(false, 5, 3, List.of())).isSameAs(TcpOptions.NONE);
        assertThat(TcpOptions.NONE.encodedLength()).isZero();
        assertThat(TcpOptions.NONE.toTcpdump()).isEmpty();
    }

    @Test
    void dataWithOneTwoThreeSackBlocks() {
        SackBlock a = new SackBlock(1000, 2000);
        SackBlock b = new SackBlock(3000, 4000);
        SackBlock c = new SackBlock(5000, 6000);
        assertThat(TcpOptions.dataLinux(true, 5, 3, List.of(a)).toTcpdump())
                .isEqualTo("nop,nop,TS val 5 ecr 3,nop,nop,sack 1 {1000:2000}");
        assertThat(TcpOptions.dataLinux(true, 5, 3, List.of(a, b)).toTcpdump())
                .isEqualTo("nop,nop,TS val 5 ecr 3,nop,nop,sack 2 {1000:2000}{3000:4000}");
        assertThat(TcpOptions.dataLinux(true, 5, 3, List.of(a, b, c)).toTcpdump())
                .isEqualTo("nop,nop,TS val 5 ecr 3,nop,nop,sack 3 {1000:2000}{3000:4000}{5000:6000}");
        assertThat(TcpOptions.dataLinux(false, 0, 0, List.of(a)).toTcpdump()).isEqualTo("nop,nop,sack 1 {1000:2000}");
        TcpOptions three = TcpOptions.dataLinux(true, 5, 3, List.of(a, b, c));
        assertThat(three.encodedLength()).isEqualTo(40);
        assertThat(bytes(three)).isEqualTo("0101080a0000000500000003" + "0101051a"
                + "000003e8000007d0" + "00000bb800000fa0" + "0000138800001770");
        assertThat(reparse(three)).isEqualTo(three);
        assertThat(three.sackBlocks()).containsExactly(a, b, c);
    }

    @Test
    void dataDropsTheSackBlocksThatDoNotFit() {
        List<SackBlock> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(new SackBlock(i * 100, i * 100 + 50));
        }
        assertThat(TcpOptions.dataLinux(true, 1, 2, five).sackBlocks()).isEqualTo(five.subList(0, 3));
        TcpOptions noTs = TcpOptions.dataLinux(false, 0, 0, five);
        assertThat(noTs.sackBlocks()).isEqualTo(five.subList(0, 4));
        assertThat(noTs.encodedLength()).isEqualTo(36);
        assertThat(noTs.toTcpdump()).isEqualTo("nop,nop,sack 4 {0:50}{100:150}{200:250}{300:350}");
    }

    @Test
    void sackEdgesPrintUnsigned() {
        TcpOptions o = TcpOptions.dataLinux(false, 0, 0, List.of(new SackBlock(-10, 5)));
        assertThat(o.toTcpdump()).isEqualTo("nop,nop,sack 1 {4294967286:5}");
        assertThat(o.toTcpdump(-20)).isEqualTo("nop,nop,sack 1 {10:25}");
        assertThat(new SackBlock(-10, 5).length()).isEqualTo(15);
    }

    // ---- accessors ----

    @Test
    void accessorsReportAbsenceAsDocumented() {
        TcpOptions o = TcpOptions.NONE;
        assertThat(o.mss()).isEqualTo(-1);
        assertThat(o.windowScale()).isEqualTo(-1);
        assertThat(o.sackPermitted()).isFalse();
        assertThat(o.hasTimestamps()).isFalse();
        assertThat(o.tsVal()).isZero();
        assertThat(o.tsEcr()).isZero();
        assertThat(o.sackBlocks()).isEmpty();
        assertThat(o.isEmpty()).isTrue();
    }

    @Test
    void lastOccurrenceWinsLikeLinux() {
        TcpOptions o = TcpOptions.of(new TcpOption.Mss(1000), new TcpOption.Mss(536),
                new TcpOption.Timestamps(1, 2), new TcpOption.Timestamps(3, 4));
        assertThat(o.mss()).isEqualTo(536);
        assertThat(o.tsVal()).isEqualTo(3);
        assertThat(o.tsEcr()).isEqualTo(4);
    }

    @Test
    void accessorsStopAtEol() {
        TcpOptions o = TcpOptions.of(new TcpOption.Mss(1000), new TcpOption.Eol(), new TcpOption.WindowScale(3));
        assertThat(o.mss()).isEqualTo(1000);
        assertThat(o.windowScale()).isEqualTo(-1);
        assertThat(o.toTcpdump()).isEqualTo("mss 1000,eol");
        assertThat(o.encodedLength()).isEqualTo(8);
        assertThat(bytes(o)).isEqualTo("020403e8" + "00030303");
    }

    @Test
    void windowScaleIsReportedRawNotClamped() {
        assertThat(TcpOptions.of(new TcpOption.WindowScale(200)).windowScale()).isEqualTo(200);
    }

    // ---- padding and the EOL rule ----

    @Test
    void optionsNotFillingAWordGetAnEolAppended() {
        TcpOptions o = new TcpOptions(List.of(new TcpOption.WindowScale(7)));
        assertThat(o.list()).containsExactly(new TcpOption.WindowScale(7), new TcpOption.Eol());
        assertThat(o.encodedLength()).isEqualTo(4);
        assertThat(bytes(o)).isEqualTo("03030700");
        assertThat(o.toTcpdump()).isEqualTo("wscale 7,eol");
        assertThat(reparse(o)).isEqualTo(o);
        assertThat(TcpOptions.of(new TcpOption.Mss(1), new TcpOption.Nop()).encodedLength()).isEqualTo(8);
    }

    @Test
    void emitZeroesThePaddingEvenInADirtyBuffer() {
        TcpOptions o = TcpOptions.of(new TcpOption.SackPermitted());
        byte[] b = {9, 9, 9, 9, 9};
        o.emit(b, 0);
        assertThat(Vectors.hex(b)).isEqualTo("0402000009");
    }

    @Test
    void moreThanFortyBytesIsRejected() {
        List<TcpOption> l = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            l.add(new TcpOption.Nop());
        }
        assertThatThrownBy(() -> new TcpOptions(l)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("option space is 40");
        assertThat(new TcpOptions(l.subList(0, 40)).encodedLength()).isEqualTo(40);
        assertThatThrownBy(() -> TcpOptions.of(new TcpOption.Timestamps(1, 1),
                new TcpOption.Sack(List.of(new SackBlock(1, 2), new SackBlock(3, 4), new SackBlock(5, 6), new SackBlock(7, 8)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- individual options ----

    @Test
    void unknownOptionsCompareByContentAndAreImmutable() {
        byte[] data = {1, 2};
        TcpOption.Unknown u = new TcpOption.Unknown(99, data);
        data[0] = 7;
        assertThat(u).isEqualTo(new TcpOption.Unknown(99, new byte[] {1, 2}));
        assertThat(u.hashCode()).isEqualTo(new TcpOption.Unknown(99, new byte[] {1, 2}).hashCode());
        assertThat(u).isNotEqualTo(new TcpOption.Unknown(98, new byte[] {1, 2}));
        u.data()[1] = 9;
        assertThat(u.data()).containsExactly(1, 2);
        assertThat(u.toString()).isEqualTo("Unknown[kind=99, data=0x0102]");
        assertThat(u.encodedLength()).isEqualTo(4);
    }

    @Test
    void unknownOptionsPrintLikeTcpdump() {
        assertThat(TcpOptions.of(new TcpOption.Unknown(99, new byte[] {1, (byte) 0xab})).toTcpdump())
                .isEqualTo("unknown-99 0x01ab");
        assertThat(TcpOptions.of(new TcpOption.Unknown(254, new byte[0]), new TcpOption.Nop(), new TcpOption.Nop())
                .toTcpdump()).isEqualTo("unknown-254,nop,nop");
    }

    @Test
    void unknownOptionsRoundTripVerbatim() {
        TcpOptions o = TcpOptions.of(new TcpOption.Unknown(34, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
                new TcpOption.Nop(), new TcpOption.Nop());
        assertThat(bytes(o)).isEqualTo("220a01020304050607080101");
        assertThat(reparse(o)).isEqualTo(o);
    }

    @Test
    void optionValueRangesAreChecked() {
        assertThatThrownBy(() -> new TcpOption.Mss(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpOption.WindowScale(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpOption.Sack(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpOption.Unknown(1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpOption.Unknown(9, new byte[39])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sackCopiesItsBlocks() {
        List<SackBlock> l = new ArrayList<>(List.of(new SackBlock(1, 2)));
        TcpOption.Sack s = new TcpOption.Sack(l);
        l.add(new SackBlock(3, 4));
        assertThat(s.blocks()).hasSize(1);
        assertThat(s).isEqualTo(new TcpOption.Sack(List.of(new SackBlock(1, 2))));
    }

    @Test
    void timestampsPrintUnsigned() {
        assertThat(TcpOptions.of(new TcpOption.Nop(), new TcpOption.Nop(), new TcpOption.Timestamps(-1, Integer.MIN_VALUE))
                .toTcpdump()).isEqualTo("nop,nop,TS val 4294967295 ecr 2147483648");
    }
}
