package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacketBuilderTest {

    @Test
    void buildsTheLinuxSynByteForByte() {
        TcpHeader syn = TcpHeader.of(33000, 80, 1000, 0, TcpFlags.SYN, 64240, TcpOptions.synLinux(1460, true, true, 1, 0, 7));
        byte[] pkt = PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 0x1c46, syn);
        assertThat(Vectors.hex(pkt)).isEqualTo(Vectors.LINUX_SYN_HEX);
    }

    @Test
    void writesAtAnOffsetAndReturnsTheLength() {
        TcpHeader h = TcpHeader.of(1, 2, 3, 4, TcpFlags.ACK | TcpFlags.PSH, 5, TcpOptions.dataLinux(true, 1, 2, List.of()));
        byte[] payload = {9, 8, 7, 6, 5};
        byte[] buf = new byte[100];
        int n = PacketBuilder.writeIpv4Tcp(buf, 10, CLIENT, SERVER, 64, 7, h, payload, 1, 3);
        assertThat(n).isEqualTo(20 + 32 + 3).isEqualTo(PacketBuilder.totalLength(h, 3));
        Ipv4Parse.Ok ip = (Ipv4Parse.Ok) Ipv4Header.parse(buf, 10, n, true);
        assertThat(ip.header().dontFragment()).isTrue();
        assertThat(ip.header().ttl()).isEqualTo(64);
        assertThat(ip.header().id()).isEqualTo(7);
        TcpParse.Ok tcp = (TcpParse.Ok) TcpHeader.parse(buf, ip.payloadOffset(), ip.payloadLength(), CLIENT, SERVER, true);
        assertThat(tcp.header().withChecksum(0)).isEqualTo(h);
        assertThat(buf[tcp.payloadOffset()]).isEqualTo((byte) 8);
        assertThat(buf[tcp.payloadOffset() + 2]).isEqualTo((byte) 6);
        assertThat(buf[9]).isZero();
        assertThat(buf[10 + n]).isZero();
    }

    @Test
    void theRecordsChecksumIsReplaced() {
        TcpHeader h = new TcpHeader(1, 2, 3, 4, TcpFlags.ACK, 5, 0xdead, 0, TcpOptions.NONE);
        byte[] pkt = PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h);
        assertThat(Checksum.verifyTcpIpv4(CLIENT, SERVER, pkt, 20, 20)).isTrue();
    }

    @Test
    void rejectsOversizedPacketsAndBadSlices() {
        TcpHeader h = TcpHeader.of(1, 2, 3, 4, TcpFlags.ACK, 5, TcpOptions.NONE);
        assertThatThrownBy(() -> PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h, new byte[65535 - 39], 0, 65535 - 39))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
        assertThatThrownBy(() -> PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h, new byte[3], 1, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> PacketBuilder.writeIpv4Tcp(new byte[39], 0, CLIENT, SERVER, 64, 1, h, null, 0, 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h, new byte[65535 - 40], 0, 65535 - 40)).hasSize(65535);
    }
}
