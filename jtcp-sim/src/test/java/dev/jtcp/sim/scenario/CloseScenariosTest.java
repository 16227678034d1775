package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import dev.jtcp.trace.TimerEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static dev.jtcp.sim.scenario.Ladder.t;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection teardown: close, close-three-way, simultaneous-close, half-close, fin-wait-2-close,
 * fin-wait-2-shutdown, time-wait (REPORT.md items 7 and 15).
 */
class CloseScenariosTest {
    /** Level 3 of the HZ=250 timer wheel (timeouts of 16.4-131 s) has a granularity of 512 jiffies. */
    static final long WHEEL_SLACK_60S = ns("2.048");

    static ScenarioParams exact() {
        return ScenarioParams.defaults().withHz(1000, false);
    }

    @Nested
    class Close {
        final Ladder l = Ladder.run("close");

        @Test
        void ladder() {
            assertThat(l.sentLines(CLIENT)).containsExactly(
                    "0.000000 S 0:0 win 64240",
                    "0.050000 . 1:1 ack 1 win 63",
                    "0.050000 P. 1:6 ack 1 win 63",      // write("hello")
                    "0.050000 F. 6:6 ack 1 win 63",      // close(): FIN in its own segment (the data was already sent)
                    "1.100000 . 7:7 ack 2 win 63");      // ACK of the server's FIN, entering TIME_WAIT
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.075000 . 1:1 ack 6 win 64",       // data: quick ACK
                    "0.116000 . 1:1 ack 7 win 64",       // FIN: delayed ACK (ping-pong after a FIN), 41 ms
                    "1.075000 F. 1:1 ack 7 win 64");     // close() 1 s after EOF
        }

        @Test
        void finIsAckedByTheDelayedAckTimer() {
            Ladder.Seg finAck = l.sent(SERVER).get(2);
            assertThat(finAck.why()).contains("delayed ACK");
            // Item 7a: ato 40 ms (10 jiffies) + up to one tick on the wheel.
            long delay = finAck.tNs() - ns("0.075");
            assertThat(delay).isBetween(ns("0.040"), ns("0.044"));
            assertThat(l.mib(SERVER, Mib.TcpExtDelayedACKs)).isEqualTo(1);
        }

