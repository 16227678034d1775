package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The congestion control a socket gets (tcp_congestion_control, TCP_CONGESTION) and what it does after a
 * loss, on a ladder: the same flight and the same SACKed loss against Reno and against CUBIC.
 */
class CongestionControlTest {
    static final int MSS = 1448;

    /** Passive open (RTT 100 ms), 64 KB written; returns the accepted socket. */
    private static TcpSocket established(LadderPeer p) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.100, ".", 1, 0, 1, 2000);
        TcpSocket c = l.accept();
        assertThat(c).isNotNull();
        assertThat(c.write(new byte[64 * 1024], 0, 64 * 1024)).isEqualTo(64 * 1024);
        return c;
    }

    /**
     * IW10, one ACK for all ten (slow start: cwnd 20), a flight of 20 whose first segment is lost: the peer
     * SACKs the next three and the third SACK triggers the fast retransmit. Returns the socket in recovery.
     */
    private static TcpSocket lossAfterSlowStart(LadderPeer p) {
        TcpSocket c = established(p);
        List<?> flight1 = p.drain();
        assertThat(flight1).hasSize(10);
        assertThat(c.info().sndCwnd()).isEqualTo(10);
        p.in(0.200, ".", 1, 0, 1 + 10 * MSS, 2000);
        assertThat(c.info().sndCwnd()).isEqualTo(20);
        assertThat(p.drain()).hasSize(20);
        int hole = 1 + 10 * MSS;
        for (int n = 1; n <= 3; n++) {
            SackBlock b = new SackBlock(p.localIsn + hole + MSS, p.localIsn + hole + (n + 1) * MSS);
            p.in(0.300 + n * 0.0001, ".", 1, 0, hole, 2000, TcpOptions.dataLinux(true, p.tsNow(), p.lastLocalTsval, List.of(b)));
        }
        return c;
    }

    /**
     * What the stack sent on the three SACKs: new data on the first two (limited transmit, RFC 3042: cwnd
     * still has room), and on the third the retransmission of the hole. True when that came last.
     */
    private static boolean fastRetransmitted(LadderPeer p) {
        List<dev.jtcp.stack.EmbeddedStack.Outbound> sent = p.drain();
        assertThat(sent).isNotEmpty();
        boolean rtx = sent.stream().anyMatch(o -> o.tcp().seq() - p.localIsn == 1 + 10 * MSS && o.payloadLength() == MSS);
        highSent = 1 + 30 * MSS;
        for (var o : sent) {
            highSent = Math.max(highSent, o.tcp().seq() - p.localIsn + o.payloadLength());
        }
        return rtx && sent.stream().filter(o -> o.tcp().seq() - p.localIsn != 1 + 10 * MSS)
                .allMatch(o -> o.tcp().seq() - p.localIsn >= 1 + 30 * MSS);
    }

    /** The end of the highest segment sent by the time of the fast retransmit (relative): high_seq. */
    private static int highSent;

    @Test
    void cubicIsTheDefault_andTheSettingAcceptsOnlyKnownNames() {
        Sysctl s = new Sysctl();
        assertThat(s.text(SysctlKey.TCP_CONGESTION_CONTROL)).isEqualTo("cubic");
        s.set("net.ipv4.tcp_congestion_control", "reno");
        assertThat(s.text(SysctlKey.TCP_CONGESTION_CONTROL)).isEqualTo("reno");
        assertThatThrownBy(() -> s.set("net.ipv4.tcp_congestion_control", "bbr"))
                .hasMessage("net.ipv4.tcp_congestion_control: 'bbr' is not available; accepted: reno, cubic");
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = established(p);
        assertThat(c.congestion()).isEqualTo("cubic");
    }

    @Test
    void tcpCongestionSetsAndGets_unknownNameIsEnoent() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = established(p);
        assertThat(c.setCongestion("reno")).isZero();
        assertThat(c.congestion()).isEqualTo("reno");
        assertThat(c.setCongestion("vegas")).isEqualTo(Errno.ENOENT.neg());
        assertThat(c.congestion()).isEqualTo("reno");
        assertThat(c.setCongestion("cubic")).isZero();
        assertThat(c.congestion()).isEqualTo("cubic");
        assertThat(c.setOption(SockOpt.TCP_CONGESTION, 1)).isEqualTo(Errno.EINVAL.neg());   // a name, not an int
    }

    @Test
    void aListenersChoiceIsInherited_otherwiseTheDefaultAtAcceptTime() {
        Sysctl s = new Sysctl().set(SysctlKey.TCP_CONGESTION_CONTROL, "reno");
        LadderPeer p = LadderPeer.with(s);
        TcpSocket l = p.listen(8080);
        assertThat(l.setCongestion("cubic")).isZero();
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.100, ".", 1, 0, 1, 2000);
        assertThat(l.accept().congestion()).isEqualTo("cubic");

        LadderPeer q = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_CONGESTION_CONTROL, "reno"));
        assertThat(established(q).congestion()).isEqualTo("reno");
    }

    @Test
    void renoHalvesTheWindowOnTheLoss() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_CONGESTION_CONTROL, "reno"));
        TcpSocket c = lossAfterSlowStart(p);
        assertThat(fastRetransmitted(p)).isTrue();
        TcpInfo i = c.info();
        assertThat(i.caState()).isEqualTo(TcpSock.CA_RECOVERY);
        assertThat(i.sndSsthresh()).isEqualTo(10);   // tcp_reno_ssthresh(): 20 / 2
        // Everything up to high_seq (limited-transmit segments included) arrives: recovery ends with
        // cwnd = ssthresh = 10, then the same ACK grows it (tcp_cong_control() in Open) by one segment per 10
        // newly delivered (the segments outstanding less the 3 already SACKed).
        int delivered = (highSent - (1 + 10 * MSS)) / MSS - 3;
        p.in(0.400, ".", 1, 0, highSent, 2000);
        assertThat(c.info().caState()).isEqualTo(TcpSock.CA_OPEN);
        assertThat(c.info().sndSsthresh()).isEqualTo(10);
        assertThat(c.info().sndCwnd()).isEqualTo(10 + delivered / 10);
    }

    @Test
    void cubicKeepsSeventyPercent() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = lossAfterSlowStart(p);
        assertThat(fastRetransmitted(p)).isTrue();
        TcpInfo i = c.info();
        assertThat(i.caState()).isEqualTo(TcpSock.CA_RECOVERY);
        assertThat(i.sndSsthresh()).isEqualTo(14);   // cubictcp_recalc_ssthresh(): 20 * 717 / 1024
        // Recovery ends with cwnd = 14; the same ACK starts a cubic epoch: W_max 20, K = cbrt(2681735677 * 6)
        // = 2524, t = delay_min 100 ms = 25 jiffies = 102/1024 s, target = 20 - 410 * 2422^3 / 2^40 = 15,
        // cnt = 14 / (15 - 14) = 14 (the Reno estimate adds one per 14 * 15 / 8 = 26 ACKed: at most 15, and
        // 14 / (15 - 14) = 14 again): one more segment per 14 delivered.
        int delivered = (highSent - (1 + 10 * MSS)) / MSS - 3;
        assertThat(delivered).isLessThan(52);
        p.in(0.400, ".", 1, 0, highSent, 2000);
        assertThat(c.info().caState()).isEqualTo(TcpSock.CA_OPEN);
        assertThat(c.info().sndSsthresh()).isEqualTo(14);
        assertThat(c.info().sndCwnd()).isEqualTo(14 + delivered / 14);
    }

    /** Ten segments, all acknowledged at 0.2 (cwnd 20), idle until 2.5 s, then 64 KB: returns the segments sent then. */
    private static int burstAfterIdle(LadderPeer p, TcpSocket[] out) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.100, ".", 1, 0, 1, 2000);
        TcpSocket c = l.accept();
        out[0] = c;
        assertThat(c.write(new byte[10 * MSS], 0, 10 * MSS)).isEqualTo(10 * MSS);
        assertThat(p.drain()).hasSize(10);
        p.in(0.200, ".", 1, 0, 1 + 10 * MSS, 2000);
        assertThat(c.info().sndCwnd()).isEqualTo(20);
        p.at(2.5);
        assertThat(c.write(new byte[64 * 1024], 0, 64 * 1024)).isEqualTo(64 * 1024);
        return p.drain().size();
    }

    @Test
    void slowStartAfterIdle_restartsTheWindowAtTheNextWrite() {
        // tcp_slow_start_after_idle=1: idle 2.3 s, longer than the RTO (300 ms): tcp_cwnd_restart() halves cwnd
        // once per RTO of idle, down to the initial window: 20 -> 10; ssthresh keeps 3/4 of the old cwnd
        // at least (tcp_current_ssthresh(): max(inf, ...) stays infinite here).
        TcpSocket[] c = new TcpSocket[1];
        assertThat(burstAfterIdle(LadderPeer.linuxDefaults(), c)).isEqualTo(10);
        assertThat(c[0].info().sndCwnd()).isEqualTo(10);
        assertThat(c[0].info().sndSsthresh()).isEqualTo(Integer.MAX_VALUE);
        // Off: the whole window of 20 goes at once.
        TcpSocket[] d = new TcpSocket[1];
        assertThat(burstAfterIdle(LadderPeer.with(new Sysctl().set(SysctlKey.TCP_SLOW_START_AFTER_IDLE, 0)), d)).isEqualTo(20);
        assertThat(d[0].info().sndCwnd()).isEqualTo(20);
    }
}
