package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Delayed ACK, quick-ack mode and ping-pong mode as Linux 6.18 does them (reference items 5 and 6). */
class DelayedAckTest {

    /** Passive open with a 50 ms RTT; returns the accepted socket. */
    private static TcpSocket established(LadderPeer p) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.050, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        assertThat(c).isNotNull();
        return c;
    }

    @Test
    void sixteenQuickAcks_thenDelayedAcksOfAboutFortyMs() {
        LadderPeer p = LadderPeer.linuxDefaults();
        established(p);
        // 20 segments of 5 bytes, 100 ms apart; the application does not read.
        for (int i = 0; i < 16; i++) {
            double t = 0.100 + i * 0.100;
            p.in(t, "P.", 1 + 5 * i, 5, 1, 502);
            // Quick-ack budget: min(rcv_wnd / (2 * rcv_mss), TCP_MAX_QUICKACKS) = 16.
            p.out(t, ".").ack(6 + 5 * i).win(64);
        }
        // Segment 17: ATO 40 ms (10 jiffies), +1 tick on the timer wheel.
        p.in(1.700, "P.", 81, 5, 1, 502);
        p.out(1.744, ".").ack(86);
        // The delayed-ACK timer missed (not ping-pong): ATO doubles, capped by the RTT (13 jiffies).
        p.in(1.800, "P.", 86, 5, 1, 502);
        p.out(1.856, ".").ack(91);
        assertThat(p.k.stack().mib().get(Mib.TcpExtDelayedACKs)).isEqualTo(2);
    }

    @Test
    void outOfOrderSegment_immediateAckWithSack_holeFill_immediateAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        established(p);
        p.in(0.100, ".", 1, 1448, 1, 502);
        p.out(0.100, ".").ack(1449);
        p.in(0.200, ".", 2897, 1448, 1, 502);   // 1449:2897 is missing
        p.out(0.200, ".").ack(1449).sack("2897:4345");
        p.in(0.300, ".", 1449, 1448, 1, 502);   // fills the hole
        p.out(0.300, ".").ack(4345).sack();
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPOFOQueue)).isEqualTo(1);
    }

    @Test
    void pingpong_replyWithinAtoCarriesTheAck_lateReplyLeavesALoneDelayedAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = established(p);
        byte[] buf = new byte[100];
        // Request 1 arrives in quick-ack mode: ACKed at once; the reply goes separately.
        p.in(0.100, "P.", 1, 5, 1, 502);
        p.out(0.100, ".").ack(6);
        assertThat(c.read(buf, 0, 100)).isEqualTo(5);
        c.write(buf, 0, 5);
        p.out(0.100, "P.").seq(1).ack(6).len(5);
        // The reply left within the ATO of the request: ping-pong mode. Request 2's ACK rides on reply 2.
        p.in(0.150, "P.", 6, 5, 6, 502);
        p.none(0.150);
        assertThat(c.read(buf, 0, 100)).isEqualTo(5);
        c.write(buf, 0, 5);
        p.out(0.150, "P.").seq(6).ack(11).len(5);
        // Request 3 answered late: the delayed ACK goes alone after the ATO (40 ms + a tick).
        p.in(0.250, "P.", 11, 5, 11, 502);
        p.out(0.292, ".").ack(16);
        assertThat(c.info().pingpong()).isFalse();   // a delayed ACK that fired ends ping-pong mode
    }

    /**
     * tcp_event_data_sent() counts every data packet sent within the ATO of the last arrival, even one that follows an
     * earlier reply in the same jiffy as the request (6.0 reverted 5.1's "first reply after new data" condition):
     * with tcp_pingpong_thresh 3, three replies within a jiffy make ping-pong mode, and the fourth request's ACK waits.
     */
    @Test
    void everyReplyWithinTheAtoCountsTowardsPingpong_evenInTheSameJiffyAsTheRequest() {
        LadderPeer p = LadderPeer.with(new dev.jtcp.sys.Sysctl().set(dev.jtcp.sys.SysctlKey.TCP_PINGPONG_THRESH, "3"));
        TcpSocket c = established(p);
        byte[] buf = new byte[100];
        for (int i = 0; i < 3; i++) {
            double t = 0.100 + i * 0.001;   // all in jiffy 25 (HZ 250)
            p.in(t, "P.", 1 + 5 * i, 5, 1 + 5 * i, 502);
            p.out(t, ".").ack(6 + 5 * i);   // quick-ack mode: ping-pong is not reached yet
            assertThat(c.read(buf, 0, 100)).isEqualTo(5);
            c.write(buf, 0, 5);
            p.out(t, "P.").seq(1 + 5 * i).ack(6 + 5 * i).len(5);
        }
        assertThat(c.info().pingpong()).isTrue();
        // Ping-pong mode: request 4's ACK is not sent on its own; reply 4 carries it.
        p.in(0.103, "P.", 16, 5, 16, 502);
        p.none(0.103);
        assertThat(c.read(buf, 0, 100)).isEqualTo(5);
        c.write(buf, 0, 5);
        p.out(0.103, "P.").seq(16).ack(21).len(5);
    }

    @Test
    void finIsAckedAfterTheAto_becauseItEntersPingpong() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = established(p);
        p.in(0.100, "P.", 1, 5, 1, 502);
        p.out(0.100, ".").ack(6);
        p.in(0.300, "F.", 6, 0, 1, 502);
        p.out(0.344, ".").ack(7);
        assertThat(c.state()).isEqualTo(TcpState.CLOSE_WAIT);
    }

    @Test
    void finWithoutPriorData_isAckedOnTheNextTick() {
        LadderPeer p = LadderPeer.linuxDefaults();
        established(p);
        // ATO is still 0: the delayed-ACK timer is armed for 0 jiffies and fires on the next tick.
        p.in(0.150, "F.", 1, 0, 1, 502);
        p.out(0.152, ".").ack(2);
    }

    @Test
    void readAfterPushedSmallSegments_sendsThePendingAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = established(p);
        for (int i = 0; i < 16; i++) {
            p.in(0.100 + i * 0.1, "P.", 1 + 5 * i, 5, 1, 502);
            p.out(0.100 + i * 0.1, ".");
            c.read(new byte[100], 0, 100);
        }
        // Past the quick-ack budget: the ACK is pending; reading the pushed small segment sends it.
        p.in(1.700, "P.", 81, 5, 1, 502);
        p.none(1.710);
        assertThat(c.read(new byte[100], 0, 100)).isEqualTo(5);
        p.out(1.710, ".").ack(86);
    }
}
