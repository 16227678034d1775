package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.stack.Ss;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtcp.wire.Ipv4Header.ECN_CE;
import static dev.jtcp.wire.Ipv4Header.ECN_ECT_0;
import static dev.jtcp.wire.Ipv4Header.ECN_NOT_ECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Explicit Congestion Notification (RFC 3168) as Linux 6.18 does it, on ladders: the negotiation in the
 * handshake (tcp_ecn, tcp_ecn_fallback), ECT(0) on new data only, the receiver's ECE echo of a CE mark until
 * the sender's CWR, and the sender's one window reduction per round trip (tcp_enter_cwr, PRR). Flags are
 * written as tcpdump prints them: "SEW" is a SYN with ECE and CWR, "S.E" a SYN-ACK with ECE, ".E" an ACK
 * with ECE, ".W" data with CWR. The peer's RTT is 100 ms; its MSS 1448 (1460 less timestamps).
 */
class EcnTest {
    static final int M = 1448;
    static final int CA_OPEN = 0;
    static final int CA_CWR = 2;

    static Sysctl ecn(int mode) {
        return new Sysctl().set(SysctlKey.TCP_ECN, mode);
    }

    /** The peer's SYN-ACK options (SACK, timestamps, wscale 7). */
    static TcpOptions synAck(LadderPeer p) {
        return TcpOptions.synLinux(1460, true, true, p.tsNow(), p.lastLocalTsval, 7);
    }

    /** Active open with tcp_ecn=1: the ECN SYN at 0, the peer's SYN-ACK with these flags at 0.1, the third ACK. */
    static TcpSocket ecnSynAnswered(LadderPeer p, String synAckFlags) {
        TcpSocket s = p.connect();
        p.out(0.0, "SEW").ecn(ECN_NOT_ECT);
        p.in(0.1, synAckFlags, 0, 0, 1, 65535, synAck(p));
        p.out(0.1, ".").ecn(ECN_NOT_ECT);
        return s;
    }

    /** The same answered with ECE: ECN is on. */
    static TcpSocket ecnClient(LadderPeer p) {
        return ecnSynAnswered(p, "S.E");
    }

