package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where PSH lands on the wire. Linux builds TSO packets of up to min(cwnd quota, tcp_tso_segs()) segments
 * (tcp_write_xmit(), tcp_cwnd_test(): at most half the window in one), forces PSH on every packet of
 * more than one segment (__tcp_transmit_skb()), and segmentation keeps it on the packet's last segment
 * only (tcp_gso_segment()); a one-segment packet has PSH when it ends a write (tcp_push()).
 */
class WriteQueuePshTest {
    /** MSS 1460 less the 12 bytes of the timestamp option. */
    private static final int MSS = 1448;

    /** A client whose handshake took 50 ms: pacing rate 2 * 10 * MSS / 50 ms, under 2 MSS per ms. */
    private static TcpSocket client(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        return s;
    }

    private static String flags(List<Outbound> out) {
        StringBuilder b = new StringBuilder();
        for (Outbound o : out) {
            b.append(TcpFlags.tcpdump(o.tcp().flags())).append(o.payloadLength() == MSS ? "" : "(" + o.payloadLength() + ")")
                    .append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void initialWindow_leavesAsPacketsOfMinTsoSegs_pshOnTheLastSegmentOfEach() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.1);
        assertThat(s.write(new byte[20 * MSS], 0, 20 * MSS)).isEqualTo(20 * MSS);
        // tcp_min_tso_segs = 2: five packets of two segments fill the initial window of 10.
        assertThat(flags(p.drain())).isEqualTo(". P. . P. . P. . P. . P.");
    }

    @Test
    void minTsoSegs10_packetsAreHalfTheWindow() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_MIN_TSO_SEGS, 10));
        TcpSocket s = client(p);
        p.at(0.1);
        s.write(new byte[20 * MSS], 0, 20 * MSS);
        // tcp_cwnd_test() caps a packet at cwnd / 2 = 5 segments, so that two are in flight.
        assertThat(flags(p.drain())).isEqualTo(". . . . P. . . . . P.");
    }

    @Test
    void oneSegmentPackets_carryPshOnlyWhereAWriteEnds() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.1);
        s.write(new byte[MSS], 0, MSS);
        s.write(new byte[100], 0, 100);
        // Each write ends in a one-segment packet: PSH from tcp_push(), not forced.
        assertThat(flags(p.drain())).isEqualTo("P. P.(100)");
    }

    @Test
    void aWriteOfOneAndAHalfSegments_isOneTsoPacket_pshOnItsPartialTail() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.1);
        s.write(new byte[MSS + 500], 0, MSS + 500);
        assertThat(flags(p.drain())).isEqualTo(". P.(500)");
    }

    @Test
    void theWritesLastSegmentAlone_hasPsh() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.1);
        s.write(new byte[3 * MSS], 0, 3 * MSS);
        // A packet of two segments (forced PSH), then the write's third segment alone (its own PSH).
        assertThat(flags(p.drain())).isEqualTo(". P. P.");
    }

    @Test
    void aPacketCutShortByThePeersWindow_endsWhereTheWindowEnds() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.in(0.06, ".", 1, 0, 1, 12);   // 12 << 7 = 1536 bytes: room for one segment
        p.at(0.1);
        s.write(new byte[3 * MSS], 0, 3 * MSS);
        // tcp_mss_split_point() sends what the window holds, 1448 + 88 bytes, as one packet (Nagle does not
        // hold the partial segment back: nothing is in flight); the rest waits for the window.
        assertThat(flags(p.drain())).isEqualTo(". P.(88)");
    }

    @Test
    void msgMore_noPshAndThePartialSegmentWaits_untilAWriteWithoutIt() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        s.setOption(SockOpt.TCP_NODELAY, 1);
        p.at(0.1);
        assertThat(s.send(new byte[100], 0, 100, Tcp.MSG_MORE)).isEqualTo(100);
        p.none(0.105);   // MSG_MORE corks this push even under TCP_NODELAY
        s.write(new byte[50], 0, 50);
        // Both writes leave together, PSH from the second (tcp_push() without MSG_MORE).
        assertThat(flags(p.drain())).isEqualTo("P.(150)");
    }

    @Test
    void msgEor_laterWritesDoNotJoinTheRecord() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        s.setOption(SockOpt.TCP_NODELAY, 1);   // so that uncorking pushes everything (TCP_NAGLE_PUSH)
        s.setOption(SockOpt.TCP_CORK, 1);
        p.at(0.1);
        s.send(new byte[100], 0, 100, Tcp.MSG_EOR);
        s.write(new byte[100], 0, 100);
        s.write(new byte[100], 0, 100);
        s.setOption(SockOpt.TCP_CORK, 0);
        // The record stays one skb; the two plain writes share the next one.
        assertThat(flags(p.drain())).isEqualTo("P.(100) P.(200)");
    }

    /** Two ACKs at the instant the flight's ACKs are due; returns the segments sent after the second. */
    private static int segmentsAfterASecondAck(Sysctl sys) {
        LadderPeer p = LadderPeer.with(sys.set(SysctlKey.TCP_MIN_TSO_SEGS, 10));
        TcpSocket s = client(p);
        p.at(0.1);
        s.write(new byte[20 * MSS], 0, 20 * MSS);
        assertThat(p.drain()).hasSize(10);
        p.in(0.15, ".", 1, 0, 1 + MSS, 502);
        assertThat(p.drain()).hasSize(2);   // cwnd 11: a 2-segment packet, the last send 50 ms ago
        p.in(0.15, ".", 1, 0, 1 + 2 * MSS, 502);
        return p.drain().size();
    }

    @Test
    void tsoShouldDefer_holdsASmallPacketWhenAnAckIsDue_unlessTheWinDivisorSaysSend() {
        // tcp_tso_should_defer(): we just sent (< 1 ms), 2 segments fit where 10 make a packet, under a
        // third of the window, and the next ACK is due now: wait for it to send a bigger packet.
        assertThat(segmentsAfterASecondAck(new Sysctl())).isZero();
        // tcp_tso_win_divisor = 100: a hundredth of the window is enough to send at once.
        assertThat(segmentsAfterASecondAck(new Sysctl().set(SysctlKey.TCP_TSO_WIN_DIVISOR, 100))).isEqualTo(2);
    }
}
