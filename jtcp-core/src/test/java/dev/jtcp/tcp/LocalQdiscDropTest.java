package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Packets the local egress queue drops ({@code tc qdisc ... pfifo limit 0}): the drop comes back to TCP
 * as NET_XMIT_DROP, as Linux's qdiscs report it. A transmission that fails enters CWR and leaves the data
 * unsent; the persist and retransmission timers then retry every TCP_RESOURCE_PROBE_INTERVAL (500 ms)
 * without backing off (tcp_send_probe0(), tcp_retransmit_timer()), a failed retransmission counts
 * TCPRetransFail and does not count as retransmitted.
 */
class LocalQdiscDropTest {

    /** Passive open from the peer (MSS 1460, timestamps), established at 0.1 s with a 100 ms RTT. */
    private static TcpSocket accepted(LadderPeer p) {
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535, p.synOpts(7));
        p.out(0.0, "S.").ack(1);
        p.in(0.1, ".", 1, 0, 1, 502);
        return l.accept();
    }

    @Test
    void aDroppedWriteIsProbedEveryHalfSecondUntilTheUserTimeout() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = accepted(p);
        assertThat(s.setOption(SockOpt.TCP_USER_TIMEOUT, 3000)).isZero();
        p.k.stack().setQdiscLimit(0);
        assertThat(s.write(new byte[24], 0, 24)).isEqualTo(24);
        // Nothing left: tcp_write_xmit() stopped at the failed send, the data stays unsent, CWR entered.
        assertThat(s.info().unacked()).isZero();
        assertThat(s.info().notsentBytes()).isEqualTo(24);
        assertThat(s.info().caState()).isEqualTo(TcpSock.CA_CWR);
        assertThat(s.info().timerName()).isEqualTo("persist");
        p.none(3.0);
        // The first probe after the persist base sets the start of the user timeout; then every 500 ms.
        assertThat(s.info().probes()).isEqualTo(6);
        assertThat(s.info().backoff()).isZero();
        assertThat(p.k.stack().qdiscDrops()).isEqualTo(7);   // the write and six probes
        p.at(3.6);
        assertThat(s.write(new byte[24], 0, 24)).isEqualTo(Errno.ETIMEDOUT.neg());
        assertThat(p.mib(Mib.TcpExtTCPWinProbe)).isEqualTo(6);
    }

    @Test
    void onceTheQueueTakesPacketsAgainTheNextProbeSendsTheData() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = accepted(p);
        p.k.stack().setQdiscLimit(0);
        assertThat(s.write(new byte[24], 0, 24)).isEqualTo(24);
        p.none(1.0);
        p.k.stack().setQdiscLimit(500);   // tc qdisc replace dev tun0 root pfifo
        // tcp_write_wakeup() sends the waiting data as the probe, with PSH.
        p.outBetween(1.0, 1.6, "P.").seq(1).len(24);
        p.in(1.7, ".", 1, 0, 25, 502);
        assertThat(s.info().probes()).isZero();
        assertThat(s.info().unacked()).isZero();
        assertThat(s.info().notsentBytes()).isZero();
    }

    @Test
    void aFailedRetransmissionIsRetriedWithoutBackoffAndCountedAsFailed() {
        // No tail loss probe (tcp_early_retrans=0): the RTO is the first retransmission.
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_EARLY_RETRANS, 0));
        TcpSocket s = accepted(p);
        assertThat(s.write(new byte[1000], 0, 1000)).isEqualTo(1000);
        p.out(0.1, "P.").seq(1).len(1000);
        long rtoNs = s.sock().rtoNs;
        p.k.stack().setQdiscLimit(0);
        p.none(0.1 + rtoNs / 1e9 + 0.05);
        // The RTO fired and the retransmission was dropped: counted, but not as retransmitted (tcpi_retrans).
        assertThat(p.mib(Mib.TcpExtTCPRetransFail)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpRetransSegs)).isEqualTo(1);
        assertThat(s.info().retrans()).isZero();
        assertThat(s.info().backoff()).isZero();
        assertThat(s.info().retransmits()).isEqualTo(1);
        assertThat(s.info().caState()).isEqualTo(TcpSock.CA_LOSS);
        // TCP_RESOURCE_PROBE_INTERVAL later, with the queue open again, it gets out and the RTO backs off.
        p.k.stack().setQdiscLimit(-1);
        // (125 jiffies: the timer wheel may add up to 8 jiffies.)
        p.outBetween(0.1 + rtoNs / 1e9 + 0.49, 0.1 + rtoNs / 1e9 + 0.59, "P.").seq(1).len(1000);
        assertThat(p.mib(Mib.TcpExtTCPRetransFail)).isEqualTo(1);
        assertThat(s.info().retrans()).isEqualTo(1);
        assertThat(s.info().backoff()).isEqualTo(1);
    }

    @Test
    void aDroppedSynIsSentAgainByItsTimer() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.k.stack().setQdiscLimit(0);
        TcpSocket s = p.connect();
        // tcp_connect() carries on after a local drop: the SYN waits in the retransmission queue.
        assertThat(s.state()).isEqualTo(TcpState.SYN_SENT);
        p.none(0.5);
        p.k.stack().setQdiscLimit(500);
        p.outBetween(1.0, 1.1, "S");
        p.in(1.15, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(1.15, ".");
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.write(new byte[100], 0, 100)).isEqualTo(100);
        p.out(1.15, "P.").seq(1).len(100);
    }

    @Test
    void pureAcksAreDroppedToo() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = accepted(p);
        p.k.stack().setQdiscLimit(0);
        p.inData(0.2, 1, "hello", 1, 502);
        p.none(1.0);   // the (delayed) ACK is dropped by the queue
        assertThat(s.read(new byte[8], 0, 8)).isEqualTo(5);
        assertThat(p.k.stack().qdiscDrops()).isEqualTo(1);
        assertThat(p.mib(Mib.TcpOutSegs)).isEqualTo(2);   // the SYN-ACK and the dropped ACK: counted before the queue
    }
}
