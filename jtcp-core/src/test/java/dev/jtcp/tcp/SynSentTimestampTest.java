package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SYN_SENT timestamp check (tcp_rcv_synsent_state_process: the echoed value must lie between our
 * first SYN's and now) with a sub-millisecond round trip across a tick of the 1 ms timestamp clock, as on
 * a TUN device: the SYN-ACK is accepted, not answered with a reset.
 */
class SynSentTimestampTest {
    @Test
    void aSynAckEchoingTheSynsTimestampLessThanAMillisecondLaterAcrossATickIsAccepted() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.at(0.0009);   // the SYN leaves 0.9 ms into a tick of the timestamp clock
        TcpSocket s = p.connect();
        p.out(0.0009, "S");
        p.in(0.0013, "S.", 0, 0, 1, 65535, p.synOpts(7));   // 0.4 ms later, the next tick
        p.out(0.0013, ".").seq(1).ack(1);
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(p.mib(Mib.TcpExtPAWSEstab)).isZero();
    }
}
