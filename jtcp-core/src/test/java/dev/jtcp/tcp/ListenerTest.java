package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.Ss;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.testkit.LadderPeer.Remote;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener as Linux 6.18 builds it: the SYN queue and its bounds, the accept queue and overflow,
 * SYN-ACK retransmission, and ss's view. Each test replays a measurement of the real kernel
 * (/work/ref/listener/REPORT.md items 1, 2, 3, 5) with the same clients and timing: clients send
 * {@code win 65535 <mss 1460,sackOK,TS,nop,wscale 7>} SYNs; times are seconds of virtual time.
 */
class ListenerTest {

    static Sysctl cookies(int mode) {
        return new Sysctl().set("net.ipv4.tcp_syncookies", Integer.toString(mode));
    }

    static long requests(LadderPeer p) {
        return p.k.stack().ss().stream().filter(e -> e.kind().equals("request")).count();
    }

    // ================================================================ item 1: the SYN queue

    @Nested
    class SynQueue {
        /** Item 1: listen(B) holds B+1 half-open requests (full when qlen > backlog); later SYNs vanish. */
        void holdsBacklogPlusOne(int backlog) {
            LadderPeer p = LadderPeer.with(cookies(0));
            p.listen(8080, backlog);
            int n = backlog + 4;
            for (int i = 0; i < n; i++) {
                Remote c = p.remote(40001 + i, 1000 * i);
                double t = 0.024 * i;
                c.syn(t);
                if (i <= backlog) {
                    c.out(t, "S.").seq(0).ack(1).win(65160).opts("mss 1460,sackOK,TS,nop,wscale 10");
                } else {
                    p.none(t);   // dropped silently: no SYN-ACK, no RST
                }
            }
            assertThat(requests(p)).isEqualTo(backlog + 1);
            assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(3);
            assertThat(p.mib(Mib.TcpExtTCPReqQFullDrop)).isEqualTo(3);
            assertThat(p.mib(Mib.TcpAttemptFails) + p.mib(Mib.TcpOutRsts)).isZero();
        }

        @Test
        void listen0HoldsOne() {
            holdsBacklogPlusOne(0);
        }

        @Test
        void listen1HoldsTwo() {
            holdsBacklogPlusOne(1);
        }

        @Test
        void listen8HoldsNine() {
            holdsBacklogPlusOne(8);
        }

        @Test
        void withoutCookiesTheLastQuarterOfMaxSynBacklogIsKeptForProvenPeers() {
            // Item 1b: tcp_max_syn_backlog=16, listen(128): 13 requests (16 - 13 = 3 < 16 >> 2 drops the 14th),
            // counted as ListenDrops only.
            LadderPeer p = LadderPeer.with(cookies(0).set("net.ipv4.tcp_max_syn_backlog", "16"));
            p.listen(8080, 128);
            for (int i = 0; i < 16; i++) {
                Remote c = p.remote(40001 + i, 1000 * i);
                c.syn(0.024 * i);
                if (i < 13) {
                    c.out(0.024 * i, "S.");
                } else {
                    p.none(0.024 * i);
                }
            }
            assertThat(requests(p)).isEqualTo(13);
            assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(3);
            assertThat(p.mib(Mib.TcpExtTCPReqQFullDrop)).isZero();
        }

        @Test
        void theListenersRecvQAndSendQShowTheAcceptQueueNotTheSynQueue() {
            LadderPeer p = LadderPeer.with(cookies(0));
            p.listen(8080, 1);
            Remote c1 = p.remote(40001, 0);
            Remote c2 = p.remote(40002, 1000);
            c1.syn(0.0);
            c1.out(0.0, "S.");
            c2.syn(0.024);
            c2.out(0.024, "S.");
            p.at(0.320);
            assertThat(Ss.format(p.k.stack().ss(), true)).isEqualTo("""
                    State    Recv-Q Send-Q Local Address:Port Peer Address:Port Process
                    LISTEN   0      1            0.0.0.0:8080      0.0.0.0:*
                    SYN-RECV 0      0        192.168.0.1:8080    192.0.2.1:40001 timer:(on,680ms,0)
                    SYN-RECV 0      0        192.168.0.1:8080    192.0.2.1:40002 timer:(on,704ms,0)
                    """);
        }
    }

    // ================================================================ item 2: the accept queue

