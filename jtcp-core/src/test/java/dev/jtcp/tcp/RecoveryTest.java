package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loss recovery as Linux 6.18 does it, one mechanism per ladder: RACK (RFC 8985) with its reordering
 * timer, fast retransmit and proportional rate reduction (RFC 6937), NewReno partial ACKs for peers
 * without SACK (RFC 6582), the reordering metric, undo on spurious retransmission (timestamps, D-SACK),
 * F-RTO (RFC 5682) and the tail loss probe. The stack is the sender; the peer plays the receiver with an
 * RTT of 100 ms and an MSS of 1448 bytes (1460 minus timestamps).
 */
class RecoveryTest {
    static final int M = 1448;
    static final int CA_OPEN = 0;
    static final int CA_RECOVERY = 3;

    /** Connects to the peer: SYN at 0, SYN-ACK at 0.1 (RTT 100 ms), third ACK at 0.1. */
    private static TcpSocket established(LadderPeer p, boolean sack) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        TcpOptions syn = TcpOptions.synLinux(1460, sack, p.timestamps, p.tsNow(), p.lastLocalTsval, 7);
        p.in(0.1, "S.", 0, 0, 1, 65535, syn);
        p.out(0.1, ".");
        return s;
    }

    /** Writes n full segments at time t and returns what left at once. */
    private static List<Outbound> write(LadderPeer p, TcpSocket s, double t, int n) {
        p.at(t);
        assertThat(s.write(new byte[n * M], 0, n * M)).isEqualTo(n * M);
        return p.drain();
    }

    private static List<Outbound> writeNoTs(LadderPeer p, TcpSocket s, double t, int n) {
        p.at(t);
        assertThat(s.write(new byte[n * 1460], 0, n * 1460)).isEqualTo(n * 1460);
        return p.drain();
    }

    /** The relative start of segment i (1-based) of the stream. */
    private static int seg(int i) {
        return 1 + (i - 1) * M;
    }

    /** The same without timestamps: the MSS is 1460. */
    private static int segNoTs(int i) {
        return 1 + (i - 1) * 1460;
    }

    /** A pure ACK from the peer at t: cumulative ack, SACK blocks as relative (start, end) pairs. */
    private static void ack(LadderPeer p, double t, int relAck, int... sack) {
        p.in(t, ".", 1, 0, relAck, 502, p.sackOpts(sack));
    }

    @Test
    void rack_oneSackArmsTheReorderingTimer_fastRetransmitAfterMinRttOverFour() {
        LadderPeer p = LadderPeer.exactTimers(new Sysctl());
        TcpSocket s = established(p, true);
        assertThat(write(p, s, 0.1, 4)).hasSize(4);
        // The last segment is SACKed: below dupthresh, RACK waits min_rtt/4 = 25 ms (+ TCP_TIMEOUT_MIN_US).
        ack(p, 0.2, 1, seg(4), seg(5));
        p.none(0.226);
        p.out(0.227, ".").seq(1).len(M);
        TcpInfo i = s.info();
        assertThat(i.caState()).isEqualTo(CA_RECOVERY);
        assertThat(i.lost()).as("RACK marks the three segments sent before the SACKed one").isEqualTo(3);
        assertThat(i.reordering()).isEqualTo(3);
        assertThat(p.mib(Mib.TcpExtTCPSackRecovery)).isEqualTo(1);
        // PRR: one segment out per segment delivered.
        ack(p, 0.229, 1, seg(3), seg(5));
        p.out(0.229, ".").seq(seg(2)).len(M);
        p.none(0.23);
    }

    @Test
    void threeSacks_fastRetransmitAtOnce_thenPrrSendsNewDataOncePipeIsBelowSsthresh() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        assertThat(write(p, s, 0.1, 10)).hasSize(10);
        ack(p, 0.2, 1, seg(2), seg(3));
        ack(p, 0.201, 1, seg(2), seg(4));
        p.none(0.201);
        ack(p, 0.202, 1, seg(2), seg(5));
        // The third SACK: dupthresh reached, RACK's window is 0, the hole is lost and goes at once.
        p.out(0.202, ".").seq(1).len(M);
        assertThat(p.mib(Mib.TcpExtTCPSackRecovery)).isEqualTo(1);
        TcpInfo i = s.info();
        assertThat(i.sndSsthresh()).isEqualTo(5);
        assertThat(write(p, s, 0.203, 10)).as("PRR holds new data while pipe exceeds ssthresh").isEmpty();
        ack(p, 0.21, 1, seg(2), seg(6));
        p.none(0.21);
        ack(p, 0.22, 1, seg(2), seg(7));
        p.none(0.22);
        // Pipe has fallen to ssthresh - 1: from now on one new segment per segment delivered.
        ack(p, 0.23, 1, seg(2), seg(8));
        p.out(0.23, ".").seq(seg(11)).len(M);
        ack(p, 0.24, 1, seg(2), seg(9));
        p.out(0.24, ".").seq(seg(12)).len(M);
        ack(p, 0.25, 1, seg(2), seg(10));
        p.out(0.25, ".").seq(seg(13)).len(M);
        ack(p, 0.26, 1, seg(2), seg(11));
        p.out(0.26, ".").seq(seg(14)).len(M);
        // The retransmission arrives: recovery ends, cwnd settles at ssthresh (tcp_end_cwnd_reduction).
        ack(p, 0.302, seg(11));
        i = s.info();
        assertThat(i.caState()).isEqualTo(CA_OPEN);
        assertThat(i.sndCwnd()).isEqualTo(5);
        assertThat(p.mib(Mib.TcpExtTCPFastRetrans)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPFullUndo)).isZero();
    }

    /** Ten segments out, the first SACK-reported missing three times: returns the retransmission. */
    private static Outbound fastRetransmit(LadderPeer p, TcpSocket s) {
        write(p, s, 0.1, 10);
        ack(p, 0.2, 1, seg(2), seg(3));
        ack(p, 0.201, 1, seg(2), seg(4));
        ack(p, 0.202, 1, seg(2), seg(5));
        return p.out(0.202, ".").seq(1).o;
    }

    @Test
    void undo_timestampsShowTheOriginalArrived_fullUndoRestoresCwnd() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        write(p, s, 0.1, 10);
        int firstTsval = p.lastLocalTsval;
        ack(p, 0.2, 1, seg(2), seg(3));
        ack(p, 0.201, 1, seg(2), seg(4));
        ack(p, 0.202, 1, seg(2), seg(5));
        Outbound rtx = p.out(0.202, ".").seq(1).o;
        assertThat(rtx.tcp().options().tsVal()).isGreaterThan(firstTsval);
        // The original was only late: the ACK that ends recovery echoes its timestamp (Eifel, RFC 3522).
        p.in(0.25, ".", 1, 0, seg(11), 502, p.sackOpts(firstTsval));
        TcpInfo i = s.info();
        assertThat(p.mib(Mib.TcpExtTCPFullUndo)).isEqualTo(1);
        assertThat(i.caState()).isEqualTo(CA_OPEN);
        // cwnd back to its value before recovery (10), then slow start on the 7 segments this ACK delivered.
        assertThat(i.sndCwnd()).isEqualTo(17);
        assertThat(i.sndSsthresh()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void undo_dsackOfTheRetransmission_undoesAfterRecovery() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        fastRetransmit(p, s);
        // Recovery ends with an ACK echoing the retransmission: no timestamp evidence.
        ack(p, 0.3, seg(11));
        assertThat(s.info().sndCwnd()).isEqualTo(5);
        assertThat(p.mib(Mib.TcpExtTCPFullUndo)).isZero();
        // Then the receiver reports the retransmission as a duplicate (D-SACK, RFC 2883): it was needless.
        ack(p, 0.301, seg(11), seg(1), seg(2));
        TcpInfo i = s.info();
        assertThat(p.mib(Mib.TcpExtTCPDSACKRecv)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPDSACKUndo)).isEqualTo(1);
        assertThat(i.sndCwnd()).isEqualTo(10);
        assertThat(i.caState()).isEqualTo(CA_OPEN);
    }

    @Test
    void reordering_sackFillingAHoleRaisesTheReorderingDegree_noRetransmission() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        write(p, s, 0.1, 10);
        ack(p, 0.2, 1, seg(6), seg(7));
        // Segment 2, never retransmitted, is SACKed below the highest SACK: the path reorders by 5 segments.
        ack(p, 0.201, 1, seg(2), seg(3), seg(6), seg(7));
        assertThat(p.mib(Mib.TcpExtTCPSACKReorder)).isEqualTo(1);
        assertThat(s.info().reordering()).isEqualTo(5);
        ack(p, 0.21, seg(11));
        // The first segment arrives late too: a hole filled by the original. tcp_check_sack_reordering()
        // measures from the highest SACK, which is snd_una once everything is acknowledged: 10 segments.
        assertThat(p.mib(Mib.TcpExtTCPSACKReorder)).isEqualTo(2);
        assertThat(s.info().reordering()).isEqualTo(10);
        assertThat(p.mib(Mib.TcpRetransSegs)).isZero();
        assertThat(p.mib(Mib.TcpExtTCPSackRecovery)).isZero();
        assertThat(s.info().sndCwnd()).as("no reduction for reordering").isGreaterThanOrEqualTo(10);
    }

    @Test
    void newReno_threeDuplicateAcksThenAPartialAck_retransmitsEachHole() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, false);
        write(p, s, 0.1, 10);
        // Segments 1 and 3 are lost; 2, 4, 5 ... draw duplicate ACKs (the first also updates the window, so
        // it is not a duplicate: RFC 5681 2).
        ack(p, 0.2, 1);
        ack(p, 0.2005, 1);
        ack(p, 0.201, 1);
        p.none(0.201);
        ack(p, 0.202, 1);
        p.out(0.202, ".").seq(1).len(M);
        assertThat(p.mib(Mib.TcpExtTCPRenoRecovery)).isEqualTo(1);
        for (int k = 0; k < 4; k++) {
            ack(p, 0.203 + k * 0.001, 1);
        }
        p.drain();
        // The retransmission arrives: a partial ACK up to the second hole (RFC 6582): the head is lost too.
        ack(p, 0.302, seg(3));
        ack(p, 0.303, seg(3));
        List<Outbound> out = p.drain();
        assertThat(out).extracting(o -> o.tcp().seq() - p.localIsn).contains(seg(3));
        assertThat(s.info().caState()).isEqualTo(CA_RECOVERY);
        ack(p, 0.4, seg(11));
        // Without SACK the state is held until something above high_seq is acknowledged (RFC 6582 4.1:
        // tcp_try_undo_recovery), so that duplicate ACKs of the old window cannot start a new recovery.
        assertThat(s.info().caState()).isEqualTo(CA_RECOVERY);
        write(p, s, 0.41, 1);
        ack(p, 0.51, seg(12));
        assertThat(s.info().caState()).isEqualTo(CA_OPEN);
        assertThat(p.mib(Mib.TcpExtTCPFastRetrans)).isEqualTo(2);
    }

    @Test
    void frto_spuriousRto_newDataAfterTheFirstAck_thenUndo() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.timestamps = false;
        TcpSocket s = established(p, true);
        assertThat(writeNoTs(p, s, 0.1, 20)).hasSize(10);
        // Silence: the tail loss probe sends new data, then the RTO retransmits the head.
        Outbound probe = p.outBetween(0.29, 0.32, ".").seq(segNoTs(11)).o;
        assertThat(p.mib(Mib.TcpExtTCPLossProbes)).isEqualTo(1);
        Outbound rto = p.outBetween(0.55, 0.65, ".").seq(1).o;
        assertThat(rto.tNs()).isGreaterThan(probe.tNs());
        assertThat(p.mib(Mib.TcpExtTCPTimeouts)).isEqualTo(1);
        double t = rto.tNs() / 1e9 + 0.05;
        // F-RTO step 2.b: the ACK of the retransmitted head sends new data instead of retransmissions.
        ack(p, t, segNoTs(2));
        List<Outbound> fresh = p.drain();
        assertThat(fresh).isNotEmpty();
        assertThat(fresh).allSatisfy(o -> assertThat(o.tcp().seq() - p.localIsn).isGreaterThanOrEqualTo(segNoTs(12)));
        // Step 3.b: data never retransmitted is acknowledged: the RTO was spurious.
        ack(p, t + 0.01, segNoTs(12));
        assertThat(p.mib(Mib.TcpExtTCPSpuriousRTOs)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPLossUndo)).isEqualTo(1);
        TcpInfo i = s.info();
        assertThat(i.caState()).isEqualTo(CA_OPEN);
        // cwnd and ssthresh as before the RTO (10, infinite), then slow start on the 10 segments delivered.
        assertThat(i.sndSsthresh()).isEqualTo(Integer.MAX_VALUE);
        assertThat(i.sndCwnd()).isEqualTo(20);
    }

    @Test
    void frto_off_rtoRetransmitsInSlowStart() {
        Sysctl sys = new Sysctl().set(SysctlKey.TCP_FRTO, 0);
        LadderPeer p = LadderPeer.with(sys);
        p.timestamps = false;
        TcpSocket s = established(p, true);
        writeNoTs(p, s, 0.1, 20);
        p.outBetween(0.29, 0.32, ".").seq(segNoTs(11));
        Outbound rto = p.outBetween(0.55, 0.65, ".").seq(1).o;
        double t = rto.tNs() / 1e9 + 0.05;
        ack(p, t, segNoTs(2));
        // Without F-RTO the next lost segments are retransmitted (slow start in CA_Loss).
        List<Outbound> next = p.drain();
        assertThat(next).extracting(o -> o.tcp().seq() - p.localIsn).startsWith(segNoTs(2));
        assertThat(p.mib(Mib.TcpExtTCPSlowStartRetrans)).isGreaterThanOrEqualTo(1);
        ack(p, t + 0.01, segNoTs(12));
        assertThat(p.mib(Mib.TcpExtTCPSpuriousRTOs)).isZero();
    }

    @Test
    void tlp_probeRepairsATailLoss_thenOneCwndReduction() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        write(p, s, 0.1, 3);
        ack(p, 0.2, seg(3));
        // One segment in flight: PTO = 2 * SRTT + rto_min, capped by the RTO (300 ms; 0.512 on the wheel).
        Outbound probe = p.outBetween(0.45, 0.55, "P.").seq(seg(3)).len(M).o;
        assertThat(p.mib(Mib.TcpExtTCPLossProbes)).isEqualTo(1);
        double t = probe.tNs() / 1e9 + 0.1;
        ack(p, t, seg(4));
        assertThat(p.mib(Mib.TcpExtTCPLossProbeRecovery)).isZero();
        write(p, s, t + 0.01, 1);
        // An ACK above the probe: the probe repaired a real loss: reduce cwnd once (CWR).
        ack(p, t + 0.11, seg(5));
        assertThat(p.mib(Mib.TcpExtTCPLossProbeRecovery)).isEqualTo(1);
        assertThat(s.info().sndSsthresh()).isEqualTo(5);
        assertThat(s.info().caState()).isEqualTo(CA_OPEN);
    }

    @Test
    void tlp_dsackOfTheProbe_meansNoLoss() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        write(p, s, 0.1, 3);
        ack(p, 0.2, seg(3));
        p.outBetween(0.45, 0.55, "P.").seq(seg(3));
        double t = 0.55;
        ack(p, t + 0.01, seg(4));
        // The original arrived; the probe is reported as a duplicate.
        ack(p, t + 0.1, seg(4), seg(3), seg(4));
        write(p, s, t + 0.11, 1);
        ack(p, t + 0.21, seg(5));
        assertThat(p.mib(Mib.TcpExtTCPLossProbeRecovery)).isZero();
        assertThat(s.info().sndSsthresh()).isEqualTo(Integer.MAX_VALUE);
    }

    /** One segment in flight, then the peer closes its window without acknowledging it and falls silent. */
    private static TcpSocket zeroWindowWithDataInFlight(LadderPeer p) {
        TcpSocket s = established(p, true);
        write(p, s, 0.1, 1);
        p.in(0.15, ".", 1, 0, 1, 0);
        return s;
    }

    @Test
    void zeroWindow_retransmissionsGoOnUntilTwiceRtoMaxOfSilence() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = zeroWindowWithDataInFlight(p);
        // tcp_rtx_probe0_timed_out(): not tcp_retries2 (about 15 minutes) but 2 x TCP_RTO_MAX of silence.
        p.at(240);
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        p.at(500);
        assertThat(s.read(new byte[4], 0, 4)).isEqualTo(dev.jtcp.sys.Errno.ETIMEDOUT.neg());
        assertThat(p.mib(Mib.TcpExtTCPTimeouts)).as("zero-window retransmissions are not counted as timeouts").isZero();
    }

    @Test
    void zeroWindow_userTimeoutEndsItSooner() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p, true);
        assertThat(s.setOption(SockOpt.TCP_USER_TIMEOUT, 10_000)).isZero();
        write(p, s, 0.1, 1);
        p.in(0.15, ".", 1, 0, 1, 0);
        p.at(9);
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        p.at(20);
        assertThat(s.read(new byte[4], 0, 4)).isEqualTo(dev.jtcp.sys.Errno.ETIMEDOUT.neg());
    }
}
