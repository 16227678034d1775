package dev.jtcp.sim.scenario;

import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Mib;
import dev.jtcp.trace.CallEvent;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static dev.jtcp.sim.scenario.Ladder.t;
import static org.assertj.core.api.Assertions.assertThat;

/** Data and ACK behaviour: piggyback, delayed-ack, urgent (REPORT.md items 5, 6, 12). */
class DataScenariosTest {

    @Nested
    class Piggyback {
        final Ladder l = Ladder.run("piggyback");

        @Test
        void serverLadder() {
            // Item 6: request 1 is ACKed alone at once (quick-ack), the reply goes separately; replies 2 and 3
            // (sent within the ATO: ping-pong) carry the ACK; request 4, answered 500 ms late, gets a lone
            // delayed ACK ~40 ms after it arrived.
            assertThat(l.sentLines(SERVER)).containsExactly(
                    "0.025000 S. 0:0 ack 1 win 65160",
                    "0.175000 . 1:1 ack 6 win 64",
                    "0.175000 P. 1:6 ack 6 win 64",
                    "0.225000 P. 6:11 ack 11 win 64",
                    "0.275000 P. 11:16 ack 16 win 64",
                    "0.368000 . 16:16 ack 21 win 64",
                    "0.825000 P. 16:21 ack 21 win 64");
            assertThat(l.sent(SERVER).get(1).why()).contains("quick-ack");
            assertThat(l.sent(SERVER).get(5).why()).contains("delayed ACK");
            long delay = l.sent(SERVER).get(5).tNs() - ns("0.325");
            assertThat(delay).isBetween(ns("0.040"), ns("0.044"));
            assertThat(l.mib(SERVER, Mib.TcpExtDelayedACKs)).isEqualTo(1);
        }

        @Test
        void clientLadder() {
            assertThat(l.sentLines(CLIENT)).containsExactly(
                    "0.000000 S 0:0 win 64240",
                    "0.050000 . 1:1 ack 1 win 63",
                    "0.150000 P. 1:6 ack 1 win 63",
                    "0.200000 . 6:6 ack 6 win 63",        // reply 1: first data the client receives, quick ACK
                    "0.200000 P. 6:11 ack 6 win 63",
                    "0.250000 P. 11:16 ack 11 win 63",    // ping-pong from here on: requests carry the ACK
                    "0.300000 P. 16:21 ack 16 win 63",
                    "0.892000 . 21:21 ack 21 win 63");    // reply 4: delayed ACK, the application sends nothing more
            assertThat(l.callLines(CLIENT, "read")).containsExactly(
                    "0.200000 read=5", "0.250000 read=5", "0.300000 read=5", "0.850000 read=5");
            assertThat(l.calls(SERVER, "read").stream().map(CallEvent::detail))
                    .containsExactly("\"req1!\"", "\"req2!\"", "\"req3!\"", "\"req4!\"");
        }

        @Test
        void connectionStaysOpen() {
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED");
            assertThat(l.statePath(SERVER)).isEqualTo("LISTEN SYN_RECV ESTABLISHED");
        }

