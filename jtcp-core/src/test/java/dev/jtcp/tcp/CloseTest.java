package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.trace.StateEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Close, half-close, FIN_WAIT2, TIME_WAIT and FIN retransmission (Linux reference items 7, 8, 9, 15). */
class CloseTest {

    /** Active open from the stack under test, 50 ms RTT. */
    private static TcpSocket client(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        return s;
    }

    private static TcpSocket server(LadderPeer p) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.050, ".", 1, 0, 1, 502);
        return l.accept();
    }

    private static List<String> states(LadderPeer p) {
        return p.k.trace().select(StateEvent.class, e -> true).stream().map(e -> e.to()).toList();
    }

    @Test
    void orphanedFinWait2_endsSilentlyAfterFinTimeout_thenTheFourTupleIsUnknown() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.100);
        s.close();
        p.out(0.100, "F.").seq(1).ack(1);
        p.in(0.150, ".", 1, 0, 2, 502);
        // FIN_WAIT2 as a compact record for tcp_fin_timeout = 60 s (on the wheel: level 3, 2.048 s granularity).
        p.none(61.0);
        assertThat(p.k.stack().tcp().miniSockets()).hasSize(1);
        p.at(61.5);
        assertThat(p.k.stack().tcp().miniSockets()).isEmpty();
        // The peer's late FIN finds no connection: RST, seq = its ack.
        p.in(80, "F.", 1, 0, 2, 502);
        p.out(80, "R").seq(2).win(0);
    }

    @Test
    void shutdownWrite_finWait2LastsAsLongAsThePeerWants() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.100);
        s.shutdown(Tcp.SHUT_WR);
        p.out(0.100, "F.");
        p.in(0.150, ".", 1, 0, 2, 502);
        p.none(130);
        assertThat(s.state()).isEqualTo(TcpState.FIN_WAIT2);
        p.in(130, "F.", 1, 0, 2, 502);
        p.out(130, ".").seq(2).ack(2);
        assertThat(states(p)).endsWith("FIN_WAIT2", "TIME_WAIT");
    }

    @Test
    void timeWait_retransmittedFinIsReAckedAndRestartsTheTimer_rstEndsIt() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.100);
        s.close();
        p.out(0.100, "F.");
        p.in(0.150, ".", 1, 0, 2, 502);
        p.in(0.200, "F.", 1, 0, 2, 502);
        p.out(0.200, ".").seq(2).ack(2);
        // The peer retransmits its FIN 10 s into TIME_WAIT: immediate re-ACK, 2MSL restarts.
        p.in(10.200, "F.", 1, 0, 2, 502);
        p.out(10.200, ".").seq(2).ack(2);
        p.at(69.0);
        assertThat(p.k.stack().tcp().miniSockets()).hasSize(1);
        p.at(72.4);
        assertThat(p.k.stack().tcp().miniSockets()).isEmpty();
    }

    @Test
    void timeWait_exactRstAssassinatesIt() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.100);
        s.close();
        p.out(0.100, "F.");
        p.in(0.150, ".", 1, 0, 2, 502);
        p.in(0.200, "F.", 1, 0, 2, 502);
        p.out(0.200, ".");
        p.in(10.2, "R.", 2, 0, 2, 0, dev.jtcp.wire.TcpOptions.NONE);
        assertThat(p.k.stack().tcp().miniSockets()).isEmpty();
        p.none(11);
    }

    @Test
    void orphanFinRetransmissions_oneProbeThenEightRto_thenDroppedWithoutRst() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.at(0.150);
        c.close();
        p.out(0.150, "F.").seq(1).ack(1);
        // A tail-loss probe one RTO (252 ms) later, then RTO retransmissions doubling from 252 ms.
        List<EmbeddedOut> fins = new java.util.ArrayList<>();
        p.at(200);
        for (var o : p.drain()) {
            fins.add(new EmbeddedOut(o.tNs(), dev.jtcp.wire.TcpFlags.tcpdump(o.tcp().flags())));
        }
        assertThat(fins).hasSize(9).allMatch(f -> f.flags().equals("F."));
        assertThat(fins.get(0).tNs()).isBetween(LadderPeer.ns(0.402), LadderPeer.ns(0.434));
        // Given up at the first expiry after (2^9 - 1) x 200 ms since the first RTO retransmission.
        assertThat(p.k.stack().tcp().sockets()).allMatch(s -> s.state() == TcpState.LISTEN);
        assertThat(states(p)).endsWith("FIN_WAIT1", "CLOSE");
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPLossProbes)).isEqualTo(1);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPAbortOnTimeout)).isEqualTo(1);
    }

    private record EmbeddedOut(long tNs, String flags) {}

    @Test
    void retriesExhausted_tcpRetries2Five_readGetsEtimedoutOnce() {
        LadderPeer p = LadderPeer.with(new dev.jtcp.sys.Sysctl().set("net.ipv4.tcp_retries2", "5"));
        TcpSocket s = client(p);
        p.at(0.100);
        s.write(new byte[1000], 0, 1000);
        p.out(0.100, "P.").len(1000);
        p.at(30);
        List<dev.jtcp.stack.EmbeddedStack.Outbound> rtx = p.drain();
        // 1 TLP + 5 RTO retransmissions, all identical but for TS val.
        assertThat(rtx).hasSize(6).allMatch(o -> o.payloadLength() == 1000);
        assertThat(s.state()).isEqualTo(TcpState.CLOSE);
        byte[] b = new byte[10];
        assertThat(s.read(b, 0, 10)).isEqualTo(Errno.ETIMEDOUT.neg());
        assertThat(s.read(b, 0, 10)).isZero();
        assertThat(s.write(b, 0, 10)).isEqualTo(Errno.EPIPE.neg());
    }

    @Test
    void simultaneousClose_closingThenTimeWait() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        p.at(0.100);
        s.close();
        p.out(0.100, "F.").seq(1).ack(1);
        p.in(0.1001, "F.", 1, 0, 1, 502);          // the peer's FIN crosses ours
        p.out(0.1001, ".").seq(2).ack(2);          // ACKed at once: CLOSING
        p.in(0.150, ".", 2, 0, 2, 502);            // our FIN acknowledged: TIME_WAIT
        assertThat(states(p)).endsWith("FIN_WAIT1", "CLOSING", "TIME_WAIT");
    }

    @Test
    void passiveClose_appClosingAtOnceMergesAckIntoFin() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = server(p);
        p.in(0.300, "F.", 1, 0, 1, 502);
        assertThat(c.read(new byte[10], 0, 10)).isZero();
        c.close();
        p.out(0.300, "F.").seq(1).ack(2);
        p.in(0.350, ".", 2, 0, 2, 502);
        assertThat(states(p)).endsWith("CLOSE_WAIT", "LAST_ACK", "CLOSE");
    }
}
