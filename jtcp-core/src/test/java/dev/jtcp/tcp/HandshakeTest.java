package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three-way handshake as Linux 6.18 performs it (Linux reference: items 1-4 of the measurements,
 * HZ=250). Times in seconds; relative sequence numbers as packetdrill writes them.
 */
class HandshakeTest {

    @Test
    void passiveOpen_synAckOptionsAndWindowsAreLinuxs() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.").seq(0).ack(1).win(65160).opts("mss 1460,sackOK,TS,nop,wscale 10");
        p.in(0.050, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        assertThat(c).isNotNull();
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        p.at(0.100);
        assertThat(c.write(new byte[5], 0, 5)).isEqualTo(5);
        // The first window after the handshake: 65160 rounded up to the 1024-byte scale unit.
        p.out(0.100, "P.").seq(1).ack(1).win(64).len(5).opts("nop,nop,TS");
        p.in(0.150, ".", 1, 0, 6, 502);
        p.in(0.200, "P.", 1, 5, 6, 502);
        p.out(0.200, ".").seq(6).ack(6).win(64);   // quick-ack mode: immediate
        assertThat(p.k.stack().mib().get(Mib.TcpPassiveOpens)).isEqualTo(1);
        // RTT 50 ms: RTO = ceil_jiffies(srtt + max(rttvar, 200 ms)) = 252 ms at HZ 250.
        assertThat(c.info().rtoUs()).isEqualTo(252_000);
        assertThat(c.info().sndMss()).isEqualTo(1448);
        assertThat(c.info().rcvMss()).isEqualTo(536);
    }

    @Test
    void activeOpen_synThenThirdAckWithWindow63() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S").seq(0).win(64240).opts("mss 1460,sackOK,TS,nop,wscale 10");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".").seq(1).ack(1).win(63).opts("nop,nop,TS");
        assertThat(s.connectDone()).isTrue();
        assertThat(s.connectResult()).isZero();
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.info().rtoUs()).isEqualTo(252_000);
        assertThat(p.k.stack().mib().get(Mib.TcpActiveOpens)).isEqualTo(1);
    }

    @Test
    void synRetransmissions_linearThenExponential_thenEtimedout() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        // Linux 6.18: tcp_syn_linear_timeouts=4 keeps the first five timeouts at 1 s, then doubling;
        // each timer lands on the HZ=250 timer wheel (a 1 s timeout fires at 1.024 s).
        double[] synTimes = {0, 1.024, 2.048, 3.072, 4.096, 5.120, 7.136, 11.264, 19.456, 35.584, 69.632};
        for (double t : synTimes) {
            p.out(t, "S").seq(0);
        }
        p.none(135.167);
        p.at(135.168);
        assertThat(s.connectDone()).isTrue();
        assertThat(s.connectResult()).isEqualTo(Errno.ETIMEDOUT.neg());
        assertThat(p.k.stack().mib().get(Mib.TcpAttemptFails)).isEqualTo(1);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPSynRetrans)).isEqualTo(10);
    }

    @Test
    void synRetransmissions_textbookScheduleWithoutLinearTimeouts() {
        Sysctl s = new Sysctl().set("net.ipv4.tcp_syn_linear_timeouts", "0").set("net.ipv4.tcp_syn_retries", "5");
        LadderPeer p = LadderPeer.exactTimers(s);
        TcpSocket sock = p.connect();
        for (double t : new double[] {0, 1, 3, 7, 15, 31}) {
            p.out(t, "S").seq(0);
        }
        p.none(62.999);
        p.at(63);
        assertThat(sock.connectResult()).isEqualTo(Errno.ETIMEDOUT.neg());
    }

    @Test
    void synAckRetransmissions_timerDriven_thenRequestDropped() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.").seq(0).ack(1);
        // tcp_synack_retries=5: retransmissions after 1, 2, 4, 8, 16 s of backoff (wheel-rounded).
        for (double t : new double[] {1.024, 3.040, 7.168, 15.360, 31.488}) {
            p.out(t, "S.").seq(0).ack(1);
        }
        p.none(66);
        assertThat(p.k.stack().tcp().miniSockets()).isEmpty();
        // An ACK arriving after the request was dropped finds no connection: RST with seq = its ack.
        p.in(70, ".", 1, 0, 1, 502);
        p.out(70, "R").seq(1).win(0);
    }

    @Test
    void retransmittedSyn_isAnsweredAtOnce_andRestartsTheRequestTimer() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.9996, "S", 0, 0, 0, 65535);
        p.out(0.9996, "S.").seq(0).ack(1);
        // The request timer restarted from the retransmitted SYN: now + 1 s.
        p.none(1.9);
        p.outBetween(1.99, 2.04, "S.");
    }

    @Test
    void dataInsteadOfThirdAck_completesTheHandshake_andIsAckedAtOnce() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.out(1.024, "S.");
        p.in(1.5, "P.", 1, 5, 1, 502);
        p.out(1.5, ".").ack(6).win(64);
        assertThat(l.accept()).isNotNull();
    }

    @Test
    void retransmittedSynAckToEstablishedClient_getsAChallengeAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".").ack(1);
        // RFC 5961 4.2: a SYN on a synchronized connection is answered with an ACK, not processed.
        p.in(1.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(1.050, ".").seq(1).ack(1);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPSYNChallenge)).isEqualTo(1);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPChallengeACK)).isEqualTo(1);
    }

    @Test
    void rstAckInSynSent_refusesTheConnection() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.0495, "R.", 0, 0, 1, 0, dev.jtcp.wire.TcpOptions.NONE);
        assertThat(s.connectResult()).isEqualTo(Errno.ECONNREFUSED.neg());
        p.none(2);
    }

    @Test
    void rstWithoutAckInSynSent_isIgnored() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.0495, "R", 0, 0, 0, 0, dev.jtcp.wire.TcpOptions.NONE);
        assertThat(s.connectDone()).isFalse();
        p.out(1.024, "S");
    }

    @Test
    void rstAckWithBadAckInSynSent_isIgnored_butTheSynIsRetriedSoon() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.0495, "R.", 0, 0, 100, 0, dev.jtcp.wire.TcpOptions.NONE);
        assertThat(s.connectDone()).isFalse();
        // TCP_TIMEOUT_MIN (2 jiffies): "a previous RST/ACK might have been ignored".
        p.outBetween(0.050, 0.064, "S");
    }
}