    @Nested
    class AcceptQueue {
        @Test
        void listen1HoldsTwoChildren_laterSynsAreDroppedUntilAcceptMakesRoom() {
            // Item 2a: clients 100 ms apart; c1 and c2 fill the queue; c3-c5's SYNs are dropped silently
            // (ListenOverflows + ListenDrops each) until accept() at 5 s makes room for c3's next SYN.
            LadderPeer p = LadderPeer.linuxDefaults();
            TcpSocket l = p.listen(8080, 1);
            Remote[] c = new Remote[5];
            for (int i = 0; i < 5; i++) {
                c[i] = p.remote(40001 + i, 1_000_000 * (i + 1));
            }
            c[0].syn(0.0);
            c[0].out(0.0, "S.");
            c[0].ack(0.050);
            c[1].syn(0.100);
            c[1].out(0.100, "S.");
            c[1].ack(0.150);
            for (int i = 2; i < 5; i++) {
                c[i].syn(0.1 * i);
                p.none(0.1 * i);
            }
            assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(3);
            assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(3);
            assertThat(Ss.format(p.k.stack().ss(), false).lines().toList()).startsWith(
                    "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                    "LISTEN 2      1            0.0.0.0:8080      0.0.0.0:*",
                    "ESTAB  0      0        192.168.0.1:8080    192.0.2.1:40001");
            for (double t : new double[] {1.2, 2.2, 3.2, 4.2}) {
                c[2].syn(t);
                p.none(t);
            }
            p.at(5.0);
            assertThat(l.accept()).isNotNull();
            c[2].syn(5.2);
            c[2].out(5.2, "S.").ack(1);
            c[2].ack(5.25);
            c[3].syn(5.3);
            p.none(5.3);
            assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(3);
            assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(8);
            assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(8);
        }

        /** Item 2b's opening: c1 and c2 fill the queue while c3's request waits for its third ACK. */
        Remote fillQueueAndOverflowThirdAck(LadderPeer p) {
            Remote c1 = p.remote(40001, 1_000_000);
            Remote c2 = p.remote(40002, 2_000_000);
            Remote c3 = p.remote(40003, 3_000_000);
            c1.syn(0.0);
            c1.out(0.0, "S.");
            c2.syn(0.010);
            c2.out(0.010, "S.");
            c1.ack(0.050);
            c3.syn(0.055);
            c3.out(0.055, "S.").ack(1);
            c2.ack(0.060);
            c3.ack(0.105);   // the accept queue holds 2 > backlog 1: overflow
            return c3;
        }

        @Test
        void thirdAckOnAFullQueueIsDropped_theSynAckTimerRuns_theNextAckAfterRoomCreatesTheChild() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            TcpSocket l = p.listen(8080, 1);
            Remote c3 = fillQueueAndOverflowThirdAck(p);
            p.none(0.105);
            c3.in(0.155, "P.", 1, 5, 1, 502);   // its data: dropped too
            p.none(0.155);
            assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(2);
            assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(2);
            // The SYN-ACK timer keeps retransmitting as if nothing had arrived; its TS ecr stays the SYN's.
            int synTs = 100 + 55;
            c3.out(1.055, "S.").seq(0).ack(1);
            assertThat(p.k.stack().ss().stream().filter(e -> e.kind().equals("request")).findFirst().orElseThrow()
                    .retrans()).isEqualTo(1);
            c3.ack(1.105);
            p.none(3.054);
            c3.out(3.055, "S.").seq(0).ack(1);
            p.at(5.0);
            assertThat(l.accept()).isNotNull();   // room: but nothing happens until the client's next segment
            p.none(7.054);
            LadderPeer.Expect rtx3 = c3.out(7.055, "S.").seq(0).ack(1);
            assertThat(rtx3.o.tcp().options().tsEcr()).isEqualTo(synTs);
            c3.in(7.105, ".", 6, 0, 1, 502);   // seq after the dropped data: still in the window
            assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(3);
            c3.in(7.905, "P.", 1, 5, 1, 502);  // the data's retransmission is accepted and ACKed at once
            c3.out(7.905, ".").ack(6).win(64);
            assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(3);
            // One per segment that met the full queue: the ACK, the data, the ACK after the first rtx.
            assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(3);
        }

