package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Fault;
import dev.jtcp.sim.SimPacket;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Mib;
import dev.jtcp.tcp.TcpInfo;
import dev.jtcp.trace.CallEvent;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection establishment: handshake, syn-lost, synack-lost, ack-lost, ack-lost-data. Expected values
 * are Linux 6.18's (REPORT.md items 1-4) at HZ=250 with the timer wheel, unless a test says otherwise.
 */
class HandshakeScenarioTest {
    static final String SYN_OPTS = "mss 1460,sackOK,TS val \\d+ ecr 0,nop,wscale 10";

    static ScenarioParams exact() {
        return ScenarioParams.defaults().withHz(1000, false);
    }

    // ================================================================ handshake

    @Nested
    class Handshake {
        final Ladder l = Ladder.run("handshake");

        @Test
        void ladderIsSynSynAckAck() {
            assertThat(l.lines(s -> true)).containsExactly(
                    "0.000000 client send S 0:0 win 64240",
                    "0.025000 server recv S 0:0 win 64240",
                    "0.025000 server send S. 0:0 ack 1 win 65160",
                    "0.050000 client recv S. 0:0 ack 1 win 65160",
                    "0.050000 client send . 1:1 ack 1 win 63",
                    "0.075000 server recv . 1:1 ack 1 win 63");
        }

        @Test
        void optionsOnTheWireAreLinuxs() {
            Ladder.Seg syn = l.sent(CLIENT).get(0);
            Ladder.Seg synAck = l.sent(SERVER).get(0);
            Ladder.Seg ack = l.sent(CLIENT).get(1);
            // 1a: SYN <mss 1460,sackOK,TS val x ecr 0,nop,wscale 10>, window 64240 (44 x 1460), no ECN.
            assertThat(syn.opts()).matches(SYN_OPTS);
            assertThat(syn.flags()).isEqualTo("S");
            // 1b: SYN-ACK window 65160 (45 x 1448), same option layout, ecr = the SYN's TS val.
            int synTs = syn.raw().tcp().options().tsVal();
            assertThat(synAck.opts()).isEqualTo("mss 1460,sackOK,TS val " + Integer.toUnsignedString(synAck.raw().tcp().options().tsVal())
                    + " ecr " + Integer.toUnsignedString(synTs) + ",nop,wscale 10");
            // Third ACK: <nop,nop,TS>, TS val advanced by the 50 ms elapsed on a 1 ms clock.
            int ackTs = ack.raw().tcp().options().tsVal();
            assertThat(ack.opts()).isEqualTo("nop,nop,TS val " + Integer.toUnsignedString(ackTs) + " ecr "
                    + Integer.toUnsignedString(synAck.raw().tcp().options().tsVal()));
            assertThat(ackTs - synTs).isEqualTo(50);
            assertThat(syn.raw().tcp().options().windowScale()).isEqualTo(10);
            assertThat(ack.raw().tcp().options().mss()).isLessThanOrEqualTo(0);
        }

        @Test
        void statesAndCalls() {
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED");
            assertThat(l.statePath(SERVER)).isEqualTo("LISTEN SYN_RECV ESTABLISHED");
            assertThat(Ladder.t(l.enteredNs(CLIENT, l.connection(CLIENT), "ESTABLISHED"))).isEqualTo("0.050000");
            assertThat(Ladder.t(l.enteredNs(SERVER, l.connection(SERVER), "ESTABLISHED"))).isEqualTo("0.075000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.050000 connect=0");
            assertThat(l.callLines(SERVER, "accept")).containsExactly("0.075000 accept=4");
            // The applications idle 1 s and leave their sockets open: the connection stays ESTABLISHED.
            assertThat(Ladder.t(l.endNs())).isEqualTo("1.075000");
        }

