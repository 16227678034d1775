package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import dev.jtcp.trace.TcpInfoEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * slow-start and cubic: the sender's cwnd over time on a 10 ms, 100 Mbit/s path with a drop-tail
 * bottleneck, read from the trace's tcpinfo samples (what the HTML report plots).
 */
class CongestionScenariosTest {

    /** The client's samples once established, in order. */
    static List<TcpInfoEvent> samples(Ladder l) {
        List<TcpInfoEvent> out = new ArrayList<>();
        for (var e : l.events()) {
            if (e instanceof TcpInfoEvent i && i.host().equals(CLIENT) && !i.state().startsWith("SYN")) {
                out.add(i);
            }
        }
        return out;
    }

    /** cwnd of the last sample at or before t. */
    static int cwndAt(List<TcpInfoEvent> s, String t) {
        int c = -1;
        for (TcpInfoEvent i : s) {
            if (i.tNs() > ns(t)) {
                break;
            }
            c = i.cwnd();
        }
        return c;
    }

    /** "cwnd->ssthresh" at every change of ssthresh: the cwnd of the sample before, and the new threshold. */
    static List<String> reductions(List<TcpInfoEvent> s) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < s.size(); i++) {
            if (s.get(i).ssthresh() != s.get(i - 1).ssthresh()) {
                out.add(s.get(i - 1).cwnd() + "->" + s.get(i).ssthresh());
            }
        }
        return out;
    }

    @Nested
    class SlowStart {
        final Ladder l = Ladder.run("slow-start");
        final List<TcpInfoEvent> s = samples(l);

        @Test
        void startsAtTheInitialWindowAndDoublesEveryRoundTrip() {
            assertThat(s.get(0).cwnd()).isEqualTo(10);
            assertThat(s.get(0).ssthresh()).isEqualTo(TcpInfoEvent.INFINITE_SSTHRESH);
            // One RTT (10 ms plus serialization and queueing) per doubling: each segment acknowledged adds one
            // (tcp_slow_start()). At the end of rounds 1, 2, 3: 20, 39, 76 (the delayed ACKs of a round's last
            // segments are counted in the next round).
            assertThat(cwndAt(s, "0.015")).isEqualTo(10);
            assertThat(List.of(cwndAt(s, "0.025"), cwndAt(s, "0.035"), cwndAt(s, "0.045")))
                    .containsExactly(20, 39, 76);
        }

        @Test
        void hystartAckTrainEndsSlowStartBeforeTheQueueOverflows() {
            // The ACK train of one round lasts longer than (delay_min + 1 ms) / 2 = 5.5 ms: ssthresh = cwnd.
            // Rounds start on the first ACK past the round's end even below hystart_low_window (6.13+), so the
            // train is timed from an earlier round start than before 6.13 and ends slow start at 123 at 0.056 s.
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPHystartTrainDetect)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPHystartTrainCwnd)).isEqualTo(123);
            assertThat(reductions(s)).containsExactly("123->123");
            assertThat(l.networkDrops()).isEmpty();
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isZero();
        }

        @Test
        void thenCubicGrowsSlowlyFromTheExitPoint() {
            // No W_max yet: the cubic target starts at the exit window and cnt is capped at 20 (5% per RTT).
            int atExit = cwndAt(s, "0.057");
            int later = cwndAt(s, "0.16");
            assertThat(atExit).isEqualTo(123);
            assertThat(later).isBetween(atExit + 30, atExit + 50);
        }
    }

    @Nested
    class Cubic {
        final Ladder l = Ladder.run("cubic");
        final List<TcpInfoEvent> s = samples(l);

        @Test
        void theShallowQueueOverflowsAndEachReductionIsBetaTimesCwnd() {
            assertThat(l.networkDrops()).isNotEmpty();
            List<String> red = reductions(s);
            assertThat(red).isNotEmpty();
            for (String r : red) {
                int cwnd = Integer.parseInt(r.substring(0, r.indexOf('-')));
                int ssthresh = Integer.parseInt(r.substring(r.indexOf('>') + 1));
                // cubictcp_recalc_ssthresh(): max(cwnd * 717 / 1024, 2)
                assertThat(ssthresh).as(r).isEqualTo(Math.max(cwnd * 717 / 1024, 2));
            }
        }

        @Test
        void cwndGrowsBackTowardsWmaxBetweenLosses() {
            // After the first recovery (ssthresh 0.7 x W_max) the window climbs back, concave towards W_max, to at
            // least 0.9 x W_max before the queue overflows again.
            List<String> red = reductions(s);
            assertThat(red).hasSizeGreaterThanOrEqualTo(2);
            int wmax = Integer.parseInt(red.get(0).substring(0, red.get(0).indexOf('-')));
            int after = Integer.parseInt(red.get(0).substring(red.get(0).indexOf('>') + 1));
            int next = Integer.parseInt(red.get(1).substring(0, red.get(1).indexOf('-')));
            assertThat(after).isEqualTo(wmax * 717 / 1024);
            assertThat(next).isGreaterThan(after + 20).isGreaterThanOrEqualTo(wmax * 9 / 10);
        }

        @Test
        void renoHalvesInstead() {
            Ladder reno = Ladder.run("cubic", ScenarioParams.defaults().withSettings(List.of("net.ipv4.tcp_congestion_control=reno")));
            List<String> red = reductions(samples(reno));
            assertThat(red).isNotEmpty();
            for (String r : red) {
                int cwnd = Integer.parseInt(r.substring(0, r.indexOf('-')));
                int ssthresh = Integer.parseInt(r.substring(r.indexOf('>') + 1));
                assertThat(ssthresh).as(r).isEqualTo(Math.max(cwnd / 2, 2));   // tcp_reno_ssthresh()
            }
            // No HyStart with Reno: slow start runs until the queue overflows.
            assertThat(reno.mib(CLIENT, Mib.TcpExtTCPHystartTrainDetect) + reno.mib(CLIENT, Mib.TcpExtTCPHystartDelayDetect)).isZero();
        }
    }
}
