package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Mib;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ecn scenario: ECN on a bottleneck that marks instead of dropping, a 10 ms, 10 Mbit/s path whose queue marks
 * ECN-capable packets Congestion Experienced once 4 packets wait (LinkSpec ceThresholdPackets; Not-ECT
 * packets are dropped there instead). The client (tcp_ecn=1) sends 300 kB to the server (tcp_ecn=2, the
 * default, accepts). The server echoes each CE mark with ECE until the client's CWR; the client reduces
 * its window once per round trip (tcp_enter_cwr, PRR) and nothing is lost.
 */
class EcnMarkingTest {

    /** The ecn scenario, with extra settings; checks that every CE mark made reached the server. */
    static Ladder run(String... settings) {
        Scenario.Run run = Scenarios.get("ecn").build(ScenarioParams.defaults().withSettings(List.of(settings)));
        try (Simulation sim = run.sim()) {
            run.run();
            assertThat(sim.ceMarks()).isEqualTo(sim.stack(SERVER).mib().get(Mib.IpExtInCEPkts));
            return Ladder.of("ecn", sim);
        }
    }

    /** Each CWR the client sends, with the ECE ACK that caused it (the line before it). */
    static List<String> reductions(Ladder l) {
        List<Ladder.Seg> c = l.segments(s -> s.host().equals(CLIENT));
        List<String> out = new ArrayList<>();
        for (int i = 1; i < c.size(); i++) {
            if (c.get(i).isSend() && c.get(i).has('W') && !c.get(i).has('S')) {
                out.add(c.get(i - 1).line());
                out.add(c.get(i).line());
            }
        }
        return out;
    }

    @Test
    void ceMarksReduceTheWindowWithoutALoss() {
        Ladder l = run();
        assertThat(l.segments().subList(0, 4)).extracting(Ladder.Seg::line).containsExactly(
                "0.000000 client send SEW 0:0 win 64240",
                "0.005048 server recv SEW 0:0 win 64240",
                "0.005048 server send S.E 0:0 ack 1 win 65160",
                "0.010096 client recv S.E 0:0 ack 1 win 65160");
        // The first mark: the server's ACK of it carries ECE, and so does every ACK until the CWR arrives.
        assertThat(l.segments(s -> s.from(SERVER) && s.has('E') && !s.has('S')).get(0).line())
                .isEqualTo("0.019937 server send .E 1:1 ack 5793 win 63");
        // One reduction per round trip: the first ECE of a window sends CWR on the next new segment; the
        // ECE ACKs after it in the same window change nothing.
        assertThat(reductions(l)).containsExactly(
                "0.024979 client recv .E 1:1 ack 5793 win 63",
                "0.024979 client send .W 23169:24617 ack 1 win 63",
                "0.040579 client recv .E 1:1 ack 24617 win 63",
                "0.040579 client send .W 36201:37649 ack 1 win 63",
                "0.250320 client recv .E 1:1 ack 230233 win 63",
                "0.250320 client send .W 247609:249057 ack 1 win 63",
                "0.265920 client recv .E 1:1 ack 249057 win 63",
                "0.265920 client send .W 260641:262089 ack 1 win 63");
        // cwnd before each reduction -> the new ssthresh (CUBIC: 717/1024), from the client's tcpinfo samples.
        assertThat(CongestionScenariosTest.reductions(CongestionScenariosTest.samples(l))).containsExactly("13->9", "9->6", "13->9", "9->6");
        assertThat(l.networkDrops()).isEmpty();
        assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isZero();
        // Data leaves ECT(0) (marked CE or not on arrival); SYN, third ACK, FIN and every ACK are Not-ECT.
        assertThat(l.mib(SERVER, Mib.IpExtInECT0Pkts) + l.mib(SERVER, Mib.IpExtInCEPkts))
                .isEqualTo(l.mib(CLIENT, Mib.TcpExtTCPOrigDataSent));
        assertThat(l.mib(SERVER, Mib.IpExtInCEPkts)).isEqualTo(21);
        assertThat(l.mib(SERVER, Mib.IpExtInNoECTPkts)).isEqualTo(3);
        assertThat(l.mib(CLIENT, Mib.IpExtInNoECTPkts)).isEqualTo(l.mib(CLIENT, Mib.IpInReceives));
        assertThat(l.mib(CLIENT, Mib.TcpExtTCPDeliveredCE)).isEqualTo(43);
    }

    @Test
    void withoutEcnTheSameQueueDrops() {
        // tcp_ecn=2 on both ends: nobody asks, the data is Not-ECT, and the marking threshold drops it.
        Ladder l = run("net.ipv4.tcp_ecn=2");
        assertThat(l.segments().get(0).line()).isEqualTo("0.000000 client send S 0:0 win 64240");
        assertThat(l.networkDrops()).isNotEmpty();
        assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isPositive();
        assertThat(l.mib(SERVER, Mib.IpExtInCEPkts)).isZero();
        assertThat(l.mib(SERVER, Mib.IpExtInECT0Pkts)).isZero();
    }
}
