package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** tcp_xmit_retransmit_queue() with tcp_retrans_collapse: the queue changes under the walk. */
class RetransmitQueueTest {

    /**
     * Found by the soak (seed 2 of the first run, a download through 15% loss): retransmitting a lost
     * segment merged the small lost segments after it into it (tcp_retrans_try_collapse) while the walk
     * over the retransmission queue was under way, and the walk failed. Eight 100-byte segments; the peer
     * SACKs the second and the last three: the first, third, fourth and fifth are lost. The first goes
     * alone (the second is SACKed), the third carries the fourth and fifth with it.
     */
    @Test
    void collapsingLostSegmentsDuringRecovery_retransmitsThemMerged() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        s.setOption(SockOpt.TCP_NODELAY, 1);
        p.at(0.060);
        for (int i = 0; i < 8; i++) {
            assertThat(s.write(new byte[100], 0, 100)).isEqualTo(100);
            p.out(0.060, "P.").seq(1 + 100 * i).len(100);
        }
        int isn = p.localIsn;
        TcpOptions sack = TcpOptions.dataLinux(true, p.tsNow(), p.lastLocalTsval,
                List.of(new SackBlock(isn + 501, isn + 801), new SackBlock(isn + 101, isn + 201)));
        p.in(0.110, ".", 1, 0, 1, 502, sack);
        List<Outbound> out = p.drain();
        assertThat(out).extracting(o -> (o.tcp().seq() - isn) + ":" + (o.tcp().seq() - isn + o.payloadLength()))
                .containsExactly("1:101", "201:501");
        assertThat(p.mib(Mib.TcpExtTCPRetransCollapsed)).isEqualTo(2);
        assertThat(p.mib(Mib.TcpRetransSegs)).isEqualTo(2);
    }
}