        @Test
        void anAckedRequestNeverGivenRoomExpiresAt63s_laterAcksGetTheClosedPortRst() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            p.listen(8080, 1);
            Remote c3 = fillQueueAndOverflowThirdAck(p);
            for (double t : new double[] {1.055, 3.055, 7.055, 15.055, 31.055}) {
                c3.out(t, "S.").seq(0).ack(1);
                c3.ack(t + 0.05);
            }
            p.none(63.054);
            p.at(63.055);
            assertThat(requests(p)).isZero();
            assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(5);
            assertThat(p.mib(Mib.TcpExtTCPTimeouts)).isEqualTo(6);
            c3.ack(63.6);
            c3.out(63.6, "R").seq(1).win(0).opts("");
            assertThat(p.mib(Mib.TcpOutRsts)).isEqualTo(1);
            assertThat(p.mib(Mib.TcpExtSyncookiesFailed)).isZero();
        }

        @Test
        void abortOnOverflowAnswersTheThirdAckWithRst() {
            // Item 2d: R with seq = SEG.ACK (ISN+1), no ACK flag, window 0, no options.
            LadderPeer p = LadderPeer.with(new Sysctl().set("net.ipv4.tcp_abort_on_overflow", "1"));
            p.listen(8080, 1);
            Remote c3 = fillQueueAndOverflowThirdAck(p);
            c3.out(0.105, "R").seq(1).win(0).opts("");
            assertThat(requests(p)).isZero();
            assertThat(p.mib(Mib.TcpExtListenOverflows)).isEqualTo(1);
            assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(1);
            assertThat(p.mib(Mib.TcpExtEmbryonicRsts)).isEqualTo(1);
            assertThat(p.mib(Mib.TcpOutRsts)).isEqualTo(1);
            p.remote(40004, 4_000_000).syn(0.300);
            p.none(0.300);   // SYNs on a full queue are never answered with RST
        }
    }

    // ================================================================ item 5: SYN-ACK retries

    @Nested
    class SynAckRetries {
        @Test
        void retransmittedAt1_3_7_15_31AndRemovedAt63_nothingSentAtRemoval() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            p.listen(8080, 8);
            Remote c = p.remote(40001, 0);
            c.syn(0.0);
            LadderPeer.Expect first = c.out(0.0, "S.");
            for (double t : new double[] {1, 3, 7, 15, 31}) {
                LadderPeer.Expect r = c.out(t, "S.").seq(0).ack(1).win(65160);
                assertThat(r.o.tcp().options().tsEcr()).isEqualTo(first.o.tcp().options().tsEcr());
                assertThat(r.o.tcp().seq()).isEqualTo(first.o.tcp().seq());
            }
            p.at(62.999);
            assertThat(requests(p)).isEqualTo(1);
            p.none(63.0);
            assertThat(requests(p)).isZero();
            assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(5);
            assertThat(p.mib(Mib.TcpExtTCPTimeouts)).isEqualTo(6);
            assertThat(p.mib(Mib.TcpRetransSegs)).isEqualTo(5);
            assertThat(p.mib(Mib.TcpExtListenDrops) + p.mib(Mib.TcpExtEmbryonicRsts) + p.mib(Mib.TcpAttemptFails)).isZero();
        }

        @Test
        void withTwoRetriesTheRequestDiesAt7s() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl().set("net.ipv4.tcp_synack_retries", "2"));
            p.listen(8080, 8);
            Remote c = p.remote(40001, 0);
            c.syn(0.0);
            c.out(0.0, "S.");
            c.out(1.0, "S.");
            c.out(3.0, "S.");
            p.none(7.0);
            assertThat(requests(p)).isZero();
            assertThat(p.mib(Mib.TcpExtTCPTimeouts)).isEqualTo(3);
        }

        @Test
        void onTheTimerWheelTheRetransmissionsLandOnBucketEdges_ssShowsTheNominalExpiry() {
            LadderPeer p = LadderPeer.linuxDefaults();
            p.listen(8080, 8);
            Remote c = p.remote(40001, 0);
            c.syn(0.0);
            c.out(0.0, "S.");
            // HZ=250: a timer 250 jiffies out sits in wheel level 1 (8-jiffy buckets) and fires at 1.024 s;
            // 500 jiffies later at 3.040; from 1000 jiffies on, level 2 (64-jiffy buckets): 7.168, 15.360,
            // 31.488; the final 8000 jiffies land in level 3 (512-jiffy buckets): 65.536.
            c.out(1.024, "S.");
            p.at(1.5);
            SocketEntry req = p.k.stack().ss().get(1);
            assertThat(Ss.timer(req)).isEqualTo("timer:(on,1.524ms,1)");
            c.out(3.040, "S.");
            c.out(7.168, "S.");
            c.out(15.360, "S.");
            c.out(31.488, "S.");
            p.at(40.0);
            assertThat(Ss.timer(p.k.stack().ss().get(1))).isEqualTo("timer:(on,23sec,5)");
            p.at(65.536);
            assertThat(requests(p)).isZero();
        }

        @Test
        void pruningGivesOldRequestsFewerRetriesWhenTheSynQueueIsMoreThanHalfFull() {
            // reqsk_timer_handler(): with qlen << 1 > max(8, backlog), requests that already timed out lose
            // retries while young ones (never timed out) are few. 9 requests 1 ms apart: at their second
            // timeout none is young, so each keeps only 2 retries; at 7 s the first five expire, and once the
            // queue is down to 4 (4 << 1 is not > 8) the rest get their full 5 again.
            LadderPeer p = LadderPeer.exactTimers(cookies(0));
            p.listen(8080, 8);
            for (int i = 0; i < 9; i++) {
                Remote c = p.remote(40001 + i, 1000 * i);
                c.syn(0.001 * i);
                c.out(0.001 * i, "S.");
            }
            p.at(6.9);
            assertThat(requests(p)).isEqualTo(9);
            assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(18);
            p.at(7.1);
            assertThat(requests(p)).isEqualTo(4);
            assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(22);
            p.drain();
        }
    }

    // ================================================================ item 3: ss

    @Test
    void ssTimeNotation() {
        assertThat(Ss.msTimer(796)).isEqualTo("796ms");
        assertThat(Ss.msTimer(1780)).isEqualTo("1.780ms");
        assertThat(Ss.msTimer(2000)).isEqualTo("2sec");
        assertThat(Ss.msTimer(59_000)).isEqualTo("59sec");
        assertThat(Ss.msTimer(11_400)).isEqualTo("11sec");
        assertThat(Ss.msTimer(7_199_000)).isEqualTo("119min");
        assertThat(Ss.msTimer(96)).isEqualTo("096ms");
        assertThat(Ss.msTimer(0)).isEmpty();
    }

    @Test
    void ssListsTheActiveClosersTimeWaitWithItsTimer() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080, 8);
        Remote c = p.remote(40005, 5_000_000);
        c.syn(0.0);
        c.out(0.0, "S.");
        c.ack(0.05);
        TcpSocket s = l.accept();
        p.at(0.1);
        s.close();
        c.out(0.1, "F.").seq(1).ack(1);
        c.in(0.15, ".", 1, 0, 2, 502);
        c.in(0.2, "F.", 1, 0, 2, 502);
        c.out(0.2, ".").seq(2).ack(2);
        p.at(1.2);
        List<SocketEntry> t = p.k.stack().ss();
        assertThat(t).hasSize(2);
        assertThat(t.get(1).kind()).isEqualTo("timewait");
        assertThat(Ss.format(t, true).lines().toList()).containsExactly(
                "State     Recv-Q Send-Q Local Address:Port Peer Address:Port Process",
                "LISTEN    0      8            0.0.0.0:8080      0.0.0.0:*",
                "TIME-WAIT 0      0        192.168.0.1:8080    192.0.2.1:40005 timer:(timewait,59sec,0)");
    }

    @Test
    void acceptTakesTheHeadOfTheQueue_emptyQueueIsEagain_notListeningIsEinval() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080, 8);
        int[] err = new int[1];
        assertThat(p.k.stack().tcp().accept(l.sock(), err)).isNull();
        assertThat(err[0]).isEqualTo(dev.jtcp.sys.Errno.EAGAIN.neg());
        Remote a = p.remote(40001, 1000);
        Remote b = p.remote(40002, 2000);
        a.syn(0.0);
        a.out(0.0, "S.");
        b.syn(0.01);
        b.out(0.01, "S.");
        b.ack(0.05);   // b completes first: first in the queue
        a.ack(0.06);
        assertThat(l.acceptQueueLength()).isEqualTo(2);
        assertThat(l.accept().remoteEndpoint().port()).isEqualTo(40002);
        assertThat(l.accept().remoteEndpoint().port()).isEqualTo(40001);
        assertThat(l.accept()).isNull();
        TcpSocket plain = TcpSocket.open(p.k.stack());
        assertThat(p.k.stack().tcp().accept(plain.sock(), err)).isNull();
        assertThat(err[0]).isEqualTo(dev.jtcp.sys.Errno.EINVAL.neg());
    }

    @Test
    void theBacklogIsCappedBySomaxconn() {
        LadderPeer p = LadderPeer.with(new Sysctl().set("net.core.somaxconn", "2"));
        p.listen(8080, 100);
        assertThat(Ss.format(p.k.stack().ss(), false).lines().toList().get(1))
                .isEqualTo("LISTEN 0      2            0.0.0.0:8080      0.0.0.0:*");
    }
}
