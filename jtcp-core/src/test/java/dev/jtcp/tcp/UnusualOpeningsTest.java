package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.Ss;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.testkit.LadderPeer.Remote;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unusual openings as Linux 6.18 performs them (/work/ref/listener/REPORT.md items 6 and 7): the old
 * duplicate SYN of RFC 9293 figure 8, seen from the client and from the server, and the simultaneous open.
 */
class UnusualOpeningsTest {

    @Test
    void clientInSynSentAnswersASynAckForAStaleIsnWithRst_thenResendsItsSynAfterTcpTimeoutMin() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S").seq(0);
        p.peerIsn = 7_000_000;
        p.in(0.050, "S.", 0, 0, 1000, 65535, p.synOpts(7));   // acknowledges ISN+1000: not our SYN
        p.out(0.050, "R").seq(1000).win(0).opts("");             // R only, seq = SEG.ACK
        assertThat(s.state()).isEqualTo(TcpState.SYN_SENT);
        // icsk_retransmits == 0: the SYN timer is re-armed to TCP_TIMEOUT_MIN (2 jiffies) and the SYN goes again.
        p.out(0.060, "S").seq(0);
        assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTcpTimeoutRehash)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpOutRsts)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpAttemptFails)).isZero();
        p.peerIsn = 9_000_000;
        p.in(0.110, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.110, ".").seq(1).ack(1).win(63);
        assertThat(s.connectResult()).isZero();
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        // One SYN retransmission: the initial window stays 10 (more than one would set it to 1).
        assertThat(s.info().sndCwnd()).isEqualTo(10);
    }

    @Test
    void aBadSynAckAfterASynRetransmissionLeavesTheTimerAlone() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.connect();
        p.out(0.0, "S");
        p.out(1.024, "S");
        p.peerIsn = 7_000_000;
        p.in(1.074, "S.", 0, 0, 1000, 65535, p.synOpts(7));
        p.out(1.074, "R").seq(1000);
        p.none(2.047);
        p.out(2.048, "S");   // the normal linear schedule
    }

    @Test
    void serverAnswersAnOtherSeqSynForAnExistingRequestWithItsAck_anRstAtRcvNxtRemovesTheRequest() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.listen(8080, 8);
        Remote old = p.remote(40001, 1_000_000);         // X: the old duplicate
        Remote real = p.remote(40001, 5_000_000);        // Y: the real SYN, same 4-tuple
        old.syn(0.0);
        old.out(0.0, "S.").ack(1).win(65160);
        real.localIsn = old.localIsn;
        real.in(0.0128, "S", 0, 0, 0, 65535, real.synOpts(7));
        // Out of the request's window: the request's ACK (seq ISN+1, ack X+1, win 65160 >> 10 = 63).
        LadderPeer.Expect ack = real.out(0.0128, ".").seq(1).ack(1_000_001 - 5_000_000).win(63);
        assertThat(ack.o.tcp().options().tsEcr()).isEqualTo(100);   // the old SYN's TS val
        real.in(0.0234, "S", 0, 0, 0, 65535, real.synOpts(7));
        p.none(0.0234);                                            // tcp_invalid_ratelimit: 500 ms
        assertThat(p.mib(Mib.TcpExtTCPACKSkippedSynRecv)).isEqualTo(1);
        old.in(0.060, "R", 1, 0, 0, 0, TcpOptions.NONE);            // the client's RST at X+1
        p.none(0.060);
        assertThat(p.mib(Mib.TcpExtEmbryonicRsts)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpAttemptFails)).isEqualTo(1);
        assertThat(p.k.stack().ss()).hasSize(1);                   // only the listener
        real.in(0.9996, "S", 0, 0, 0, 65535, real.synOpts(7));
        real.out(0.9996, "S.").ack(1);                             // a fresh request, a new ISN
        assertThat(real.localIsn).isNotEqualTo(old.localIsn);
        real.ack(1.05);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(1);
    }

    @Test
    void withoutTheRstTheOldRequestBlocksTheRealConnectionAndKeepsRetransmitting() {
        LadderPeer p = LadderPeer.exactTimers(new Sysctl());
        p.listen(8080, 8);
        Remote old = p.remote(40001, 1_000_000);
        Remote real = p.remote(40001, 5_000_000);
        old.syn(0.0);
        old.out(0.0, "S.");
        real.localIsn = old.localIsn;
        real.in(0.5, "S", 0, 0, 0, 65535, real.synOpts(7));
        real.out(0.5, ".").ack(1_000_001 - 5_000_000);
        old.out(1.0, "S.").ack(1);
        real.in(1.5, "S", 0, 0, 0, 65535, real.synOpts(7));
        real.out(1.5, ".").ack(1_000_001 - 5_000_000);
        old.out(3.0, "S.").ack(1);
        assertThat(Ss.timer(p.k.stack().ss().get(1))).isEqualTo("timer:(on,4sec,2)");
    }

    @Test
    void simultaneousOpen_synAckReusesOurSyn_thePeersSynAckCompletesWithADsackAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S").seq(0).win(64240);
        p.peerIsn = 7_000_000;
        p.in(0.050, "S", 0, 0, 0, 65535, p.synOpts(7));
        // Our SYN again with ACK added: same ISN, the SYN's window 64240, the SYN's options (mss 1460).
        p.out(0.050, "S.").seq(0).ack(1).win(64240).opts("mss 1460,sackOK,TS,nop,wscale 10");
        assertThat(s.state()).isEqualTo(TcpState.SYN_RECV);
        assertThat(Ss.format(p.k.stack().ss(), true).lines().toList().get(1))
                .isEqualTo("SYN-RECV 0      1        192.168.0.1:" + p.localPort + "    192.0.2.1:40000 timer:(on,952ms,0)");   // still the SYN's timer
        assertThat(p.mib(Mib.TcpActiveOpens)).isEqualTo(1);
        p.in(0.100, "S.", 0, 0, 1, 65535, p.synOpts(7));
        // ESTABLISHED, and an immediate ACK with a D-SACK for the duplicate SYN.
        p.out(0.100, ".").seq(1).ack(1).win(63).sack("0:1");
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.connectResult()).isZero();
        assertThat(p.mib(Mib.TcpExtTCPDSACKOldSent)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtDelayedACKLost)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isZero();
        // Linux's quirk: the SYN-ACK's window is taken scaled until the peer's next ACK.
        assertThat(s.sock().sndWnd).isEqualTo(65535 << 7);
        // The peer's own D-SACK of our SYN is counted and ignored as dubious (we never retransmitted).
        p.in(0.150, ".", 1, 0, 1, 502, TcpOptions.dataLinux(true, p.tsNow(), p.lastLocalTsval,
                java.util.List.of(new dev.jtcp.wire.SackBlock(p.localIsn, p.localIsn + 1))));
        assertThat(p.mib(Mib.TcpExtTCPDSACKRecv)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPDSACKIgnoredDubious)).isEqualTo(1);
        assertThat(s.sock().sndWnd).isEqualTo(502 << 7);
    }
}
