package dev.jtcp.stack;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Mib;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Bad input is dropped and counted under Linux's MIB names, with the reason in the trace; nothing escapes
 * the stack as an exception.
 */
class MalformedInputTest {
    private static final int PEER = Ipv4Addr.parse("192.0.2.1");
    private static final int LOCAL = Ipv4Addr.parse("192.168.0.1");

    private static EmbeddedStack listening() {
        EmbeddedStack k = EmbeddedStack.create("192.168.0.1");
        TcpSocket l = TcpSocket.open(k.stack());
        l.bind(new Endpoint(0, 80));
        l.listen(16);
        return k;
    }

    private static byte[] syn() {
        TcpHeader h = new TcpHeader(40000, 80, 1000, 0, TcpFlags.SYN, 65535, 0, 0,
                TcpOptions.synLinux(1460, true, true, 1, 0, 7));
        return PacketBuilder.ipv4Tcp(PEER, LOCAL, 64, 1, h, new byte[0]);
    }

    private static List<SegmentEvent> drops(EmbeddedStack k) {
        return k.trace().select(SegmentEvent.class, e -> e.kind() == SegmentEvent.Kind.DROP);
    }

    @Test
    void badTcpChecksum_countedAsInCsumErrorsAndInErrs_noReply() {
        EmbeddedStack k = listening();
        byte[] p = syn();
        p[20 + 16] ^= 0x5a;   // TCP checksum field
        k.inject(p);
        assertThat(k.stack().mib().get(Mib.TcpInCsumErrors)).isEqualTo(1);
        assertThat(k.stack().mib().get(Mib.TcpInErrs)).isEqualTo(1);
        assertThat(k.pending()).isZero();
        assertThat(drops(k)).singleElement().satisfies(d -> assertThat(d.why()).contains("TCP_BAD_CHECKSUM"));
    }

    @Test
    void badIpChecksum_countedAsIpHeaderErrors() {
        EmbeddedStack k = listening();
        byte[] p = syn();
        p[10] ^= 0x01;
        k.inject(p);
        assertThat(k.stack().mib().get(Mib.IpExtInCsumErrors)).isEqualTo(1);
        assertThat(k.stack().mib().get(Mib.IpInHdrErrors)).isEqualTo(1);
        assertThat(k.pending()).isZero();
    }

    @Test
    void dataOffsetBelowFive_countedAsInErrs() {
        EmbeddedStack k = listening();
        byte[] p = syn();
        p[20 + 12] = (byte) ((4 << 4) | (p[20 + 12] & 0x0f));
        fixTcpChecksum(p);
        k.inject(p);
        assertThat(k.stack().mib().get(Mib.TcpInErrs)).isEqualTo(1);
        assertThat(k.pending()).isZero();
    }

    @Test
    void truncatedIpPacket_countedAsTruncated() {
        EmbeddedStack k = listening();
        byte[] p = syn();
        byte[] cut = java.util.Arrays.copyOf(p, p.length - 8);
        k.inject(cut);
        assertThat(k.stack().mib().get(Mib.IpExtInTruncatedPkts)).isEqualTo(1);
    }

    @Test
    void optionLengthZero_parsingStopsButTheSegmentIsProcessed_asLinuxDoes() {
        EmbeddedStack k = listening();
        TcpOptions opts = TcpOptions.of(new dev.jtcp.wire.TcpOption.Mss(1460));
        TcpHeader h = new TcpHeader(40000, 80, 1000, 0, TcpFlags.SYN, 65535, 0, 0, opts);
        byte[] p = PacketBuilder.ipv4Tcp(PEER, LOCAL, 64, 1, h, new byte[0]);
        // Rewrite the MSS option's length byte to 0: tcp_parse_options() stops there.
        p[20 + 21] = 0;
        fixTcpChecksum(p);
        k.inject(p);
        EmbeddedStack.Outbound o = k.poll();
        assertThat(o).isNotNull();
        assertThat(TcpFlags.tcpdump(o.tcp().flags())).isEqualTo("S.");
        assertThat(k.stack().tcp().miniSockets()).hasSize(1);
    }

    @Test
    void packetForAnotherHost_countedAsInAddrErrors() {
        EmbeddedStack k = listening();
        TcpHeader h = new TcpHeader(40000, 80, 1000, 0, TcpFlags.SYN, 65535, 0, 0, TcpOptions.NONE);
        k.inject(PacketBuilder.ipv4Tcp(PEER, Ipv4Addr.parse("192.168.0.99"), 64, 1, h, new byte[0]));
        assertThat(k.stack().mib().get(Mib.IpInAddrErrors)).isEqualTo(1);
        assertThat(k.pending()).isZero();
    }

    @Property(tries = 300)
    void randomBytes_neverThrow(@ForAll @Size(max = 120) List<Byte> bytes) {
        EmbeddedStack k = listening();
        byte[] b = new byte[bytes.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = bytes.get(i);
        }
        assertThatCode(() -> k.inject(b)).doesNotThrowAnyException();
        assertThat(k.stack().mib().get(Mib.IpInReceives)).isEqualTo(1);
    }

    @Property(tries = 300)
    void corruptedValidSegments_neverThrow(@ForAll int position, @ForAll byte value) {
        EmbeddedStack k = listening();
        byte[] p = syn();
        p[Math.floorMod(position, p.length)] = value;
        assertThatCode(() -> k.inject(p)).doesNotThrowAnyException();
    }

    private static void fixTcpChecksum(byte[] p) {
        p[20 + 16] = 0;
        p[20 + 17] = 0;
        int c = dev.jtcp.wire.Checksum.tcpIpv4(PEER, LOCAL, p, 20, p.length - 20);
        p[20 + 16] = (byte) (c >>> 8);
        p[20 + 17] = (byte) c;
    }
}