    /** Passive open: the peer's ECN SYN at 0, our SYN-ACK with ECE, the third ACK at 0.1; the accepted socket. */
    static TcpSocket ecnServer(LadderPeer p) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "SEW", 0, 0, 0, 65535);
        p.out(0.0, "S.E").ecn(ECN_NOT_ECT);
        p.in(0.1, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        assertThat(c).isNotNull();
        return c;
    }

    static int seg(int i) {
        return 1 + (i - 1) * M;
    }

    @Nested
    class Negotiation {
        @Test
        void tcpEcn1_theSynAsksWithEceAndCwr_andAnEceSynAckTurnsItOn() {
            LadderPeer p = LadderPeer.exactTimers(ecn(1));
            TcpSocket s = ecnClient(p);
            assertThat(s.info().optEcn()).isTrue();
            assertThat(s.info().optEcnSeen()).isFalse();
            assertThat(Ss.info(s.info())).startsWith("ts sack ecn cubic");
        }

        @Test
        void theDefaultTcpEcn2_doesNotAskButAcceptsWhenAsked() {
            LadderPeer client = LadderPeer.exactTimers(new Sysctl());
            assertThat(client.k.stack().sysctl().get(SysctlKey.TCP_ECN)).isEqualTo(2);
            TcpSocket s = client.connect();
            client.out(0.0, "S");
            client.in(0.1, "S.E", 0, 0, 1, 65535, synAck(client));
            client.out(0.1, ".");
            assertThat(s.info().optEcn()).isFalse();

            LadderPeer server = LadderPeer.exactTimers(new Sysctl());
            TcpSocket c = ecnServer(server);
            assertThat(c.info().optEcn()).isTrue();
        }

        @Test
        void tcpEcn0_refusesTheRequest() {
            LadderPeer p = LadderPeer.exactTimers(ecn(0));
            TcpSocket l = p.listen(8080);
            p.in(0.0, "SEW", 0, 0, 0, 65535);
            p.out(0.0, "S.");
            p.in(0.1, ".", 1, 0, 1, 502);
            assertThat(l.accept().info().optEcn()).isFalse();
        }

        @Test
        void aSynThatArrivesEcnCapable_isNotTrusted() {
            // tcp_ecn_create_request(): ECT on a SYN means something on the path rewrote the field.
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            p.listen(8080);
            p.inTos = ECN_ECT_0;
            p.in(0.0, "SEW", 0, 0, 0, 65535);
            p.out(0.0, "S.");
        }

        @Test
        void aSynCookieRemembersTheAgreementInItsTimestamp() {
            // cookie_init_timestamp() sets TS_OPT_ECN; cookie_ecn_ok() reads it back from the echo.
            LadderPeer p = LadderPeer.exactTimers(new Sysctl().set(SysctlKey.TCP_SYNCOOKIES, 2));
            TcpSocket l = p.listen(8080);
            p.in(0.0, "SEW", 0, 0, 0, 65535);
            p.out(0.0, "S.E");
            p.in(0.1, ".", 1, 0, 1, 502);
            assertThat(p.mib(Mib.TcpExtSyncookiesRecv)).isEqualTo(1);
            assertThat(l.accept().info().optEcn()).isTrue();
        }

        @Test
        void aSynCookieWithoutTimestampsCannotKeepIt() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl().set(SysctlKey.TCP_SYNCOOKIES, 2));
            p.timestamps = false;
            p.listen(8080);
            p.in(0.0, "SEW", 0, 0, 0, 65535);
            p.out(0.0, "S.");
        }

        @Test
        void aSynAckWithoutEce_leavesEcnOff() {
            LadderPeer p = LadderPeer.exactTimers(ecn(1));
            TcpSocket s = ecnSynAnswered(p, "S.");
            assertThat(s.info().optEcn()).isFalse();
            p.at(0.2);
            assertThat(s.write(new byte[100], 0, 100)).isEqualTo(100);
            p.out(0.2, "P.").len(100).ecn(ECN_NOT_ECT);
        }

        @Test
        void aSynAckWithEceAndCwr_isNoAgreement() {
            LadderPeer p = LadderPeer.exactTimers(ecn(1));
            assertThat(ecnSynAnswered(p, "S.EW").info().optEcn()).isFalse();
            // AE with ECE still agrees (the reply of an Accurate ECN server to a classic ECN SYN).
            LadderPeer q = LadderPeer.exactTimers(ecn(1));
            assertThat(ecnSynAnswered(q, "S.Ee").info().optEcn()).isTrue();
        }

        @Test
        void theRetransmittedSynDropsTheRequest_withTcpEcnFallback() {
            // tcp_ecn_clear_syn() (RFC 3168 6.1.1.1): a middlebox may drop ECN SYNs.
            LadderPeer p = LadderPeer.exactTimers(ecn(1));
            p.connect();
            p.out(0.0, "SEW");
            p.out(1.0, "S");
            p.out(2.0, "S");
        }

        @Test
        void withoutFallback_everySynAsks() {
            LadderPeer p = LadderPeer.exactTimers(ecn(1).set(SysctlKey.TCP_ECN_FALLBACK, 0));
            p.connect();
            p.out(0.0, "SEW");
            p.out(1.0, "SEW");
        }

        @Test
        void onlyRfc3168ValuesAreAccepted() {
            assertThat(new Sysctl().get(SysctlKey.TCP_ECN_FALLBACK)).isEqualTo(1);
            assertThatThrownBy(() -> new Sysctl().set(SysctlKey.TCP_ECN, 3))
                    .hasMessage("net.ipv4.tcp_ecn: 3 is out of range; accepted: 0..2");
            assertThatThrownBy(() -> new Sysctl().set(SysctlKey.TCP_ECN_FALLBACK, 2))
                    .hasMessage("net.ipv4.tcp_ecn_fallback: 2 is out of range; accepted: 0..1");
        }
    }

    @Nested
    class Receiver {
        @Test
        void aCeMarkIsEchoedWithEceUntilTheSendersCwr() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            TcpSocket c = ecnServer(p);
            // ECT(0) data: ECN is seen to work; the first data is ACKed at once (quick-ack mode).
            p.inTos = ECN_ECT_0;
            p.inData(0.2, 1, "a".repeat(1000), 1, 502);
            p.out(0.2, ".").ack(1001).ecn(ECN_NOT_ECT);
            assertThat(c.info().optEcnSeen()).isTrue();
            assertThat(Ss.info(c.info())).startsWith("ts sack ecn ecnseen cubic");
            // CE: the ACK carries ECE, and goes at once (tcp_enter_quickack_mode).
            p.inTos = ECN_CE;
            p.inData(0.3, 1001, "b".repeat(1000), 1, 502);
            p.out(0.3, ".E").ack(2001).ecn(ECN_NOT_ECT);
            // Unmarked data: still ECE, until the sender says it reduced its window.
            p.inTos = ECN_ECT_0;
            p.inData(0.4, 2001, "c".repeat(1000), 1, 502);
            p.out(0.4, ".E").ack(3001);
            // CWR on data: the echo stops, and the ACK goes at once (tcp_ecn_accept_cwr()).
            p.at(0.5);
            p.in(0.5, "P.W", 3001, 1000, 1, 502);
            p.out(0.5, ".").ack(4001);
            assertThat(p.mib(Mib.IpExtInCEPkts)).isEqualTo(1);
            assertThat(p.mib(Mib.IpExtInECT0Pkts)).isEqualTo(3);
            assertThat(p.mib(Mib.IpExtInNoECTPkts)).isEqualTo(2);   // the SYN and the third ACK
        }

        @Test
        void aCeMarkEndsDelayedAcks() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            TcpSocket c = ecnServer(p);
            p.inTos = ECN_ECT_0;
            // One small segment every 100 ms, each ACKed at once, until the quick-ack budget of the
            // connection's start (16 ACKs) is spent.
            int seq = 1;
            double t = 0.2;
            for (; c.info().quickAcks() > 0 || seq == 1; t += 0.1) {
                p.inData(t, seq, "x".repeat(100), 1, 502);
                seq += 100;
                assertThat(p.drain()).hasSize(1);
            }
            // Now a lone segment's ACK waits for the delayed-ACK timer (ATO 40 ms).
            p.inData(t, seq, "x".repeat(100), 1, 502);
            seq += 100;
            p.none(t);
            p.out(t + 0.04, ".").ack(seq);
            // A CE mark: tcp_enter_quickack_mode(), the ECE ACK leaves at once.
            p.inTos = ECN_CE;
            p.inData(t + 0.1, seq, "x".repeat(100), 1, 502);
            p.out(t + 0.1, ".E").ack(seq + 100);
        }

        @Test
        void ourDataIsEct0_ourAcksAndRetransmissionsAreNot() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            TcpSocket c = ecnServer(p);
            p.at(0.2);
            assertThat(c.write(new byte[1000], 0, 1000)).isEqualTo(1000);
            p.out(0.2, "P.").len(1000).ecn(ECN_ECT_0);
            // No ACK: the RTO (RTT 100 ms: 300 ms) retransmits it Not-ECT.
            Outbound rtx = p.outBetween(0.3, 0.6, "P.").len(1000).ecn(ECN_NOT_ECT).o;
            assertThat(rtx.tcp().seq()).isEqualTo(p.localIsn + 1);
        }

        @Test
        void withoutEcn_ceMarksAreIgnored() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            TcpSocket l = p.listen(8080);
            p.in(0.0, "S", 0, 0, 0, 65535);
            p.out(0.0, "S.");
            p.in(0.1, ".", 1, 0, 1, 502);
            l.accept();
            p.inTos = ECN_CE;
            p.inData(0.2, 1, "a".repeat(1000), 1, 502);
            p.out(0.2, ".").ack(1001);
            assertThat(p.mib(Mib.IpExtInCEPkts)).isEqualTo(1);
        }
    }

    @Nested
    class Sender {
        /**
         * An ECN connection (tcp_ecn=1) writes 20 segments at 0.1: the initial window of 10 leaves, all
         * ECT(0). At 0.2 the peer ACKs two of them with ECE. Returns the socket.
         */
        TcpSocket firstEce(LadderPeer p) {
            TcpSocket s = ecnClient(p);
            p.at(0.1);
            assertThat(s.write(new byte[20 * M], 0, 20 * M)).isEqualTo(20 * M);
            List<Outbound> out = p.drain();
            assertThat(out).hasSize(10);
            for (Outbound o : out) {
                assertThat(o.ip().tos() & 3).isEqualTo(ECN_ECT_0);
                assertThat(o.tcp().flags() & (TcpFlags.ECE | TcpFlags.CWR)).isZero();
            }
            p.in(0.2, ".E", 1, 0, seg(3), 502);
            return s;
        }

        @Test
        void eceReducesTheWindowOncePerRoundTrip_andTheNextNewDataCarriesCwr() {
            LadderPeer p = LadderPeer.exactTimers(ecn(1));
            TcpSocket s = firstEce(p);
            // ECE acknowledging two segments: CWR state, ssthresh = 717/1024 of 10 (CUBIC) = 7. PRR: 8 in
            // flight, above ssthresh, so ceil(7 * 2 / 10) = 2 new segments; the first carries CWR.
            TcpInfo i = s.info();
            assertThat(i.caState()).isEqualTo(CA_CWR);
            assertThat(i.sndSsthresh()).isEqualTo(7);
            assertThat(i.sndCwnd()).isEqualTo(10);
            assertThat(i.deliveredCe()).isEqualTo(2);
            p.out(0.2, ".W").seq(seg(11)).len(M).ecn(ECN_ECT_0);
            p.out(0.2, "P.").seq(seg(12)).len(M).ecn(ECN_ECT_0);
            p.none(0.2);
            // Another ECE in the same window: no second reduction, no second CWR.
            p.in(0.21, ".E", 1, 0, seg(4), 502);
            assertThat(s.info().sndSsthresh()).isEqualTo(7);
            assertThat(s.info().caState()).isEqualTo(CA_CWR);
            for (Outbound o : p.drain()) {
                assertThat(o.tcp().flags() & TcpFlags.CWR).as("%s", o).isZero();
            }
            // Everything sent before the reduction is acknowledged: back to Open at cwnd = ssthresh.
            p.in(0.3, ".", 1, 0, seg(12), 502);
            assertThat(s.info().caState()).isEqualTo(CA_OPEN);
            assertThat(s.info().sndSsthresh()).isEqualTo(7);
            assertThat(p.mib(Mib.TcpExtTCPDeliveredCE)).isEqualTo(3);
            assertThat(p.mib(Mib.TcpRetransSegs)).isZero();
        }

        @Test
        void anEceInTheNextRoundTrip_reducesAgain() {
            LadderPeer p = LadderPeer.exactTimers(ecn(1));
            TcpSocket s = firstEce(p);
            p.drain();
            p.in(0.3, ".", 1, 0, seg(12), 502);
            assertThat(s.info().caState()).isEqualTo(CA_OPEN);
            int cwnd = s.info().sndCwnd();
            p.drain();
            p.in(0.31, ".E", 1, 0, seg(13), 502);
            assertThat(s.info().caState()).isEqualTo(CA_CWR);
            assertThat(s.info().sndSsthresh()).isEqualTo(Math.max(2, cwnd * 717 / 1024));
            List<Outbound> out = p.drain();
            assertThat(out).isNotEmpty();
            assertThat(out.get(0).tcp().flags() & TcpFlags.CWR).isEqualTo(TcpFlags.CWR);
        }

        @Test
        void eceWithoutNegotiatedEcn_isNoSignal() {
            LadderPeer p = LadderPeer.exactTimers(new Sysctl());
            TcpSocket s = p.connect();
            p.out(0.0, "S");
            p.in(0.1, "S.", 0, 0, 1, 65535, synAck(p));
            p.out(0.1, ".");
            p.at(0.1);
            assertThat(s.write(new byte[10 * M], 0, 10 * M)).isEqualTo(10 * M);
            p.drain();
            p.in(0.2, ".E", 1, 0, seg(3), 502);
            assertThat(s.info().caState()).isEqualTo(CA_OPEN);
            assertThat(s.info().deliveredCe()).isZero();
        }
    }
}
