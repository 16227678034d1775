package dev.jtcp.stack;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.tcp.SocketEntry;
import dev.jtcp.tcp.TcpInfo;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The TCP_INFO line of {@code ss -i}: iproute2's field order, units and number formats. */
class SsInfoTest {

    @Test
    void numbersAreFormattedAsIproute2Does() {
        // %g: six significant digits, trailing zeros dropped.
        assertThat(Ss.g(204.0)).isEqualTo("204");
        assertThat(Ss.g(0.031)).isEqualTo("0.031");
        assertThat(Ss.g(14.0625)).isEqualTo("14.0625");
        assertThat(Ss.g(1234567.0)).isEqualTo("1234570");
        // sprint_bw(): one decimal with a G/M/K prefix, else %g.
        assertThat(Ss.bw(3_700_000_000.0)).isEqualTo("3.7G");
        assertThat(Ss.bw(2_316_800.0)).isEqualTo("2.3M");
        assertThat(Ss.bw(9_500.0)).isEqualTo("9.5K");
        assertThat(Ss.bw(640.0)).isEqualTo("640");
    }

    @Test
    void anEstablishedConnectionAfterOneExchange() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        p.at(0.060);
        s.write(new byte[1000], 0, 1000);
        p.out(0.060, "P.").seq(1).len(1000);
        p.in(0.110, ".", 1, 0, 1001, 502);
        p.at(0.200);
        List<SocketEntry> table = p.k.stack().ss();
        assertThat(table).hasSize(1);
        TcpInfo info = table.getFirst().info();
        String line = Ss.info(info);
        // Ages are whole jiffies (4 ms at HZ=250): 90 ms since the ACK reads 92.
        // Options, algorithm and window scales first; then RTO and RTT in ms; sizes; counters; rates; windows.
        assertThat(line).startsWith("ts sack " + info.congestion() + " wscale:7,10 rto:");
        assertThat(line).contains(" rtt:50/", " mss:1448 pmtu:1500 rcvmss:536 advmss:1448 cwnd:10",
                " bytes_sent:1000 bytes_acked:1001 segs_out:3 segs_in:2 data_segs_out:1",
                " lastsnd:140 lastrcv:152 lastack:92", " delivered:2", " minrtt:50");
        assertThat(line).doesNotContain(" ssthresh:");   // still at its initial infinity
        assertThat(line).doesNotContain("retrans:");     // nothing retransmitted
        assertThat(line.indexOf(" send ")).isBetween(line.indexOf(" data_segs_out:"), line.indexOf(" lastsnd:"));
        assertThat(line).endsWith(" snd_wnd:64256 rcv_wnd:" + info.rcvWnd());
        assertThat(Ss.formatWithInfo(table).split("\n")).hasSize(3).satisfies(l -> assertThat(l[2]).startsWith("\tts sack "));
    }
}
