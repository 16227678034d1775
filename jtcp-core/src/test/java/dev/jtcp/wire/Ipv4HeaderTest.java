package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Ipv4HeaderTest {

    private static final Ipv4Header LINUX_SYN_IP = new Ipv4Header(0, 60, 0x1c46, true, false, 0, 64,
            Ipv4Header.PROTO_TCP, Vectors.LINUX_SYN_IP_CHECKSUM, CLIENT, SERVER, 20);

    private static Ipv4Parse.Ok ok(Ipv4Parse p) {
        assertThat(p).isInstanceOf(Ipv4Parse.Ok.class);
        return (Ipv4Parse.Ok) p;
    }

    private static WireError error(byte[] b, int len) {
        Ipv4Parse p = Ipv4Header.parse(b, 0, len, true);
        assertThat(p).isInstanceOf(Ipv4Parse.Bad.class);
        return ((Ipv4Parse.Bad) p).error();
    }

    @Test
    void linuxSynParses() {
        byte[] pkt = Vectors.linuxSyn();
        Ipv4Parse.Ok ip = ok(Ipv4Header.parse(pkt, 0, pkt.length, true));
        assertThat(ip.header()).isEqualTo(LINUX_SYN_IP);
        assertThat(ip.payloadOffset()).isEqualTo(20);
        assertThat(ip.payloadLength()).isEqualTo(40);
        assertThat(ip.header().isFragment()).isFalse();
        assertThat(ip.header().payloadLength()).isEqualTo(40);
    }

    @Test
    void emitOfParseReproducesTheBytes() {
        byte[] pkt = Vectors.linuxSyn();
        byte[] out = new byte[20];
        ok(Ipv4Header.parse(pkt, 0, pkt.length, true)).header().emit(out, 0);
        assertThat(out).isEqualTo(Arrays.copyOf(pkt, 20));
    }

    @Test
    void emitComputesTheChecksumWhateverTheRecordHolds() {
        byte[] out = new byte[20];
        new Ipv4Header(0, 60, 0x1c46, true, false, 0, 64, Ipv4Header.PROTO_TCP, 0x1234, CLIENT, SERVER, 20).emit(out, 0);
        assertThat(Vectors.hex(out)).isEqualTo(Vectors.LINUX_SYN_HEX.substring(0, 40));
    }

    @Test
    void fragmentFieldsRoundTrip() {
        Ipv4Header h = new Ipv4Header(0xb8, 1500, 77, false, true, 1480, 3, Ipv4Header.PROTO_UDP, 0, CLIENT, SERVER, 20);
        byte[] b = new byte[1500];
        h.emit(b, 0);
        assertThat(Vectors.hex(Arrays.copyOf(b, 8))).isEqualTo("45b805dc004d20b9");
        Ipv4Header back = ok(Ipv4Header.parse(b, 0, b.length, true)).header();
        assertThat(back.isFragment()).isTrue();
        assertThat(back.fragmentOffset()).isEqualTo(1480);
        assertThat(back.moreFragments()).isTrue();
        assertThat(back.dontFragment()).isFalse();
        assertThat(back.tos()).isEqualTo(0xb8);
        assertThat(back.protocol()).isEqualTo(17);
    }

    @Test
    void linkLayerPaddingAfterTheTotalLengthIsIgnored() {
        byte[] pkt = Arrays.copyOf(Vectors.linuxSyn(), 64);
        Ipv4Parse.Ok ip = ok(Ipv4Header.parse(pkt, 0, 64, true));
        assertThat(ip.payloadLength()).isEqualTo(40);
    }

    @Test
    void optionsAreSkippedByIhl() {
        // IHL 6: one option word (NOP, NOP, NOP, EOL) between the fixed header and a 20-byte TCP header
        byte[] pkt = new byte[44];
        Ipv4Header.of(CLIENT, SERVER, 6, 64, 1, 24).emit(pkt, 0);
        pkt[0] = 0x46;
        pkt[20] = 1;
        pkt[21] = 1;
        pkt[22] = 1;
        pkt[10] = 0;
        pkt[11] = 0;
        int c = Checksum.ipv4Header(pkt, 0, 24);
        pkt[10] = (byte) (c >>> 8);
        pkt[11] = (byte) c;
        Ipv4Parse.Ok ip = ok(Ipv4Header.parse(pkt, 0, 44, true));
        assertThat(ip.header().headerLength()).isEqualTo(24);
        assertThat(ip.payloadOffset()).isEqualTo(24);
        assertThat(ip.payloadLength()).isEqualTo(20);
        assertThatThrownBy(() -> ip.header().emit(new byte[24], 0)).isInstanceOf(IllegalStateException.class);
    }

    // ---- malformed packets ----

    @Test
    void tooShort() {
        byte[] pkt = Vectors.linuxSyn();
        for (int len = 0; len < 20; len++) {
            assertThat(error(pkt, len)).isEqualTo(WireError.IP_TOO_SHORT);
        }
    }

    @Test
    void badVersion() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[0] = 0x65;
        assertThat(error(pkt, pkt.length)).isEqualTo(WireError.IP_BAD_VERSION);
        pkt[0] = 0x05;
        assertThat(error(pkt, pkt.length)).isEqualTo(WireError.IP_BAD_VERSION);
    }

    @Test
    void ihlBelowFive() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[0] = 0x44;
        assertThat(error(pkt, pkt.length)).isEqualTo(WireError.IP_BAD_IHL);
        pkt[0] = 0x40;
        assertThat(error(pkt, pkt.length)).isEqualTo(WireError.IP_BAD_IHL);
    }

    @Test
    void ihlBeyondTheBytesReceived() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[0] = 0x4f; // 60-byte header
        assertThat(error(pkt, 40)).isEqualTo(WireError.IP_BAD_IHL);
    }

    @Test
    void truncated() {
        byte[] pkt = Vectors.linuxSyn();
        Ipv4Parse.Bad b = (Ipv4Parse.Bad) Ipv4Header.parse(pkt, 0, 59, true);
        assertThat(b.error()).isEqualTo(WireError.IP_TRUNCATED);
        assertThat(b.detail()).isEqualTo("total length 60, only 59 bytes received");
    }

    @Test
    void totalLengthBelowTheHeaderLength() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[3] = 19;
        Vectors.fixIpChecksum(pkt);
        assertThat(error(pkt, pkt.length)).isEqualTo(WireError.IP_BAD_TOTAL_LENGTH);
    }

    @Test
    void badChecksum() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[8] = 63; // TTL changed, checksum not updated
        Ipv4Parse.Bad b = (Ipv4Parse.Bad) Ipv4Header.parse(pkt, 0, pkt.length, true);
        assertThat(b.error()).isEqualTo(WireError.IP_BAD_CHECKSUM);
        assertThat(b.detail()).isEqualTo("header checksum 0x0a74, expected 0x0b74");
        assertThat(Ipv4Header.parse(pkt, 0, pkt.length, false)).isInstanceOf(Ipv4Parse.Ok.class);
    }

    @Test
    void checksumIsCheckedBeforeTheTotalLengthAsInLinux() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[3] = 100; // truncated, and the checksum no longer matches
        assertThat(error(pkt, pkt.length)).isEqualTo(WireError.IP_BAD_CHECKSUM);
        assertThat(((Ipv4Parse.Bad) Ipv4Header.parse(pkt, 0, pkt.length, false)).error()).isEqualTo(WireError.IP_TRUNCATED);
    }

    @Test
    void parseAtAnOffset() {
        byte[] pkt = Vectors.linuxSyn();
        byte[] big = new byte[pkt.length + 7];
        System.arraycopy(pkt, 0, big, 7, pkt.length);
        Ipv4Parse.Ok ip = ok(Ipv4Header.parse(big, 7, pkt.length, true));
        assertThat(ip.payloadOffset()).isEqualTo(27);
        assertThat(ip.header()).isEqualTo(LINUX_SYN_IP);
    }

    @Test
    void constructorChecksRanges() {
        assertThatThrownBy(() -> new Ipv4Header(0, 0, 0, false, false, 4, 0, 0, 0, 0, 0, 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> new Ipv4Header(0, 0, 0, false, false, 0, 256, 0, 0, 0, 0, 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> new Ipv4Header(0, 0, 0, false, false, 0, 0, 0, 0, 0, 0, 22))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("headerLength");
        assertThatThrownBy(() -> new Ipv4Header(0, 65536, 0, false, false, 0, 0, 0, 0, 0, 0, 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("totalLength");
    }

    @Test
    void toStringIsReadable() {
        assertThat(LINUX_SYN_IP.toString()).isEqualTo(
                "Ipv4Header[10.0.0.1 > 10.0.0.2 proto=6 len=60 hl=20 id=7238 ttl=64 tos=0 DF off=0 csum=0x0a74]");
    }
}
