package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/** The sender scenarios: persist timer, keepalive, Nagle (the data-transfer issue, items 1, 6 and 7). */
class SenderScenariosTest {

    @Nested
    class ZeroWindow {
        final Ladder l = Ladder.run("zero-window");

        @Test
        void theReceiverClosesItsWindowAndReopensItWhenTheReaderDrains() {
            // SO_RCVBUF 4096 is doubled (sk_rcvbuf 8192); half of it is window, in whole MSS: 2896.
            assertThat(l.sentLines(SERVER).get(0)).isEqualTo("0.025000 S. 0:0 ack 1 win 2896");
            assertThat(l.sentLines(SERVER)).contains(
                    "0.116000 . 1:1 ack 2897 win 0",        // two segments fill it
                    "20.000000 . 1:1 ack 2897 win 2896");   // the read at 20 s: window update
            assertThat(l.mib(SERVER, Mib.TcpExtTCPToZeroWindowAdv)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPFromZeroWindowAdv)).isEqualTo(1);
        }

        @Test
        void persistTimerProbesWithExponentialBackoff() {
            // tcp_probe0_timer(): each probe re-arms at (RTO << backoff); the probe is a segment with
            // seq = snd_una - 1 (tcp_xmit_probe_skb), which the receiver answers with its zero window.
            List<Ladder.Seg> probes = l.sent(CLIENT).stream().filter(s -> s.why().startsWith("zero-window probe")).toList();
            assertThat(probes).extracting(Ladder.Seg::brief).containsExactly(
                    "0.416000 . 2896:2896 ack 1 win 63",
                    "0.992000 . 2896:2896 ack 1 win 63",
                    "2.080000 . 2896:2896 ack 1 win 63",
                    "4.352000 . 2896:2896 ack 1 win 63",
                    "8.704000 . 2896:2896 ack 1 win 63",
                    "17.152000 . 2896:2896 ack 1 win 63");
            for (int i = 2; i < probes.size(); i++) {
                long gap = probes.get(i).tNs() - probes.get(i - 1).tNs();
                long previous = probes.get(i - 1).tNs() - probes.get(i - 2).tNs();
                assertThat((double) gap / previous).as("probe %d: the interval doubles", i).isBetween(1.8, 2.2);
            }
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPWinProbe)).isEqualTo(probes.size());
            assertThat(l.timers(CLIENT, "persist", "fire")).hasSize(probes.size());
        }

        @Test
        void everyByteArrivesAndBothSidesClose() {
            assertThat(l.calls(SERVER, "read").stream().mapToLong(c -> Math.max(0, c.result())).sum()).isEqualTo(20000);
            assertThat(l.statePath(CLIENT)).endsWith("FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(l.statePath(SERVER)).endsWith("CLOSE_WAIT LAST_ACK CLOSE");
        }
    }

    @Nested
    class Keepalive {
        final Ladder l = Ladder.run("keepalive");

        @Test
        void probesAfterTwoHoursIdleThenEveryIntervalUntilTheCountRunsOut() {
            List<String> probes = l.sent(CLIENT).stream().filter(s -> s.why().startsWith("keepalive probe"))
                    .map(Ladder.Seg::brief).toList();
            // tcp_keepalive_time 7200 s after the last segment (the timer wheel's granularity at that range
            // rounds it up), answered; idle again for 7200 s, then 9 probes 75 s apart, unanswered.
            assertThat(probes).hasSize(10);
            assertThat(probes).allMatch(p -> p.endsWith(". 0:0 ack 1 win 63"));   // seq = snd_una - 1
            assertThat(probes.get(0)).startsWith("7208.960000");
            assertThat(probes.get(1)).startsWith("14417.920000");
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPKeepAlive)).isEqualTo(10);
            assertThat(l.received(CLIENT).stream().filter(s -> s.tNs() > Ladder.ns("7300"))).isEmpty();
        }

        @Test
        void theConnectionDiesWithEtimedoutAndAReset() {
            Ladder.Seg rst = l.sent(CLIENT).getLast();
            assertThat(rst.has('R')).isTrue();
            assertThat(rst.brief()).startsWith("15099.904000 R. 1:1 ack 1");
            assertThat(l.callLines(CLIENT, "read")).containsExactly("15099.904000 read=ETIMEDOUT");
            assertThat(l.stateChange(CLIENT, l.connection(CLIENT), "CLOSE").why()).contains("tcp_keepalive_probes (9)");
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPAbortOnTimeout)).isEqualTo(1);
        }
    }

    @Nested
    class Nagle {
        final Ladder l = Ladder.run("nagle");

        @Test
        void withNagleSmallWritesCoalesceWhileOneSmallSegmentIsUnacked() {
            List<String> data = l.sent(CLIENT).stream().filter(s -> s.len() > 0).map(Ladder.Seg::brief).toList();
            assertThat(data.subList(0, 3)).containsExactly(
                    "0.250000 P. 1:101 ack 1 win 63",      // the first write goes at once
                    "0.300000 P. 101:1001 ack 1 win 63",   // writes 2-10 waited for its ACK (one RTT)
                    "0.350000 P. 1001:2001 ack 1 win 63"); // writes 11-20 for the next
        }

        @Test
        void withNodelayEveryWriteLeavesAtOnce() {
            List<String> data = l.sent(CLIENT).stream().filter(s -> s.len() > 0).map(Ladder.Seg::brief).toList();
            assertThat(data.subList(3, data.size())).hasSize(20);
            for (int i = 0; i < 20; i++) {
                assertThat(data.get(3 + i)).isEqualTo(Ladder.t(Ladder.ns("1.100") + i * Ladder.ns("0.005"))
                        + " P. " + (1 + 100 * i) + ":" + (101 + 100 * i) + " ack 1 win 63");
            }
        }
    }
}