        @Test
        void pingpongEndsWhenTheDelayedAckFires() {
            // Item 6b (the exchange continued): after the timer-driven ACK the socket has left ping-pong mode.
            // Request 5 (after a gap longer than the RTO) is ACKed at once, reply 100 ms later; request 6 is ACKed
            // at once, reply 10 ms later (within the ATO: ping-pong again); request 7 gets a delayed lone ACK.
            Simulation sim = ScenarioParams.defaults().twoHosts(50).build();
            sim.app(SERVER, p -> {
                SimSocket ls = p.socket();
                ls.bind(80);
                ls.listen(128);
                SimSocket c = ls.accept();
                for (int i = 0; i < 3; i++) {
                    c.write(c.read(5).data());
                }
                byte[] r4 = c.read(5).data();
                p.sleep(Duration.ofMillis(500));
                c.write(r4);
                byte[] r5 = c.read(5).data();
                p.sleep(Duration.ofMillis(100));
                c.write(r5);
                byte[] r6 = c.read(5).data();
                p.sleep(Duration.ofMillis(10));
                c.write(r6);
                c.read(5);
                p.sleep(Duration.ofSeconds(1));
            });
            sim.app(CLIENT, p -> {
                SimSocket s = p.socket();
                s.connect(ScenarioParams.SERVER_ADDR, 80);
                p.sleep(Duration.ofMillis(100));
                for (int i = 1; i <= 4; i++) {
                    s.write("req" + i + "!");
                    s.read(5);
                }
                p.sleepUntil(Duration.ofMillis(950));
                s.write("req5!");
                s.read(5);
                p.sleepUntil(Duration.ofMillis(1200));
                s.write("req6!");
                s.read(5);
                p.sleepUntil(Duration.ofMillis(1400));
                s.write("req7!");
                p.sleep(Duration.ofSeconds(1));
            });
            sim.run(Duration.ofMinutes(1));
            Ladder x = Ladder.of("piggyback continued", sim);
            sim.close();
            assertThat(x.sentLines(SERVER).stream().filter(line -> Double.parseDouble(line.split(" ")[0]) > 0.9)).containsExactly(
                    "0.975000 . 21:21 ack 26 win 64",     // request 5: immediate
                    "1.075000 P. 21:26 ack 26 win 64",
                    "1.225000 . 26:26 ack 31 win 64",     // request 6: immediate
                    "1.235000 P. 26:31 ack 31 win 64",
                    "1.468000 . 31:31 ack 36 win 64");    // request 7: delayed ACK (ping-pong again)
        }
    }

    @Nested
    class DelayedAck {
        final Ladder l = Ladder.run("delayed-ack");

        List<Ladder.Seg> dataAcks() {
            return l.sent(SERVER).stream().filter(s -> s.isPureAck() && s.ack() > 1).toList();
        }

        @Test
        void sixteenQuickAcksThenDelayedAcks() {
            List<Ladder.Seg> acks = dataAcks();
            assertThat(acks).hasSize(20);
            // Item 5a: quick-ack budget min(rcv_wnd / (2 x rcv_mss), 16) = 16, one consumed per ACK.
            for (int i = 0; i < 16; i++) {
                Ladder.Seg a = acks.get(i);
                assertThat(a.brief()).isEqualTo(t(ns("0.175") + i * ns("0.1")) + " . 1:1 ack " + (6 + 5 * i) + " win 64");
                assertThat(a.why()).isEqualTo("quick-ack mode (" + (16 - i) + " left): ACK now");
            }
            assertThat(acks.subList(16, 20).stream().map(Ladder.Seg::brief)).containsExactly(
                    "1.816000 . 1:1 ack 86 win 64",
                    "1.928000 . 1:1 ack 91 win 64",
                    "2.032000 . 1:1 ack 96 win 64",
                    "2.136000 . 1:1 ack 101 win 64");
            assertThat(acks.subList(16, 20)).allSatisfy(a -> assertThat(a.why()).contains("delayed ACK"));
            assertThat(l.mib(SERVER, Mib.TcpExtDelayedACKs)).isEqualTo(4);
        }

        @Test
        void delaysAreTheAtoThenCappedByTheRtt() {
            List<Ladder.Seg> acks = dataAcks();
            List<Ladder.Seg> data = l.received(SERVER).stream().filter(s -> s.len() > 0).toList();
            assertThat(data).hasSize(20);
            // The 17th: ato 40 ms + up to a tick. Later: ato doubled by the timer but capped by srtt
            // (50 ms -> 13 jiffies = 52 ms), + up to a tick.
            assertThat(acks.get(16).tNs() - data.get(16).tNs()).isBetween(ns("0.040"), ns("0.044"));
            for (int i = 17; i < 20; i++) {
                assertThat(acks.get(i).tNs() - data.get(i).tNs()).as("ACK %d", i + 1).isBetween(ns("0.052"), ns("0.056"));
            }
        }

