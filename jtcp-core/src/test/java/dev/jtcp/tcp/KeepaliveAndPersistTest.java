package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Keepalive probes (RFC 1122 4.2.3.6, tcp_keepalive_timer) and the persist timer (zero window). */
class KeepaliveAndPersistTest {

    private static TcpSocket client(LadderPeer p, int peerWindow) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        if (peerWindow != 502) {
            p.in(0.060, ".", 1, 0, 1, peerWindow);
        }
        return s;
    }

    @Test
    void keepalive_probesAtIdlePlusInterval_thenResetAndEtimedout() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p, 502);
        s.setOption(SockOpt.TCP_KEEPIDLE, 10);
        s.setOption(SockOpt.TCP_KEEPINTVL, 5);
        s.setOption(SockOpt.TCP_KEEPCNT, 3);
        s.setOption(SockOpt.SO_KEEPALIVE, 1);
        p.at(60);
        List<Outbound> out = p.drain();
        // Three probes (seq = snd_una - 1, no data: the peer must answer with an ACK), then RST.
        assertThat(out).hasSize(4);
        for (int i = 0; i < 3; i++) {
            assertThat(out.get(i).tcp().seq() - p.localIsn).isZero();   // snd_una - 1 = ISN (relative 0)
            assertThat(out.get(i).payloadLength()).isZero();
        }
        assertThat(LadderPeer.ns(10)).isLessThanOrEqualTo(out.get(0).tNs());
        assertThat(out.get(0).tNs()).isLessThan(LadderPeer.ns(10.3));
        assertThat(out.get(1).tNs() - out.get(0).tNs()).isBetween(LadderPeer.ns(5), LadderPeer.ns(5.3));
        assertThat(dev.jtcp.wire.TcpFlags.tcpdump(out.get(3).tcp().flags())).isEqualTo("R.");
        assertThat(s.read(new byte[4], 0, 4)).isEqualTo(Errno.ETIMEDOUT.neg());
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPKeepAlive)).isEqualTo(3);
    }

    @Test
    void keepalive_answeredProbesKeepTheConnection() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p, 502);
        s.setOption(SockOpt.TCP_KEEPIDLE, 10);
        s.setOption(SockOpt.TCP_KEEPINTVL, 5);
        s.setOption(SockOpt.SO_KEEPALIVE, 1);
        p.outBetween(10, 10.3, ".").seq(0);
        p.in(10.35, ".", 1, 0, 1, 502);
        p.none(20);
        p.outBetween(20.3, 20.7, ".").seq(0);
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void zeroWindow_persistProbesBackOff_windowOpeningSendsTheData() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p, 0);
        p.at(0.1);
        assertThat(s.write(new byte[100], 0, 100)).isEqualTo(100);
        // Nothing fits a zero window: the persist timer probes with backoff (base max(RTO, 200 ms)).
        p.at(5);
        List<Outbound> probes = p.drain();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(4);
        for (int i = 2; i < probes.size(); i++) {
            long gap = probes.get(i).tNs() - probes.get(i - 1).tNs();
            long prev = probes.get(i - 1).tNs() - probes.get(i - 2).tNs();
            assertThat(gap).as("backoff doubles").isGreaterThan(prev + prev / 2);
        }
        assertThat(probes).allMatch(o -> o.payloadLength() == 0);
        // The window opens: the data goes at once.
        p.in(5.1, ".", 1, 0, 1, 502);
        p.out(5.1, "P.").seq(1).len(100);
        assertThat(p.k.stack().mib().get(Mib.TcpExtTCPWinProbe)).isEqualTo(probes.size());
    }
}
