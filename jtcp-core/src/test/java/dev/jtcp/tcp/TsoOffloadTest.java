package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stack on a device with segmentation and checksum offload (NetStack.Builder.tsoOffload: Linux's
 * NETIF_F_TSO | NETIF_F_HW_CSUM, as a TUN device with IFF_VNET_HDR): a TSO packet leaves whole with its
 * segment size (sk_can_gso()), every TCP checksum is left partial for the device (__tcp_v4_send_check()),
 * and what the device vouches for is not verified on receive. The segments the device cuts are those the
 * stack sends one by one without the offload.
 */
class TsoOffloadTest {
    private static final int MSS = 1448;

    /** seq:len:flags of every segment on the wire, cutting TSO packets as tcp_gso_segment() does. */
    private static List<String> wire(List<Outbound> out, int isn) {
        List<String> l = new ArrayList<>();
        for (Outbound o : out) {
            int seg = o.gsoSize() > 0 ? o.gsoSize() : Math.max(1, o.payloadLength());
            for (int off = 0; off < Math.max(1, o.payloadLength()); off += seg) {
                int len = Math.min(seg, o.payloadLength() - off);
                boolean last = off + len >= o.payloadLength();
                int flags = last ? o.tcp().flags() : o.tcp().flags() & ~(TcpFlags.PSH | TcpFlags.FIN);
                l.add((o.tcp().seq() - isn + off) + ":" + len + ":" + TcpFlags.tcpdump(flags));
            }
        }
        return l;
    }

    @Test
    void tsoPackets_leaveWhole_andCutIntoTheSegmentsSentWithoutOffload() {
        LadderPeer plain = LadderPeer.linuxDefaults();
        LadderPeer tso = LadderPeer.tsoOffload();
        TcpSocket a = plain.connectEstablished(0.050);
        TcpSocket b = tso.connectEstablished(0.050);
        plain.at(0.1);
        tso.at(0.1);
        a.write(new byte[20 * MSS], 0, 20 * MSS);
        b.write(new byte[20 * MSS], 0, 20 * MSS);
        List<Outbound> segs = plain.drain();
        List<Outbound> packets = tso.drain();

        // Five packets of two segments (tcp_min_tso_segs) instead of ten segments.
        assertThat(segs).hasSize(10);
        assertThat(packets).hasSize(5).allSatisfy(o -> {
            assertThat(o.gsoSize()).isEqualTo(MSS);
            assertThat(o.payloadLength()).isEqualTo(2 * MSS);
            assertThat(TcpFlags.tcpdump(o.tcp().flags())).isEqualTo("P.");
        });
        assertThat(wire(packets, tso.localIsn)).isEqualTo(wire(segs, plain.localIsn));
        // ip_select_ident_segs(): each packet takes as many IP IDs as it has segments.
        for (int i = 1; i < packets.size(); i++) {
            assertThat(packets.get(i).ip().id()).isEqualTo((packets.get(i - 1).ip().id() + 2) & 0xffff);
        }
        // Counted per segment (tcp_skb_pcount()), as without the offload.
        assertThat(tso.mib(Mib.TcpOutSegs)).isEqualTo(plain.mib(Mib.TcpOutSegs)).isEqualTo(12);
        assertThat(tso.mib(Mib.IpOutRequests)).isEqualTo(7);
    }

    @Test
    void everyTcpChecksum_isLeftPartial_andTheDeviceCompletesIt() {
        LadderPeer p = LadderPeer.tsoOffload();
        TcpSocket s = p.connectEstablished(0.050);
        p.at(0.1);
        s.write(new byte[2 * MSS], 0, 2 * MSS);
        List<Outbound> out = p.drain();
        assertThat(out).hasSize(1);
        Outbound tsoPacket = out.getFirst();
        assertThat(tsoPacket.gsoSize()).isEqualTo(MSS);
        s.close();
        p.at(0.2);
        Outbound fin = p.drain().getFirst();
        assertThat(fin.gsoSize()).isZero();
        for (Outbound o : List.of(tsoPacket, fin)) {
            byte[] pkt = o.packet().clone();
            int tcpOff = Ipv4Header.MIN_HEADER_LENGTH;
            int tcpLen = pkt.length - tcpOff;
            int field = ((pkt[tcpOff + 16] & 0xff) << 8) | (pkt[tcpOff + 17] & 0xff);
            // The pseudo-header sum, not complemented (csum_start at the TCP header, csum_offset 16).
            assertThat(field).isEqualTo(~Checksum.fold(Checksum.pseudoHeaderSum(o.ip().src(), o.ip().dst(), 6, tcpLen)) & 0xffff);
            // The device sums from csum_start over that field and stores the complement: a valid checksum.
            int done = Checksum.fold(Checksum.sum(pkt, tcpOff, tcpLen, 0));
            pkt[tcpOff + 16] = (byte) (done >>> 8);
            pkt[tcpOff + 17] = (byte) done;
            assertThat(Checksum.verifyTcpIpv4(o.ip().src(), o.ip().dst(), pkt, tcpOff, tcpLen)).isTrue();
        }
    }

    @Test
    void aPacketTheDeviceVouchesFor_isNotVerified_othersAre() {
        LadderPeer p = LadderPeer.tsoOffload();
        p.connectEstablished(0.050);
        p.at(0.2);
        TcpHeader h = new TcpHeader(LadderPeer.PEER_PORT, p.localPort, p.peerIsn + 1, p.localIsn + 1, TcpFlags.ACK | TcpFlags.PSH,
                1000, 0, 0, p.tsOpts());
        byte[] pkt = PacketBuilder.ipv4Tcp(p.peerAddr, p.localAddr, 64, 0, h, new byte[100]);
        pkt[Ipv4Header.MIN_HEADER_LENGTH + 16] ^= 0x5a;   // a partial checksum, as a local sender leaves it

        p.k.stack().onPacket(p.k.nowNs(), pkt, 0, pkt.length, false);
        assertThat(p.mib(Mib.TcpInCsumErrors)).isEqualTo(1);
        p.none(0.3);

        // VIRTIO_NET_HDR_F_NEEDS_CSUM: CHECKSUM_PARTIAL, which tcp_v4_rcv() takes as good.
        p.k.stack().onPacket(p.k.nowNs(), pkt, 0, pkt.length, true);
        assertThat(p.mib(Mib.TcpInCsumErrors)).isEqualTo(1);
        p.outBetween(0.3, 0.6, ".").ack(101);
    }
}