        @Test
        void nominalDelaysWithExactTimers() {
            Ladder x = Ladder.run("delayed-ack", ScenarioParams.defaults().withHz(1000, false));
            List<Ladder.Seg> acks = x.sent(SERVER).stream().filter(s -> s.isPureAck() && s.ack() > 1).toList();
            List<Ladder.Seg> data = x.received(SERVER).stream().filter(s -> s.len() > 0).toList();
            assertThat(IntStream.range(0, 16).mapToLong(i -> acks.get(i).tNs() - data.get(i).tNs()).distinct())
                    .containsExactly(0L);
            assertThat(acks.get(16).tNs() - data.get(16).tNs()).isEqualTo(ns("0.040"));
            assertThat(acks.get(17).tNs() - data.get(17).tNs()).isEqualTo(ns("0.050"));
        }

        @Test
        void windowStaysAt64AndTheLateReadSendsNothing() {
            assertThat(l.sent(SERVER).stream().skip(1)).allSatisfy(s -> assertThat(s.win()).isEqualTo(64));
            assertThat(l.callLines(SERVER, "read")).containsExactly("3.000000 read=100");
            assertThat(l.sent(SERVER)).noneMatch(s -> s.tNs() >= ns("3"));
            assertThat(t(l.endNs())).isEqualTo("3.000000");
        }

        @Test
        void pendingAckForASmallSegmentGoesAtTheApplicationsRead() {
            // Item 5a variant (i5b): the application reads each segment 10 ms after it arrives; after the 16
            // quick ACKs, the owed ACK is sent by the read (tcp_cleanup_rbuf), not by the timer.
            Simulation sim = ScenarioParams.defaults().twoHosts(50).build();
            sim.app(SERVER, p -> {
                SimSocket ls = p.socket();
                ls.bind(80);
                ls.listen(128);
                SimSocket c = ls.accept();
                for (int i = 0; i < 20; i++) {
                    p.sleepUntil(Duration.ofMillis(185 + 100 * i));
                    c.read(100);
                }
            });
            sim.app(CLIENT, p -> {
                SimSocket s = p.socket();
                s.connect(ScenarioParams.SERVER_ADDR, 80);
                for (int i = 0; i < 20; i++) {
                    p.sleepUntil(Duration.ofMillis(150 + 100 * i));
                    s.write("abcde");
                }
                p.sleep(Duration.ofSeconds(1));
            });
            sim.run(Duration.ofMinutes(1));
            Ladder x = Ladder.of("delayed-ack, reading", sim);
            sim.close();
            List<Ladder.Seg> acks = x.sent(SERVER).stream().filter(a -> a.isPureAck() && a.ack() > 1).toList();
            assertThat(acks).hasSize(20);
            assertThat(acks.subList(16, 20)).extracting(Ladder.Seg::brief).containsExactly(
                    "1.785000 . 1:1 ack 86 win 64", "1.885000 . 1:1 ack 91 win 64",
                    "1.985000 . 1:1 ack 96 win 64", "2.085000 . 1:1 ack 101 win 64");
            assertThat(acks.subList(16, 20)).allSatisfy(a -> assertThat(a.why()).contains("tcp_cleanup_rbuf"));
            assertThat(x.mib(SERVER, Mib.TcpExtDelayedACKs)).isZero();
        }

