package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** RST generation and handling, RFC 5961 challenge ACKs (Linux reference items 10 and 11). */
class RstTest {

    private static TcpSocket server(LadderPeer p) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.050, ".", 1, 0, 1, 502);
        return l.accept();
    }

    @Test
    void closedPort_rfc793Rules() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.localPort = 9;   // nobody listens
        p.in(0.1, "S", 0, 0, 0, 65535);
        p.out(0.1, "R.").seq(0).ack(1).win(0).opts("");
        p.in(0.2, ".", 1, 0, 5000, 502, TcpOptions.NONE);
        p.out(0.2, "R").seq(5000).win(0);
        p.in(0.3, "P", 7, 10, 0, 502, TcpOptions.NONE);
        p.out(0.3, "R.").seq(0).ack(17);
        p.in(0.4, "F", 20, 0, 0, 502, TcpOptions.NONE);
        p.out(0.4, "R.").seq(0).ack(21);
        p.in(0.5, "R.", 1, 0, 1, 0, TcpOptions.NONE);
        p.none(1);
        assertThat(p.k.stack().mib().get(Mib.TcpOutRsts)).isEqualTo(4);
    }

    @Test
    void closeWithUnreadData_sendsRstWithTimestamps() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.in(0.1, "P.", 1, 5, 1, 502);
        p.out(0.1, ".").ack(6);
        p.at(0.2);
        c.close();
        p.out(0.2, "R.").seq(1).ack(6).win(64).opts("nop,nop,TS");
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPAbortOnClose)).isEqualTo(1);
        assertThat(p.k.stack().mib().get(Mib.TcpEstabResets)).isEqualTo(1);
    }

    @Test
    void lingerZero_closeSendsRst_countedAsAbortOnData() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.at(0.1);
        c.write(new byte[10], 0, 10);
        p.out(0.1, "P.").len(10);
        p.in(0.15, ".", 1, 0, 11, 502);
        p.at(0.3);
        c.setOption(SockOpt.SO_LINGER, 1, 0);
        c.close();
        p.out(0.3, "R.").seq(11).ack(1);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPAbortOnData)).isEqualTo(1);
        assertThat(p.k.stack().tcp().miniSockets()).isEmpty();   // no TIME_WAIT
    }

    @Test
    void rstInWindowButNotAtRcvNxt_challengeAck_exactRstResets() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.in(0.1, "P.", 1, 5, 1, 502);
        p.out(0.1, ".");
        p.in(0.3, "R.", 106, 0, 1, 0, TcpOptions.NONE);
        p.out(0.3, ".").seq(1).ack(6);
        p.in(0.4, "R.", 2, 0, 1, 0, TcpOptions.NONE);          // left of the window: ignored
        p.in(0.5, "R.", 200000, 0, 1, 0, TcpOptions.NONE);     // beyond the window: ignored
        p.none(0.9);
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        p.in(0.9, "R.", 6, 0, 1, 0, TcpOptions.NONE);
        assertThat(c.state()).isEqualTo(TcpState.CLOSE);
        byte[] b = new byte[10];
        assertThat(c.read(b, 0, 10)).isEqualTo(5);             // data queued before the RST is still read
        assertThat(c.read(b, 0, 10)).isEqualTo(Errno.ECONNRESET.neg());
        assertThat(c.read(b, 0, 10)).isZero();
        assertThat(c.write(b, 0, 10)).isEqualTo(Errno.EPIPE.neg());
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPChallengeACK)).isEqualTo(1);
    }

    @Test
    void synOnEstablished_challengeAckRateLimitedTo500ms() {
        LadderPeer p = LadderPeer.linuxDefaults();
        server(p);
        p.in(0.1, "P.", 1, 5, 1, 502);
        p.out(0.1, ".");
        p.in(0.7, "S", 6, 0, 0, 65535);
        p.out(0.7, ".").seq(1).ack(6);
        p.in(0.8, "S", 1000, 0, 0, 65535);     // within 500 ms of the last challenge ACK: skipped
        p.none(1.3);
        p.in(1.3, "S", 900000, 0, 0, 65535);
        p.out(1.3, ".").seq(1).ack(6);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPSYNChallenge)).isEqualTo(3);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPACKSkippedChallenge)).isEqualTo(1);
        assertThat(p.k.stack().mib().get(Mib.TcpInErrs)).isEqualTo(3);
    }

    @Test
    void dataAfterClose_finWait2RecordAnswersWithRst() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.at(0.1);
        c.close();
        p.out(0.1, "F.").seq(1).ack(1);
        p.in(0.15, ".", 1, 0, 2, 502);
        p.in(0.2, "P.", 1, 5, 2, 502);
        p.out(0.2, "R").seq(2).win(0);
        p.in(0.3, "P.", 6, 5, 2, 502);        // the record is gone: answered as a closed port
        p.out(0.3, "R").seq(2);
    }

    @Test
    void dataAfterClose_inFinWait1_resetsAndCountsAbortOnData() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.at(0.1);
        c.close();
        p.out(0.1, "F.");
        p.in(0.12, "P.", 1, 5, 1, 502);       // does not ACK our FIN: still FIN_WAIT1
        p.out(0.12, "R").seq(1);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPAbortOnData)).isEqualTo(1);
    }

    @Test
    void rstInCloseWait_reportsEpipe() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.in(0.1, "F.", 1, 0, 1, 502);
        p.out(0.104, ".").ack(2);
        p.in(0.2, "R", 2, 0, 0, 0, TcpOptions.NONE);
        byte[] b = new byte[5];
        assertThat(c.write(b, 0, 5)).isEqualTo(Errno.EPIPE.neg());
        assertThat(c.read(b, 0, 5)).isZero();
    }
}
