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
 * Packetization-layer path MTU discovery (RFC 4821) as Linux does it: tcp_mtu_probing=2 probes from the
 * start (tcp_mtu_probe(): one segment of the size halfway up the search range, sent only with
 * (reordering + 1) MSS of data behind it), an ACKed probe raises the search floor and the MSS
 * (tcp_mtup_probe_success()), a lost one lowers the ceiling without a window reduction
 * (tcp_mtup_probe_failed()), and tcp_mtu_probing=1 starts probing when retransmissions time out
 * (black hole detection in tcp_write_timeout()). Routes carry the metrics the probes start from (advmss,
 * a locked MTU, initcwnd).
 */
class MtuProbingTest {

    /**
     * Passive open with a 1460-byte MSS from the peer (SACK or not), no timestamps, a 50000-byte window, no window
     * scaling, completing at ackAt.
     */
    private static TcpSocket accepted(LadderPeer p, double ackAt, boolean sack) {
        p.timestamps = false;
        TcpSocket l = p.listen(8080);
        p.in(0.1, "S", 0, 0, 0, 50000, TcpOptions.synLinux(1460, sack, false, 0, 0, -1));
        p.out(0.1, "S.").opts(sack ? "mss 600,nop,nop,sackOK" : "mss 600");   // the route's advmss
        p.in(ackAt, ".", 1, 0, 1, 50000);
        return l.accept();
    }

    private static LadderPeer probing() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_MTU_PROBING, 2).set(SysctlKey.TCP_BASE_MSS, 512));
        p.k.stack().changeRoute(LadderPeer.PEER, 640, true, 600, 11);
        return p;
    }

    @Test
    void anAckedProbeRaisesTheMss() {
        LadderPeer p = probing();
        TcpSocket s = accepted(p, 0.1, false);
        assertThat(s.info().sndCwnd()).isEqualTo(11);   // the route's initcwnd
        assertThat(s.info().sndMss()).isEqualTo(600);   // from the locked route MTU of 640
        // The path gets a larger MTU; the socket's route notices at its next transmission.
        p.k.stack().changeRoute(LadderPeer.PEER, 1500, true, 1460, 0);
        p.at(0.2);
        assertThat(s.write(new byte[4000], 0, 4000)).isEqualTo(4000);
        // Search 552 (tcp_base_mss 512 + headers) .. 1500 (the peer's MSS + headers): the probe is 1026 bytes.
        Outbound probe = p.out(0.2, ".").seq(1).len(986).o;
        assertThat(probe.ip().totalLength()).isEqualTo(1026);
        assertThat(probe.ip().dontFragment()).isFalse();   // the route's MTU is locked
        for (int seq = 987; seq < 3387; seq += 600) {
            p.out(0.2, ".").seq(seq).len(600);
        }
        p.out(0.2, "P.").seq(3387).len(600);   // 5 segments in one TSO packet: cwnd 10 after the probe
        p.out(0.2, "P.").seq(3987).len(14);
        assertThat(s.info().sndCwnd()).isEqualTo(10);   // the probe took one segment of cwnd
        p.in(0.2, ".", 1, 0, 4001, 50000);
        assertThat(p.mib(Mib.TcpExtTCPMTUPSuccess)).isEqualTo(1);
        // New data uses the probed size: min(MSS of the new route, MSS of the new search floor 1026).
        p.at(0.3);
        assertThat(s.write(new byte[2000], 0, 2000)).isEqualTo(2000);
        p.out(0.3, ".").seq(4001).len(986);
        p.out(0.3, ".").seq(4987).len(986);
        p.out(0.3, "P.").seq(5973).len(28);
        assertThat(s.info().sndMss()).isEqualTo(986);
        assertThat(s.info().pmtu()).isEqualTo(1500);
    }

    @Test
    void aLostProbeLowersTheSearchCeilingWithoutReducingTheWindow() {
        LadderPeer p = probing();
        TcpSocket s = accepted(p, 0.15, true);   // a 50 ms RTT: the tail loss probe waits longer than the SACKs take
        p.k.stack().changeRoute(LadderPeer.PEER, 1500, true, 1460, 0);
        p.at(0.2);
        assertThat(s.write(new byte[4000], 0, 4000)).isEqualTo(4000);
        List<Outbound> sent = p.drain();
        assertThat(sent).hasSize(7);
        assertThat(sent.get(0).payloadLength()).isEqualTo(986);
        // Everything after the probe arrives; the probe does not (too big for the path).
        p.in(0.25, ".", 1, 0, 1, 50000, p.sackOpts(0, 987, 4001));
        assertThat(p.mib(Mib.TcpExtTCPMTUPFail)).isEqualTo(1);
        assertThat(s.sock().mtupSearchHigh).isEqualTo(1025);
        assertThat(s.sock().mtupProbeSize).isZero();
        // tcp_simple_retransmit(): the probe goes again in segments of the current MSS. The socket now sees
        // the route of MTU 1500 (looked up again when the probe left), so tcp_current_mss() recomputes the
        // MSS: the search floor's, 512. cwnd gets its segment back and ssthresh is not reduced.
        List<Outbound> resent = p.drain();
        assertThat(resent).extracting(o -> o.tcp().seq() - p.localIsn).containsExactly(1, 513);
        assertThat(resent).extracting(Outbound::payloadLength).containsExactly(512, 474);
        assertThat(s.info().sndCwnd()).isEqualTo(11);
        assertThat(s.info().sndSsthresh()).isEqualTo(Integer.MAX_VALUE);
        assertThat(p.mib(Mib.TcpExtTCPSackRecovery)).isZero();
        // Once the search range is too narrow to matter, no more probes are sent until tcp_probe_interval.
        p.in(0.3, ".", 1, 0, 4001, 50000);
        assertThat(s.sock().mtupSearchLow).isEqualTo(552);
    }

    @Test
    void blackHoleDetectionShrinksTheMssAfterRetransmissionsTimeOut() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_MTU_PROBING, 1));
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.05, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.05, ".");
        assertThat(s.sock().mtupEnabled).isFalse();   // mode 1: only after a black hole is suspected
        assertThat(s.write(new byte[1448], 0, 1448)).isEqualTo(1448);
        p.out(0.05, "P.").seq(1).len(1448);
        // Nothing gets through. Once the retransmissions have lasted tcp_retries1 (3) backoffs, the
        // next RTO starts probing: MSS from tcp_base_mss (1024 less the timestamp option), then halved.
        p.at(20);
        List<Outbound> rtx = p.drain();
        // The tail loss probe, three RTOs, then the MSS falls to 1024 and 512.
        assertThat(rtx).extracting(Outbound::payloadLength).startsWith(1448, 1448, 1448, 1448, 1024, 512);
        assertThat(s.sock().mtupEnabled).isTrue();
        assertThat(s.info().sndMss()).isLessThan(512);
    }
}