        @Test
        void fastPathAcksAreCountedAsHpAcks() {
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPHPAcks)).isPositive();
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPPureAcks)).isLessThan(20);
        }

        @Test
        void nagleHoldsASmallSegmentWhileTheLastOneIsUnacknowledged() {
            // write 19 at 1.950 waits for the ACK of write 18 (delayed until 1.928, arriving 1.953).
            assertThat(l.callLines(CLIENT, "write")).contains("1.950000 write=5", "2.050000 write=5");
            assertThat(l.sentLines(CLIENT)).contains("1.953000 P. 91:96 ack 1 win 63", "2.057000 P. 96:101 ack 1 win 63");
            assertThat(l.sent(CLIENT).stream().filter(s -> s.seq() == 91).findFirst().orElseThrow().why())
                    .contains("ACK arrived");
        }
    }

    @Nested
    class Urgent {
        final Ladder l = Ladder.run("urgent");

        @Test
        void urgentPointerPointsOnePastTheUrgentByte() {
            // Item 12: "abc", then send(MSG_OOB) "!" with URG and urg 1, then "def" without URG.
            for (String conn : l.connections(CLIENT)) {
                List<String> data = l.sent(CLIENT).stream().filter(s -> s.src().equals(conn.split(">")[0]) && s.len() > 0)
                        .map(s -> s.flags() + " " + s.seq() + ":" + s.end() + (s.urg() != null ? " urg " + s.urg() : ""))
                        .toList();
                assertThat(data).containsExactly("P. 1:4", "P.U 4:5 urg 1", "P. 5:8");
            }
            assertThat(l.callLines(CLIENT, "send")).containsExactly("0.070000 send=1", "0.470000 send=1");
        }

        @Test
        void outOfBandReceiver() {
            List<CallEvent> calls = l.events().stream()
                    .filter(e -> e instanceof CallEvent c && c.host().equals(SERVER) && c.fd() == 4
                            && (c.call().equals("read") || c.call().equals("recv")))
                    .map(e -> (CallEvent) e).toList();
            assertThat(calls).extracting(c -> c.call() + "(" + c.args() + ")=" + c.resultText() + " " + c.detail())
                    .containsExactly(
                            "recv(1, MSG_OOB)=1 \"!\"",
                            "read(100)=3 \"abc\"",          // a read stops at the urgent mark
                            "read(100)=3 \"def\"",          // the urgent byte is not delivered inline
                            "recv(1, MSG_OOB)=EINVAL ");    // already read
        }

        @Test
        void inlineReceiver() {
            List<CallEvent> calls = l.events().stream()
                    .filter(e -> e instanceof CallEvent c && c.host().equals(SERVER) && c.fd() == 5
                            && (c.call().equals("read") || c.call().equals("recv")))
                    .map(e -> (CallEvent) e).toList();
            assertThat(calls).extracting(c -> c.call() + "(" + c.args() + ")=" + c.resultText() + " " + c.detail())
                    .containsExactly(
                            "recv(1, MSG_OOB)=EINVAL ",     // SO_OOBINLINE: no out-of-band byte
                            "read(100)=3 \"abc\"",          // still stops at the mark
                            "read(100)=4 \"!def\"");        // urgent byte inline
        }

        @Test
        void eachSegmentIsQuickAckedAndBothConnectionsClose() {
            assertThat(l.sentLines(SERVER)).contains("0.075000 . 1:1 ack 4 win 64", "0.095000 . 1:1 ack 5 win 64",
                    "0.115000 . 1:1 ack 8 win 64");
            List<String> clientConns = l.connections(CLIENT);
            assertThat(clientConns).hasSize(2);
            for (String c : clientConns) {
                assertThat(l.statePath(CLIENT, c)).isEqualTo("CLOSE SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE");
            }
            for (String s : l.connections(SERVER)) {
                assertThat(l.statePath(SERVER, s))
                        .isEqualTo("LISTEN SYN_RECV ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            }
            // The client's close() right after read() = 0 merges its FIN with the ACK of the server's FIN.
            assertThat(l.sentLines(CLIENT)).contains("0.400000 F. 8:8 ack 2 win 63", "0.800000 F. 8:8 ack 2 win 63");
            assertThat(l.mib(CLIENT, Mib.TcpActiveOpens)).isEqualTo(2);
            assertThat(l.mib(SERVER, Mib.TcpPassiveOpens)).isEqualTo(2);
        }
    }
}