        @Test
        void clientGoesThroughTimeWait() {
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c))
                    .isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "FIN_WAIT1"))).isEqualTo("0.050000");
            assertThat(t(l.enteredNs(CLIENT, c, "FIN_WAIT2"))).isEqualTo("0.141000");
            assertThat(t(l.enteredNs(CLIENT, c, "TIME_WAIT"))).isEqualTo("1.100000");
            assertThat(t(l.enteredNs(CLIENT, c, "CLOSE"))).isEqualTo("61.440000");
            long tw = l.enteredNs(CLIENT, c, "CLOSE") - l.enteredNs(CLIENT, c, "TIME_WAIT");
            assertThat(tw).isBetween(ns("60"), ns("60") + WHEEL_SLACK_60S);
            assertThat(l.stateChange(CLIENT, c, "CLOSE").why()).contains("TIME_WAIT over");
            // Nothing is sent when TIME_WAIT ends.
            assertThat(l.sent(CLIENT)).noneMatch(s -> s.tNs() > ns("1.1"));
            List<TimerEvent> tw2 = l.timers(CLIENT, "time_wait", "arm");
            assertThat(tw2).hasSize(1);
            assertThat(t(tw2.get(0).tNs())).isEqualTo("1.100000");
            assertThat(t(tw2.get(0).expiresNs())).isEqualTo("61.440000");
            assertThat(l.mib(CLIENT, Mib.TcpExtTW)).isEqualTo(1);
        }

        @Test
        void serverIsThePassiveCloser() {
            String c = l.connection(SERVER);
            assertThat(l.statePath(SERVER, c)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE");
            assertThat(t(l.enteredNs(SERVER, c, "CLOSE_WAIT"))).isEqualTo("0.075000");
            assertThat(t(l.enteredNs(SERVER, c, "LAST_ACK"))).isEqualTo("1.075000");
            assertThat(t(l.enteredNs(SERVER, c, "CLOSE"))).isEqualTo("1.125000");
            assertThat(l.callLines(SERVER, "read", "close"))
                    .containsExactly("0.075000 read=5", "0.075000 read=0", "1.075000 close=0");
            assertThat(l.callLines(CLIENT, "write", "close")).containsExactly("0.050000 write=5", "0.050000 close=0");
        }

        @Test
        void timeWaitIsExactly60sWithExactTimers() {
            Ladder x = Ladder.run("close", exact());
            String c = x.connection(CLIENT);
            assertThat(x.enteredNs(CLIENT, c, "CLOSE") - x.enteredNs(CLIENT, c, "TIME_WAIT")).isEqualTo(ns("60"));
        }
    }

    @Nested
    class CloseThreeWay {
        final Ladder l = Ladder.run("close-three-way");

        @Test
        void serverFinCarriesTheAckOfTheClientFin() {
            // Item 7a (i7a3): the application closes as soon as read() returns 0: FIN and ACK merge.
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.075000 . 1:1 ack 6 win 64",
                    "0.075000 F. 1:1 ack 7 win 64");
            assertThat(l.sentLines(CLIENT)).containsExactly(
                    "0.000000 S 0:0 win 64240",
                    "0.050000 . 1:1 ack 1 win 63",
                    "0.050000 P. 1:6 ack 1 win 63",
                    "0.050000 F. 6:6 ack 1 win 63",
                    "0.100000 . 7:7 ack 2 win 63");
            assertThat(l.mib(SERVER, Mib.TcpExtDelayedACKs)).isZero();
        }

        @Test
        void states() {
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c))
                    .isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "FIN_WAIT2"))).isEqualTo("0.100000");
            assertThat(t(l.enteredNs(CLIENT, c, "TIME_WAIT"))).isEqualTo("0.100000");
            assertThat(t(l.enteredNs(CLIENT, c, "CLOSE"))).isEqualTo("61.440000");
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE");
            assertThat(t(l.enteredNs(SERVER, s, "LAST_ACK"))).isEqualTo("0.075000");
            assertThat(t(l.enteredNs(SERVER, s, "CLOSE"))).isEqualTo("0.125000");
        }
    }

    @Nested
    class SimultaneousClose {
        final Ladder l = Ladder.run("simultaneous-close");

        @Test
        void finsCrossAndEachIsAckedAtOnce() {
            // Item 15a/15b: FIN_WAIT1 + FIN -> immediate ACK (seq 2 ack 2), CLOSING; its ACK -> TIME_WAIT.
            assertThat(l.sentLines(CLIENT)).containsSubsequence(
                    "1.000000 F. 1:1 ack 1 win 63",
                    "1.025000 . 2:2 ack 2 win 63");
            assertThat(l.sentLines(SERVER)).containsSubsequence(
                    "1.000000 F. 1:1 ack 1 win 64",
                    "1.025000 . 2:2 ack 2 win 64");
            assertThat(l.sent(CLIENT).getLast().why()).contains("simultaneous close");
        }

        @Test
        void bothSidesGoThroughClosingAndTimeWait() {
            for (String h : List.of(CLIENT, SERVER)) {
                String c = l.connection(h);
                assertThat(l.statePath(h, c)).endsWith("ESTABLISHED FIN_WAIT1 CLOSING TIME_WAIT CLOSE");
                assertThat(t(l.enteredNs(h, c, "FIN_WAIT1"))).isEqualTo("1.000000");
                assertThat(t(l.enteredNs(h, c, "CLOSING"))).isEqualTo("1.025000");
                assertThat(t(l.enteredNs(h, c, "TIME_WAIT"))).isEqualTo("1.050000");
                assertThat(t(l.enteredNs(h, c, "CLOSE"))).isEqualTo("61.440000");
                assertThat(l.mib(h, Mib.TcpExtTW)).isEqualTo(1);
            }
        }
    }

    @Nested
    class HalfClose {
        final Ladder l = Ladder.run("half-close");

        @Test
        void clientKeepsReceivingAfterShutdownWr() {
            assertThat(l.callLines(CLIENT, "shutdown")).containsExactly("0.050000 shutdown=0");
            assertThat(l.sentLines(CLIENT)).contains("0.050000 F. 6:6 ack 1 win 63");
            // The server sends 32 bytes every 200 ms for 1 s from CLOSE_WAIT, then its FIN.
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.075000 . 1:1 ack 6 win 64",
                    "0.075000 P. 1:33 ack 7 win 64",       // the reply carries the ACK of the FIN
                    "0.275000 P. 33:65 ack 7 win 64",
                    "0.475000 P. 65:97 ack 7 win 64",
                    "0.675000 P. 97:129 ack 7 win 64",
                    "0.875000 P. 129:161 ack 7 win 64",
                    "1.075000 F. 161:161 ack 7 win 64");
            // Item 15c: the client in FIN_WAIT2 ACKs data at once and reads it.
            assertThat(l.sentLines(CLIENT)).containsSubsequence(
                    "0.100000 . 7:7 ack 33 win 63", "0.300000 . 7:7 ack 65 win 63", "0.500000 . 7:7 ack 97 win 63",
                    "0.700000 . 7:7 ack 129 win 63", "0.900000 . 7:7 ack 161 win 63", "1.100000 . 7:7 ack 162 win 63");
            assertThat(l.callLines(CLIENT, "read")).containsExactly("0.100000 read=32", "0.300000 read=32",
                    "0.500000 read=32", "0.700000 read=32", "0.900000 read=32", "1.100000 read=0");
            assertThat(l.callLines(SERVER, "read")).containsExactly("0.075000 read=5", "0.075000 read=0");
        }

        @Test
        void theSideThatSentTheFirstFinEndsInTimeWait() {
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c))
                    .isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "FIN_WAIT2"))).isEqualTo("0.100000");
            assertThat(t(l.enteredNs(CLIENT, c, "TIME_WAIT"))).isEqualTo("1.100000");
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE");
            assertThat(t(l.enteredNs(SERVER, s, "CLOSE"))).isEqualTo("1.125000");
            // close() in TIME_WAIT is a no-op on the wire.
            assertThat(l.callLines(CLIENT, "close")).containsExactly("1.100000 close=0");
            assertThat(l.sent(CLIENT)).noneMatch(x -> x.tNs() > ns("1.1"));
        }
    }

    @Nested
    class FinWait2Close {
        final Ladder l = Ladder.run("fin-wait-2-close");

        @Test
        void orphanedFinWait2EndsSilentlyAfterTcpFinTimeout() {
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c)).isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "FIN_WAIT2"))).isEqualTo("0.101000");
            assertThat(t(l.enteredNs(CLIENT, c, "CLOSE"))).isEqualTo("61.440000");
            long fw2 = l.enteredNs(CLIENT, c, "CLOSE") - l.enteredNs(CLIENT, c, "FIN_WAIT2");
            assertThat(fw2).isBetween(ns("60"), ns("60") + WHEEL_SLACK_60S);
            assertThat(l.stateChange(CLIENT, c, "CLOSE").why()).contains("tcp_fin_timeout");
            assertThat(l.timerFireTimes(CLIENT, "fin_wait2")).containsExactly("61.440000");
            // Item 7b: nothing is sent when it expires.
            assertThat(l.sentLines(CLIENT)).containsExactly(
                    "0.000000 S 0:0 win 64240", "0.050000 . 1:1 ack 1 win 63", "0.050000 F. 1:1 ack 1 win 63");
        }

        @Test
        void finWithoutDataIsAckedAfterOneTick() {
            // Item 7a/8c: ato is still 0 when no data was ever received: the delayed ACK fires at the next tick.
            assertThat(l.sentLines(SERVER)).containsExactly("0.025000 S. 0:0 ack 1 win 65160", "0.076000 . 1:1 ack 2 win 64");
            assertThat(l.sent(SERVER).get(1).why()).contains("delayed ACK");
        }

        @Test
        void serverStaysInCloseWait() {
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT");
            assertThat(l.callLines(SERVER, "read")).containsExactly("0.075000 read=0");
            assertThat(l.mib(SERVER, Mib.TcpCurrEstab)).isEqualTo(1);   // CLOSE_WAIT counts as established
        }

        @Test
        void exactTimersAndTcpFinTimeout() {
            Ladder x = Ladder.run("fin-wait-2-close", exact());
            String c = x.connection(CLIENT);
            assertThat(x.enteredNs(CLIENT, c, "CLOSE") - x.enteredNs(CLIENT, c, "FIN_WAIT2")).isEqualTo(ns("60"));
            Ladder y = Ladder.run("fin-wait-2-close", exact().withSettings(List.of("net.ipv4.tcp_fin_timeout=30")));
            String d = y.connection(CLIENT);
            assertThat(y.enteredNs(CLIENT, d, "CLOSE") - y.enteredNs(CLIENT, d, "FIN_WAIT2")).isEqualTo(ns("30"));
        }
    }

    @Nested
    class FinWait2Shutdown {
        final Ladder l = Ladder.run("fin-wait-2-shutdown");

        @Test
        void notOrphanedFinWait2LastsAsLongAsThePeerKeepsItOpen() {
            assertThat(t(l.endNs())).isEqualTo("130.000000");
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c)).isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2");
            assertThat(t(l.enteredNs(CLIENT, c, "FIN_WAIT2"))).isEqualTo("0.101000");
            assertThat(l.timers(CLIENT, "fin_wait2", "arm")).isEmpty();
            // Item 7b (i7b2): no packet in 130 s.
            assertThat(l.sent(CLIENT)).noneMatch(s -> s.tNs() > ns("0.05"));
            assertThat(l.sent(SERVER)).noneMatch(s -> s.tNs() > ns("0.076"));
            assertThat(l.statePath(SERVER)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT");
            assertThat(l.callLines(CLIENT, "shutdown")).containsExactly("0.050000 shutdown=0");
        }
    }

    @Nested
    class TimeWait {
        final Ladder l = Ladder.run("time-wait");

        @Test
        void activeCloserHoldsTheTupleFor2Msl() {
            String c = l.connection(CLIENT);
            assertThat(l.statePath(CLIENT, c))
                    .isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(t(l.enteredNs(CLIENT, c, "TIME_WAIT"))).isEqualTo("0.100000");
            assertThat(t(l.enteredNs(CLIENT, c, "CLOSE"))).isEqualTo("61.440000");
            assertThat(l.timerFireTimes(CLIENT, "time_wait")).containsExactly("61.440000");
            assertThat(t(l.endNs())).isEqualTo("61.440000");
            assertThat(l.sent(CLIENT)).noneMatch(s -> s.tNs() > ns("0.1"));
            assertThat(l.statePath(SERVER)).endsWith("CLOSE_WAIT LAST_ACK CLOSE");
        }

        @Test
        void timeWaitIsTcpTimewaitLenNotTcpFinTimeout() {
            // TCP_TIMEWAIT_LEN is fixed at 60 s, independent of tcp_fin_timeout.
            Ladder x = Ladder.run("time-wait", exact().withSettings(List.of("net.ipv4.tcp_fin_timeout=10")));
            String c = x.connection(CLIENT);
            assertThat(x.enteredNs(CLIENT, c, "CLOSE") - x.enteredNs(CLIENT, c, "TIME_WAIT")).isEqualTo(ns("60"));
        }
    }
}
