package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Errno;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Ipv4Header;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IP_TOS (the TOS byte of the socket's packets; a TCP socket keeps its own ECN bits) and IP_MTU_DISCOVER
 * (ip_dont_fragment(): DF under DO, and under WANT unless the route's MTU is locked; DONT, INTERFACE and
 * OMIT make an ICMP fragmentation-needed no reason to resend at once).
 */
class IpSocketOptionsTest {

    private static TcpSocket client(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.05, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.05, ".");
        return s;
    }

    @Test
    void ipTosGoesIntoEveryPacketOfTheSocketWithoutTheEcnBits() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        assertThat(s.getOption(SockOpt.IP_TOS)).isZero();
        assertThat(s.setOption(SockOpt.IP_TOS, 0x2b)).isZero();   // DSCP 10 and ECN bits 3: the ECN bits stay TCP's
        assertThat(s.getOption(SockOpt.IP_TOS)).isEqualTo(0x28);
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(10);
        Outbound o = p.out(0.05, "P.").seq(1).len(10).o;
        assertThat(o.ip().tos()).isEqualTo(0x28);
        assertThat(Ipv4Header.parse(o.packet(), 0, o.packet().length, true)).isInstanceOf(dev.jtcp.wire.Ipv4Parse.Ok.class);
        assertThat(s.setOption(SockOpt.IP_TOS, 0)).isZero();
        p.in(0.1, ".", 1, 0, 11, 502);
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(10);
        assertThat(p.out(0.1, "P.").seq(11).o.ip().tos()).isZero();
    }

    @Test
    void aListenersTosMarksItsSynAckAndIsInherited() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = TcpSocket.open(p.k.stack());
        assertThat(l.setOption(SockOpt.IP_TOS, 0x10)).isZero();
        assertThat(l.bind(new dev.jtcp.wire.Endpoint(0, 8080))).isZero();
        assertThat(l.listen(8)).isZero();
        p.localPort = 8080;
        p.in(0.0, "S", 0, 0, 0, 65535, p.synOpts(7));
        assertThat(p.out(0.0, "S.").o.ip().tos()).isEqualTo(0x10);
        p.in(0.05, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        assertThat(c.getOption(SockOpt.IP_TOS)).isEqualTo(0x10);
        assertThat(c.write(new byte[5], 0, 5)).isEqualTo(5);
        assertThat(p.out(0.05, "P.").o.ip().tos()).isEqualTo(0x10);
    }

    @Test
    void ipMtuDiscoverDecidesTheDfBit() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        assertThat(s.getOption(SockOpt.IP_MTU_DISCOVER)).isEqualTo(Tcp.IP_PMTUDISC_WANT);
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(10);
        assertThat(p.out(0.05, "P.").o.ip().dontFragment()).isTrue();
        p.in(0.1, ".", 1, 0, 11, 502);

        assertThat(s.setOption(SockOpt.IP_MTU_DISCOVER, Tcp.IP_PMTUDISC_DONT)).isZero();
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(10);
        assertThat(p.out(0.1, "P.").seq(11).o.ip().dontFragment()).isFalse();
        p.in(0.15, ".", 1, 0, 21, 502);

        // A locked route MTU (ip route ... mtu lock N): no DF under WANT, DF under DO.
        p.k.stack().changeRoute(LadderPeer.PEER, 1500, true, 0, 0);
        assertThat(s.setOption(SockOpt.IP_MTU_DISCOVER, Tcp.IP_PMTUDISC_WANT)).isZero();
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(10);
        assertThat(p.out(0.15, "P.").seq(21).o.ip().dontFragment()).isFalse();
        p.in(0.2, ".", 1, 0, 31, 502);
        assertThat(s.setOption(SockOpt.IP_MTU_DISCOVER, Tcp.IP_PMTUDISC_DO)).isZero();
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(10);
        assertThat(p.out(0.2, "P.").seq(31).o.ip().dontFragment()).isTrue();

        assertThat(s.setOption(SockOpt.IP_MTU_DISCOVER, 6)).isEqualTo(Errno.EINVAL.neg());
        assertThat(s.getOption(SockOpt.IP_MTU_DISCOVER)).isEqualTo(Tcp.IP_PMTUDISC_DO);
    }

    @Test
    void underPmtudiscDontAFragmentationNeededResendsNothingAtOnce() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        assertThat(s.setOption(SockOpt.IP_MTU_DISCOVER, Tcp.IP_PMTUDISC_DONT)).isZero();
        assertThat(s.write(new byte[2896], 0, 2896)).isEqualTo(2896);
        Outbound first = p.out(0.05, ".").seq(1).len(1448).o;
        p.out(0.05, "P.").seq(1449).len(1448);
        p.k.inject(fragNeeded(p, first, 1000));
        p.none(0.06);   // no tcp_simple_retransmit(): the route learned the MTU, the socket waits for its RTO
        assertThat(s.sock().errSoft).isZero();   // no DF was set, so nothing "is about to go wrong"
    }

    @Test
    void aRouteRefreshByIpTosLeavesSackMatchingAlone_andAnIntactSkbIsResentAsOneTsoPacket() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.01, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.01, ".");
        assertThat(s.write(new byte[10 * 1448], 0, 10 * 1448)).isEqualTo(10 * 1448);
        // Five TSO packets of two segments: PSH forced on the last segment of each.
        for (int i = 0; i < 10; i++) {
            p.out(0.01, i % 2 == 0 ? "." : "P.").seq(1 + i * 1448).len(1448);
        }
        // setsockopt(IP_TOS) drops the socket's cached route (sk_dst_reset()); the next transmission looks it up.
        assertThat(s.setOption(SockOpt.IP_TOS, 4)).isZero();
        assertThat(s.setOption(SockOpt.IP_TOS, 0)).isZero();
        assertThat(s.sock().dstSet).isFalse();
        // Segment 0 ACKed, 3 and 6-9 SACKed: 1, 2, 4 and 5 are lost (RACK).
        p.in(0.02, ".", 1, 0, 1 + 1448, 502, p.sackOpts(p.lastLocalTsval, 1 + 3 * 1448, 1 + 4 * 1448, 1 + 6 * 1448, 1 + 10 * 1448));
        // Segment 1 is what is left of the first skb, 2 was split from 3 by the SACK: each goes alone. The
        // skb of 4 and 5 is intact: one TSO packet again, PSH on its last segment. No SACKed data is resent.
        p.out(0.02, ".").seq(1 + 1448).len(1448);
        p.out(0.02, ".").seq(1 + 2 * 1448).len(1448);
        p.out(0.02, ".").seq(1 + 4 * 1448).len(1448);
        p.out(0.02, "P.").seq(1 + 5 * 1448).len(1448);
        p.none(0.025);
        assertThat(s.sock().dstSet).isTrue();
    }

    /** An ICMP fragmentation-needed (type 3 code 4, next-hop MTU) quoting our packet's header and 8 bytes. */
    private static byte[] fragNeeded(LadderPeer p, Outbound quoted, int mtu) {
        int len = 8 + 28;
        byte[] pkt = new byte[20 + len];
        Ipv4Header.of(p.peerAddr, p.localAddr, Ipv4Header.PROTO_ICMP, 64, 0x4321, len).emit(pkt, 0);
        pkt[20] = 3;
        pkt[21] = 4;
        pkt[26] = (byte) (mtu >>> 8);
        pkt[27] = (byte) mtu;
        System.arraycopy(quoted.packet(), 0, pkt, 28, 28);
        int c = Checksum.fold(Checksum.sum(pkt, 20, len, 0));
        pkt[22] = (byte) (c >>> 8);
        pkt[23] = (byte) c;
        return pkt;
    }
}