        @Test
        void counters() {
            assertThat(l.mib(CLIENT, Mib.TcpActiveOpens)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpCurrEstab)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpOutSegs)).isEqualTo(2);
            assertThat(l.mib(SERVER, Mib.TcpPassiveOpens)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpCurrEstab)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpOutSegs)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs) + l.mib(SERVER, Mib.TcpRetransSegs)).isZero();
        }

        @Test
        void tcpInfoAfterTheHandshake() {
            // Item 1c: rto 252 ms (srtt 50 + rttvar 200, in 4 ms jiffies), rtt/rttvar = sample / half of it,
            // ato 0 until data arrives, rcv_mss 536, mss 1448 (1460 - timestamps), rcv_ssthresh 64088, cwnd 10.
            Simulation sim = ScenarioParams.defaults().twoHosts(50).build();
            TcpInfo[] info = new TcpInfo[2];
            TcpInfo[] afterData = new TcpInfo[1];
            sim.app(SERVER, p -> {
                SimSocket ls = p.socket();
                ls.bind(80);
                ls.listen(128);
                SimSocket c = ls.accept();
                info[1] = c.info();
                c.write(c.read(5).data());
            });
            sim.app(CLIENT, p -> {
                SimSocket s = p.socket();
                s.connect(ScenarioParams.SERVER_ADDR, 80);
                info[0] = s.info();
                p.sleep(Duration.ofMillis(50));
                s.write("hello");
                s.read(5);
                p.sleep(Duration.ofMillis(100));
                afterData[0] = s.info();
            });
            sim.run(Duration.ofSeconds(5));
            sim.close();
            for (TcpInfo i : info) {
                assertThat(i.state()).isEqualTo("ESTABLISHED");
                assertThat(i.rtoUs()).isEqualTo(252_000);
                assertThat(i.rttUs()).isEqualTo(50_000);
                assertThat(i.rttvarUs()).isEqualTo(25_000);
                assertThat(i.atoUs()).isZero();
                assertThat(i.rcvMss()).isEqualTo(536);
                assertThat(i.sndMss()).isEqualTo(1448);
                assertThat(i.advmss()).isEqualTo(1448);
                assertThat(i.rcvSsthresh()).isEqualTo(64088);
                assertThat(i.sndCwnd()).isEqualTo(10);
                assertThat(i.sndWscale()).isEqualTo(10);
                assertThat(i.rcvWscale()).isEqualTo(10);
                assertThat(i.optTimestamps() && i.optSack() && i.optWscale()).isTrue();
            }
            assertThat(info[0].sndWnd()).isEqualTo(65160);   // the SYN-ACK's window, unscaled
            assertThat(info[1].sndWnd()).isEqualTo(63 << 10);
            // After one 5-byte exchange: ato 40 ms, rcv_mss still 536 (5-byte segments do not raise it).
            assertThat(afterData[0].atoUs()).isEqualTo(40_000);
            assertThat(afterData[0].rcvMss()).isEqualTo(536);
            assertThat(afterData[0].rtoUs()).isEqualTo(252_000);
        }

        @Test
        void firstWindowAfterTheHandshakeIs64OnThePassiveSide() {
            // 1b: the server's first window after the handshake is 64 (65536 >> 10), the client's 63.
            Ladder p = Ladder.run("piggyback");
            Ladder.Seg firstServerAck = p.sent(SERVER).get(1);
            assertThat(firstServerAck.brief()).isEqualTo("0.175000 . 1:1 ack 6 win 64");
            assertThat(p.sent(CLIENT).get(2).brief()).isEqualTo("0.150000 P. 1:6 ack 1 win 63");
        }
    }

    // ================================================================ syn-lost

    @Nested
    class SynLost {
        @Test
        void defaultScheduleOnTheTimerWheel() {
            Ladder l = Ladder.run("syn-lost");
            // Item 2a: 5 linear retransmissions 1 s apart, then doubling; each nominal instant + wheel slack.
            assertThat(l.sendTimes(CLIENT, s -> s.flags().equals("S"))).containsExactly(
                    "0.000000", "1.024000", "2.048000", "3.072000", "4.096000", "5.120000",
                    "7.136000", "11.264000", "19.456000", "35.584000", "69.632000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("135.168000 connect=ETIMEDOUT");
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT CLOSE");
            assertThat(l.stateChange(CLIENT, l.connection(CLIENT), "CLOSE").why()).contains("SYN retries exhausted");
            // Every SYN is lost in the network, by the scenario's rule.
            assertThat(l.networkDrops()).hasSize(11).allSatisfy(d -> {
                assertThat(d.flags()).isEqualTo("S");
                assertThat(d.why()).isEqualTo("fault rule: every SYN from the client");
            });
            assertThat(l.received(SERVER)).isEmpty();
            assertThat(l.mib(CLIENT, Mib.TcpActiveOpens)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpAttemptFails)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPSynRetrans)).isEqualTo(10);
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isEqualTo(10);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPTimeouts)).isEqualTo(11);   // 10 retransmissions + the fatal expiry
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPAbortOnTimeout)).isEqualTo(1);
        }

        @Test
        void retransmittedSynsAreIdenticalExceptTsVal() {
            Ladder l = Ladder.run("syn-lost");
            List<Ladder.Seg> syns = l.sent(CLIENT);
            Ladder.Seg first = syns.get(0);
            int ts0 = first.raw().tcp().options().tsVal();
            for (Ladder.Seg s : syns) {
                assertThat(s.raw().tcp().seq()).isEqualTo(first.raw().tcp().seq());
                assertThat(s.win()).isEqualTo(64240);
                assertThat(s.opts()).matches(SYN_OPTS);
                // TS val is the current 1 ms clock: it advances by the elapsed milliseconds.
                assertThat((long) (s.raw().tcp().options().tsVal() - ts0)).isEqualTo((s.tNs() - first.tNs()) / 1_000_000);
            }
        }

        @Test
        void defaultScheduleNominal() {
            Ladder l = Ladder.run("syn-lost", exact());
            assertThat(l.sendTimes(CLIENT, s -> s.flags().equals("S"))).containsExactly(
                    "0.000000", "1.000000", "2.000000", "3.000000", "4.000000", "5.000000",
                    "7.000000", "11.000000", "19.000000", "35.000000", "67.000000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("131.000000 connect=ETIMEDOUT");
        }

        @Test
        void textbookScheduleWithoutLinearTimeouts() {
            // Item 2b: tcp_syn_linear_timeouts=0, tcp_syn_retries=5: 1, 3, 7, 15, 31 s, ETIMEDOUT at 63 s.
            Ladder l = Ladder.run("syn-lost", exact().withSettings(List.of(
                    "net.ipv4.tcp_syn_linear_timeouts=0", "net.ipv4.tcp_syn_retries=5")));
            assertThat(l.sendTimes(CLIENT, s -> s.flags().equals("S")))
                    .containsExactly("0.000000", "1.000000", "3.000000", "7.000000", "15.000000", "31.000000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("63.000000 connect=ETIMEDOUT");
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPSynRetrans)).isEqualTo(5);
        }

        @Test
        void textbookScheduleOnTheWheel() {
            Ladder l = Ladder.run("syn-lost", ScenarioParams.defaults().withSettings(List.of(
                    "net.ipv4.tcp_syn_linear_timeouts=0", "net.ipv4.tcp_syn_retries=5")));
            assertThat(l.sendTimes(CLIENT, s -> s.flags().equals("S")))
                    .containsExactly("0.000000", "1.024000", "3.040000", "7.168000", "15.360000", "31.488000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("65.536000 connect=ETIMEDOUT");
        }

        @Test
        void synRetries3GivesUpAtTheExpiryAfterTheBudget() {
            // Item 2 (i2c): tcp_syn_retries=3 with 4 linear timeouts: SYNs at 0,1,2,3,4,5,7,11 s and
            // ETIMEDOUT at the next expiry (nominal 19 s), past the (2^4 - 1) x 1 s = 15 s budget.
            Ladder wheel = Ladder.run("syn-lost", ScenarioParams.defaults().withSettings(List.of("net.ipv4.tcp_syn_retries=3")));
            assertThat(wheel.sendTimes(CLIENT, s -> s.flags().equals("S"))).containsExactly(
                    "0.000000", "1.024000", "2.048000", "3.072000", "4.096000", "5.120000", "7.136000", "11.264000");
            assertThat(wheel.callLines(CLIENT, "connect")).containsExactly("19.456000 connect=ETIMEDOUT");

            Ladder nominal = Ladder.run("syn-lost", exact().withSettings(List.of("net.ipv4.tcp_syn_retries=3")));
            assertThat(nominal.sendTimes(CLIENT, s -> s.flags().equals("S"))).containsExactly(
                    "0.000000", "1.000000", "2.000000", "3.000000", "4.000000", "5.000000", "7.000000", "11.000000");
            assertThat(nominal.callLines(CLIENT, "connect")).containsExactly("19.000000 connect=ETIMEDOUT");
        }

        @Test
        void timeBudgetEndsTheLinearPhaseEarlyWithFewRetries() {
            // tcp_write_timeout(): expired = retransmits >= syn_retries + linear OR retransmits_timed_out()
            // with the (2^(syn_retries+1) - 1) s budget; with syn_retries=1 the 3 s budget wins.
            Ladder one = Ladder.run("syn-lost", exact().withSettings(List.of("net.ipv4.tcp_syn_retries=1")));
            assertThat(one.sendTimes(CLIENT, s -> s.flags().equals("S"))).containsExactly("0.000000", "1.000000", "2.000000");
            assertThat(one.callLines(CLIENT, "connect")).containsExactly("3.000000 connect=ETIMEDOUT");
            Ladder two = Ladder.run("syn-lost", exact().withSettings(List.of("net.ipv4.tcp_syn_retries=2")));
            assertThat(two.sendTimes(CLIENT, s -> s.flags().equals("S")))
                    .containsExactly("0.000000", "1.000000", "2.000000", "3.000000", "4.000000", "5.000000");
            assertThat(two.callLines(CLIENT, "connect")).containsExactly("7.000000 connect=ETIMEDOUT");
        }
    }

    // ================================================================ synack-lost

    @Nested
    class SynAckLost {
        final Ladder l = Ladder.run("synack-lost");

        @Test
        void clientRetransmitsItsSynAsInSynLost() {
            assertThat(l.sendTimes(CLIENT, s -> s.flags().equals("S"))).containsExactly(
                    "0.000000", "1.024000", "2.048000", "3.072000", "4.096000", "5.120000",
                    "7.136000", "11.264000", "19.456000", "35.584000", "69.632000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("135.168000 connect=ETIMEDOUT");
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT CLOSE");
        }

        @Test
        void everySynIsAnsweredAtOnceAndTheTimerRestartsFromIt() {
            List<Ladder.Seg> synAcks = l.sent(SERVER);
            // Item 3b: each (re)transmitted SYN is answered immediately...
            assertThat(synAcks.stream().filter(s -> s.why().contains("retransmitted SYN")).map(s -> Ladder.t(s.tNs())))
                    .containsExactly("1.049000", "2.073000", "3.097000", "4.121000", "5.145000", "7.161000",
                            "11.289000", "19.481000", "35.609000", "69.657000");
            // ... and re-arms the request timer to now + 1 s x 2^num_timeout: timer SYN-ACKs at the last
            // answered SYN + 1, 2, 4, 8, 16 s (rounded up on the wheel).
            assertThat(synAcks.stream().filter(s -> s.why().contains("SYN-ACK timer retransmission")).map(s -> Ladder.t(s.tNs())))
                    .containsExactly("6.176000", "9.184000", "15.360000", "27.648000", "51.712000");
            assertThat(synAcks.get(0).brief()).isEqualTo("0.025000 S. 0:0 ack 1 win 65160");
            assertThat(synAcks).hasSize(16).allSatisfy(s -> {
                assertThat(s.flags()).isEqualTo("S.");
                assertThat(s.seq()).isZero();        // same ISN every time
                assertThat(s.win()).isEqualTo(65160);
            });
            // The request's ts_recent is not updated by retransmitted SYNs: TS ecr stays the first SYN's TS val.
            int firstSynTs = l.sent(CLIENT).get(0).raw().tcp().options().tsVal();
            assertThat(synAcks).allSatisfy(s -> assertThat(s.raw().tcp().options().tsEcr()).isEqualTo(firstSynTs));
        }

        @Test
        void requestIsDroppedAfterFiveTimerRetransmissions() {
            String conn = l.connection(SERVER);
            assertThat(l.statePath(SERVER, conn)).isEqualTo("LISTEN SYN_RECV CLOSE");
            assertThat(Ladder.t(l.enteredNs(SERVER, conn, "CLOSE"))).isEqualTo("102.400000");   // 69.657 + 32 s, wheel
            assertThat(l.stateChange(SERVER, conn, "CLOSE").why()).contains("tcp_synack_retries (5) exhausted");
            // Nothing is sent when the request is dropped.
            assertThat(l.sent(SERVER)).noneMatch(s -> s.tNs() > Ladder.ns("69.657"));
            assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isEqualTo(15);   // answers + timer retransmissions
            assertThat(l.mib(SERVER, Mib.TcpRetransSegs)).isEqualTo(15);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPTimeouts)).isEqualTo(6);      // 5 retransmissions + the drop
            assertThat(l.mib(SERVER, Mib.TcpPassiveOpens)).isZero();
        }

        @Test
        void synAckTimerTextbookScheduleWhenTheSynIsNotRetransmitted() {
            // Item 3a: SYN-ACKs at 1, 3, 7, 15, 31 s after the SYN; the request is dropped at 63 s.
            Simulation sim = exact().twoHosts(50)
                    .fault(Fault.drop("every SYN-ACK", SimPacket::isSynAck))
                    .fault(Fault.drop("the client's SYN retransmissions", p -> p.isSyn() && p.tNs() > 0).from(CLIENT))
                    .build();
            sim.app(SERVER, p -> {
                SimSocket ls = p.socket();
                ls.bind(80);
                ls.listen(128);
                ls.accept();
            });
            sim.app(CLIENT, p -> p.socket().connect(ScenarioParams.SERVER_ADDR, 80));
            sim.run(Duration.ofMinutes(5));
            Ladder t = Ladder.of("synack-timer", sim);
            sim.close();
            assertThat(t.sendTimes(SERVER, s -> s.flags().equals("S."))).containsExactly(
                    "0.025000", "1.025000", "3.025000", "7.025000", "15.025000", "31.025000");
            assertThat(Ladder.t(t.enteredNs(SERVER, t.connection(SERVER), "CLOSE"))).isEqualTo("63.025000");
        }

        @Test
        void atTinyRttTheLastSynArrivesAfterTheDropAndStartsANewRequest() {
            // Item 3b: a SYN arriving after the request was dropped is a brand-new request: new ISN, ecr =
            // that SYN's TS val, fresh timer schedule (+1, +3 ... s).
            Ladder r = Ladder.run("synack-lost", ScenarioParams.defaults().withRtt(0.05));
            List<String> conns = r.connections(SERVER);
            assertThat(conns).hasSize(1);
            assertThat(r.stateSeq(SERVER, conns.get(0)))
                    .containsExactly("LISTEN->SYN_RECV", "SYN_RECV->CLOSE", "LISTEN->SYN_RECV", "SYN_RECV->CLOSE");
            assertThat(r.stateLines()).contains("69.632000 server SYN_RECV->CLOSE", "69.632025 server LISTEN->SYN_RECV",
                    "135.168000 server SYN_RECV->CLOSE");
            List<Ladder.Seg> after = r.sent(SERVER).stream().filter(s -> s.tNs() >= Ladder.ns("69.632025")).toList();
            long firstIsn = Integer.toUnsignedLong(r.sent(SERVER).get(0).raw().tcp().seq());
            assertThat(after).allSatisfy(s -> assertThat(Integer.toUnsignedLong(s.raw().tcp().seq())).isNotEqualTo(firstIsn));
            int lastSynTs = r.sent(CLIENT).getLast().raw().tcp().options().tsVal();
            assertThat(after.get(0).raw().tcp().options().tsEcr()).isEqualTo(lastSynTs);
            assertThat(after.stream().map(s -> Ladder.t(s.tNs())))
                    .containsExactly("69.632025", "70.656000", "72.672000", "76.800000", "84.992000", "101.120000");
        }
    }

    // ================================================================ ack-lost

    @Nested
    class AckLost {
        final Ladder l = Ladder.run("ack-lost");

        @Test
        void ladder() {
            assertThat(l.lines(s -> true)).containsExactly(
                    "0.000000 client send S 0:0 win 64240",
                    "0.025000 server recv S 0:0 win 64240",
                    "0.025000 server send S. 0:0 ack 1 win 65160",
                    "0.050000 client recv S. 0:0 ack 1 win 65160",
                    "0.050000 client send . 1:1 ack 1 win 63",
                    "0.050000 server drop . 1:1 ack 1 win 63",
                    "1.056000 server send S. 0:0 ack 1 win 65160",   // SYN-ACK timer: 1 s after 0.025, wheel
                    "1.081000 client recv S. 0:0 ack 1 win 65160",
                    "1.081000 client drop S. 0:0 ack 1 win 65160",
                    "1.081000 client send . 1:1 ack 1 win 63",       // challenge ACK completes the handshake
                    "1.106000 server recv . 1:1 ack 1 win 63");
        }

        @Test
        void whys() {
            List<Ladder.Seg> segs = l.segments();
            assertThat(segs.get(5).by()).isEqualTo("network");
            assertThat(segs.get(5).why()).isEqualTo("fault rule: the client's handshake ACK");
            assertThat(segs.get(6).why()).contains("SYN-ACK timer retransmission 1 of tcp_synack_retries 5");
            assertThat(segs.get(8).by()).isEqualTo(CLIENT);
            assertThat(segs.get(8).why()).contains("challenge ACK").contains("RFC 5961 4.2");
            assertThat(segs.get(9).why()).contains("challenge ACK");
        }

        @Test
        void challengeAckEchoesTsRecentNotTheRetransmittedSynAck() {
            Ladder.Seg firstSynAck = l.sent(SERVER).get(0);
            Ladder.Seg challenge = l.sent(CLIENT).get(2);
            assertThat(challenge.raw().tcp().options().tsEcr()).isEqualTo(firstSynAck.raw().tcp().options().tsVal());
        }

        @Test
        void statesCallsCounters() {
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED");
            assertThat(l.statePath(SERVER)).isEqualTo("LISTEN SYN_RECV ESTABLISHED");
            assertThat(Ladder.t(l.enteredNs(SERVER, l.connection(SERVER), "ESTABLISHED"))).isEqualTo("1.106000");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.050000 connect=0");
            assertThat(l.callLines(SERVER, "accept")).containsExactly("1.106000 accept=4");
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPSYNChallenge)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPChallengeACK)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpInErrs)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpRetransSegs)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPTimeouts)).isEqualTo(1);
            assertThat(l.mib(SERVER, Mib.TcpPassiveOpens)).isEqualTo(1);
        }

        @Test
        void lateAckEchoingTheOriginalSynAckKeepsCwnd10AndSamplesRttFromTheTimestamp() {
            // Item 4a: the ACK echoes the first SYN-ACK's TS val, so the SYN-ACK retransmission is judged
            // spurious (cwnd 10) and the RTT sample is from the TS ecr (here 1.106 - 0.025 s).
            Simulation sim = ScenarioParams.defaults().twoHosts(50)
                    .fault(Fault.drop("the client's handshake ACK", SimPacket::isPureAck).from(CLIENT).times(1)).build();
            TcpInfo[] info = new TcpInfo[1];
            sim.app(SERVER, p -> {
                SimSocket ls = p.socket();
                ls.bind(80);
                ls.listen(128);
                info[0] = ls.accept().info();
            });
            sim.app(CLIENT, p -> {
                p.socket().connect(ScenarioParams.SERVER_ADDR, 80);
                p.sleep(Duration.ofSeconds(2));
            });
            sim.run(Duration.ofMinutes(1));
            sim.close();
            assertThat(info[0].sndCwnd()).isEqualTo(10);
            assertThat(info[0].rttUs()).isEqualTo(1_081_000);
            assertThat(info[0].rtoUs()).isEqualTo(3_244_000);   // srtt + 4 x rttvar (1081 + 4 x 540.5), in 4 ms jiffies
            assertThat(info[0].totalRetrans()).isEqualTo(1);
        }
    }

    @Test
    void ackAfterTheRequestWasDroppedIsAnsweredWithRst() {
        // Item 4 (i4c): the request dies after 5 timer SYN-ACKs (nominal 63 s); the client's first segment
        // afterwards reaches the listener without a request and gets "R seq = its ack", no ACK flag, win 0.
        Simulation sim = ScenarioParams.defaults().twoHosts(50)
                .fault(Fault.drop("the client's pure ACKs", SimPacket::isPureAck).from(CLIENT).between(Duration.ZERO, Duration.ofSeconds(69)))
                .fault(Fault.drop("SYN-ACK retransmissions", p -> p.isSynAck() && p.tNs() > 30_000_000L))
                .build();
        sim.app(SERVER, p -> {
            SimSocket ls = p.socket();
            ls.bind(80);
            ls.listen(128);
            ls.accept();
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            s.connect(ScenarioParams.SERVER_ADDR, 80);
            p.sleepUntil(Duration.ofSeconds(70));
            s.write("hello");
            s.read(10);
        });
        sim.run(Duration.ofMinutes(5));
        Ladder l = Ladder.of("ack after drop", sim);
        sim.close();
        assertThat(l.sendTimes(SERVER, s -> s.flags().equals("S."))).containsExactly(
                "0.025000", "1.056000", "3.072000", "7.168000", "15.360000", "31.488000");
        assertThat(Ladder.t(l.enteredNs(SERVER, l.connection(SERVER), "CLOSE"))).isEqualTo("65.536000");
        assertThat(l.sentLines(SERVER)).endsWith("70.025000 R 1:1 win 0");
        assertThat(l.sent(SERVER).getLast().raw().tcp().ack()).isZero();
        assertThat(l.callLines(CLIENT, "write", "read")).containsExactly("70.000000 write=5", "70.050000 read=ECONNRESET");
        assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isEqualTo(5);
        assertThat(l.mib(SERVER, Mib.TcpExtTCPTimeouts)).isEqualTo(6);
        assertThat(l.mib(SERVER, Mib.TcpOutRsts)).isEqualTo(1);
    }

    // ================================================================ ack-lost-data

    @Nested
    class AckLostData {
        final Ladder l = Ladder.run("ack-lost-data");

        @Test
        void dataSegmentCompletesTheHandshakeAndIsAckedAtOnce() {
            assertThat(l.lines(s -> true)).containsExactly(
                    "0.000000 client send S 0:0 win 64240",
                    "0.025000 server recv S 0:0 win 64240",
                    "0.025000 server send S. 0:0 ack 1 win 65160",
                    "0.050000 client recv S. 0:0 ack 1 win 65160",
                    "0.050000 client send . 1:1 ack 1 win 63",
                    "0.050000 server drop . 1:1 ack 1 win 63",
                    "0.050000 client send P. 1:6 ack 1 win 63",
                    "0.075000 server recv P. 1:6 ack 1 win 63",
                    "0.075000 server send . 1:1 ack 6 win 64",        // item 4b: immediate ACK (quick-ack mode)
                    "0.100000 client recv . 1:1 ack 6 win 64");
            assertThat(l.sent(SERVER).get(1).why()).contains("quick-ack");
        }

        @Test
        void statesCallsCounters() {
            String conn = l.connection(SERVER);
            assertThat(l.statePath(SERVER, conn)).isEqualTo("LISTEN SYN_RECV ESTABLISHED");
            assertThat(Ladder.t(l.enteredNs(SERVER, conn, "ESTABLISHED"))).isEqualTo("0.075000");
            assertThat(l.callLines(SERVER, "accept", "read")).containsExactly("0.075000 accept=4", "0.075000 read=5");
            assertThat(l.calls(SERVER, "read").get(0).detail()).isEqualTo("\"hello\"");
            // The SYN-ACK timer was cancelled: no retransmission.
            assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isZero();
            assertThat(l.mib(SERVER, Mib.TcpRetransSegs)).isZero();
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isZero();
        }
    }

    // ================================================================ IP header

    static int ipId(Ladder.Seg s) {
        byte[] p = s.raw().packet();
        return ((p[4] & 0xff) << 8) | (p[5] & 0xff);
    }

    @Test
    void ipHeaderIsLinuxsForATcpSocket() {
        Ladder l = Ladder.run("close");
        for (Ladder.Seg s : l.segments(Ladder.Seg::isSend)) {
            byte[] p = s.raw().packet();
            assertThat(p[0] & 0xff).as("version 4, IHL 5").isEqualTo(0x45);
            assertThat(p[1] & 0xff).as("TOS").isZero();
            assertThat(p[6] & 0xe0).as("DF (path MTU discovery)").isEqualTo(0x40);
            assertThat(p[8] & 0xff).as("TTL").isEqualTo(64);
            assertThat(p[9] & 0xff).as("protocol").isEqualTo(6);
        }
        // A connection's own packets carry consecutive IP IDs; the ACK sent by the orphan's FIN_WAIT2
        // record (no full socket any more) carries ID 0, as Linux's TIME_WAIT ACKs do.
        List<Ladder.Seg> sent = l.sent(CLIENT);
        assertThat(ipId(sent.getLast())).isZero();
        List<Integer> ids = sent.subList(0, sent.size() - 1).stream().map(HandshakeScenarioTest::ipId).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo((ids.get(i - 1) + 1) & 0xffff);
        }
    }

    @Test
    void packetsWithoutAFullSocketCarryIpId0() {
        assertThat(Ladder.run("synack-lost").sent(SERVER)).allSatisfy(s -> assertThat(ipId(s)).isZero());
        assertThat(Ladder.run("rst-closed-port").sent(SERVER)).allSatisfy(s -> assertThat(ipId(s)).isZero());
        Ladder d = Ladder.run("data-to-closed");
        assertThat(ipId(d.sent(SERVER).getLast())).as("RST from the FIN_WAIT2 record").isZero();
        assertThat(ipId(d.sent(SERVER).get(0))).as("SYN-ACK").isZero();
        Ladder t = Ladder.run("last-ack-lost");
        assertThat(ipId(t.sent(CLIENT).getLast())).as("re-ACK from TIME_WAIT").isZero();
    }

    @Test
    void connectResultIsTracedWithLocalEndpoint() {
        Ladder l = Ladder.run("handshake");
        CallEvent c = l.calls(CLIENT, "connect").get(0);
        assertThat(c.args()).isEqualTo("10.0.0.2:80");
        assertThat(c.detail()).matches("local 10\\.0\\.0\\.1:\\d+");
        assertThat(c.detail()).endsWith(":" + l.connection(CLIENT).split(">")[0].split(":")[1]);
    }
}
