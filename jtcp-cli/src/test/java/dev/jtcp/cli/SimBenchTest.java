package dev.jtcp.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtcp.cli.ScenarioCommandTest.jtcp;
import static org.assertj.core.api.Assertions.assertThat;

/** jtcp bench sim: what it prints, that a seed replays the same run, and one-line usage errors (no timing asserted). */
class SimBenchTest {

    @Test
    void simPrintsTheRunAndEndsWithTheResultLine() {
        ScenarioCommandTest.Outcome r = jtcp("bench", "sim", "--flows", "3", "--rate", "100", "--seconds", "0.2");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.getFirst())
                .isEqualTo("3 flows sharing 100 Mbit/s, RTT 1 ms, queue 100 packets, MTU 1500, 0.2 s of virtual time");
        assertThat(lines.get(1)).matches("\\d+ link packets in \\d+\\.\\d{3} s of wall time: \\d+ packets per wall second; "
                + "goodput 0\\.\\d{3} Gbit/s \\(\\d+\\.\\d% of the link\\)");
        assertThat(lines.get(2)).matches("\\d+\\.\\d{3} s of CPU time: \\d+ packets per CPU second; \\d+ bytes allocated per packet");
        assertThat(lines.getLast()).matches("RESULT name=sim flows=3 pkts_per_wall_s=\\d+ sim_s=0\\.2 wall_s=\\d+\\.\\d{3} cpu_s=\\d+\\.\\d{3}");
        // The flows keep the link busy: more than 80% of 100 Mbit/s for 0.2 s is over 1,300 full packets.
        long packets = Long.parseLong(lines.get(1).substring(0, lines.get(1).indexOf(' ')));
        assertThat(packets).isGreaterThan(1_300);
        // Virtual time and a seed: the same run, packet for packet.
        ScenarioCommandTest.Outcome again = jtcp("bench", "sim", "--flows", "3", "--rate", "100", "--seconds", "0.2");
        assertThat(again.outLines().get(1)).startsWith(packets + " link packets in ");
    }

    @Test
    void badOptionsGetOneLine() {
        for (String[] args : List.of(
                new String[] {"bench", "sim", "--flows", "0"},
                new String[] {"bench", "sim", "--mtu", "65536"},
                new String[] {"bench", "sim", "--seconds", "-1"})) {
            ScenarioCommandTest.Outcome r = jtcp(args);
            assertThat(r.code()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err().strip().lines().toList()).as(String.join(" ", args)).hasSize(1);
        }
    }
}
