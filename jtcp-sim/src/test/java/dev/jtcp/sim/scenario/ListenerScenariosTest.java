package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener scenarios as ladders with exact virtual times (HZ=250, timer wheel, 50 ms RTT). What
 * each line must be follows Linux 6.18 as measured in /work/ref/listener/REPORT.md; the core's
 * ListenerTest, SynCookiesTest and UnusualOpeningsTest replay those measurements packet by packet.
 */
class ListenerScenariosTest {
    static final String ATTACKER = ScenarioParams.ATTACKER;

    /** Segment lines of one host's sends, spoofed traffic and the attacker left out. */
    static List<String> sent(Ladder l, String host) {
        return l.segments(s -> s.from(host) && !s.dst().startsWith("198.18.") && !s.src().startsWith("198.18."))
                .stream().map(Ladder.Seg::brief).toList();
    }

    static List<String> stateLines(Ladder l, String host) {
        return l.states().stream().filter(s -> s.host().equals(host) && !s.conn().contains("198.18."))
                .map(s -> Ladder.t(s.tNs()) + " " + s.from() + "->" + s.to()).toList();
    }

    static long count(Ladder l, String host, String call, String result) {
        return l.calls(host, call).stream().filter(c -> c.resultText().equals(result)).count();
    }

    // ================================================================ accept queue

    @Nested
    class AcceptQueueOverflow {
        final Ladder l = Ladder.run("accept-queue-overflow");

        @Test
        void twoConnectionsFillTheQueue_theOtherSynsAreDroppedUntilEtimedout() {
            assertThat(sent(l, SERVER)).containsExactly("0.025000 S. 0:0 ack 1 win 65160", "0.125000 S. 0:0 ack 1 win 65160");
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.050000 connect=0", "0.150000 connect=0",
                    "135.168000 connect=ETIMEDOUT", "135.168000 connect=ETIMEDOUT", "135.168000 connect=ETIMEDOUT");
            // Each of the 3 SYNs and their 10 retransmissions is a ListenOverflow and a ListenDrop.
            assertThat(l.mib(SERVER, Mib.TcpExtListenOverflows)).isEqualTo(33);
            assertThat(l.mib(SERVER, Mib.TcpExtListenDrops)).isEqualTo(33);
            assertThat(l.mib(SERVER, Mib.TcpPassiveOpens)).isEqualTo(2);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPReqQFullDrop) + l.mib(SERVER, Mib.TcpExtSyncookiesSent)).isZero();
            assertThat(l.drops(SERVER)).hasSize(33).allSatisfy(d -> assertThat(d.why()).startsWith("accept queue full (2 > backlog 1)"));
            assertThat(Ladder.t(l.endNs())).isEqualTo("135.168000");
        }

        @Test
        void abortOnOverflowChangesNothingHere_synsAreNeverAnsweredWithRst() {
            Ladder abort = Ladder.run("accept-queue-overflow-abort");
            assertThat(abort.lines(s -> true)).isEqualTo(l.lines(s -> true));
            assertThat(abort.nstat(SERVER)).isEqualTo(l.nstat(SERVER));
            assertThat(abort.mib(SERVER, Mib.TcpOutRsts)).isZero();
        }
    }

    @Nested
    class AckOverflow {
        final Ladder l = Ladder.run("ack-overflow");

        @Test
        void clients3And5GetCookiesForTheSynQueueIsFull() {
            assertThat(l.segments(s -> s.from(SERVER) && s.why().startsWith("SYN cookie")).stream().map(s -> Ladder.t(s.tNs())))
                    .containsExactly("0.065000", "0.105000");
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesSent)).isEqualTo(2);
        }

        @Test
        void client2GetsInOnItsAnswerToTheFirstSynAckRetransmission() {
            assertThat(stateLines(l, SERVER)).containsExactly(
                    "0.000000 CLOSE->LISTEN", "0.025000 LISTEN->SYN_RECV", "0.045000 LISTEN->SYN_RECV",
                    "0.075000 SYN_RECV->ESTABLISHED", "0.085000 LISTEN->SYN_RECV",
                    "1.106000 SYN_RECV->ESTABLISHED",    // client 2: room for a second child
                    "65.536000 SYN_RECV->CLOSE");        // client 4: acked but never given room
        }

        @Test
        void client4sAcksMeetAFullQueue_theSynAckTimerRunsItsFullCourse() {
            // Client 4's request: SYN-ACK retransmissions at the wheel instants of 1, 3, 7, 15, 31 s after
            // 0.085 (client 2's first one is the 1.056); each answered by a challenge ACK that is dropped.
            assertThat(l.segments(s -> s.from(SERVER) && s.flags().equals("S.") && s.why().startsWith("SYN-ACK timer"))
                    .stream().map(s -> Ladder.t(s.tNs()))).containsExactly("1.056000", "1.088000", "3.104000", "7.168000",
                    "15.360000", "31.488000");
            assertThat(l.drops(SERVER).stream().map(d -> Ladder.t(d.tNs())))
                    .containsExactly("1.138000", "3.154000", "7.218000", "15.410000", "31.538000");
            assertThat(l.mib(SERVER, Mib.TcpExtListenOverflows)).isEqualTo(5);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPTimeouts)).isEqualTo(7);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPChallengeACK)).isEqualTo(6);
            // The clients all believe they are connected; they send nothing and never learn otherwise.
            assertThat(count(l, CLIENT, "connect", "0")).isEqualTo(5);
            assertThat(l.calls(CLIENT, "read")).isEmpty();
        }

        @Test
        void withAbortOnOverflowTheFirstAckOnAFullQueueIsReset() {
            Ladder a = Ladder.run("ack-overflow-abort");
            assertThat(a.segments(s -> s.from(SERVER) && s.flags().equals("R")).stream().map(Ladder.Seg::brief))
                    .containsExactly("1.138000 R 1:1 win 0");
            assertThat(a.callLines(CLIENT, "read")).containsExactly("1.163000 read=ECONNRESET");
            assertThat(a.mib(SERVER, Mib.TcpExtEmbryonicRsts)).isEqualTo(1);
            assertThat(a.mib(SERVER, Mib.TcpExtListenOverflows)).isEqualTo(1);
            assertThat(a.mib(CLIENT, Mib.TcpEstabResets)).isEqualTo(1);
            assertThat(Ladder.t(a.endNs())).isEqualTo("1.163000");
        }
    }

    // ================================================================ SYN-ACK retransmission

    @Test
    void synAckRetries_backOffThenTheRequestIsDroppedSilently() {
        Ladder l = Ladder.run("synack-retries");
        assertThat(sent(l, SERVER)).containsExactly("0.025000 S. 0:0 ack 1 win 65160", "1.056000 S. 0:0 ack 1 win 65160",
                "3.072000 S. 0:0 ack 1 win 65160", "7.168000 S. 0:0 ack 1 win 65160", "15.360000 S. 0:0 ack 1 win 65160",
                "31.488000 S. 0:0 ack 1 win 65160");
        assertThat(stateLines(l, SERVER)).containsExactly("0.000000 CLOSE->LISTEN", "0.025000 LISTEN->SYN_RECV",
                "65.536000 SYN_RECV->CLOSE");
        assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isEqualTo(5);
        assertThat(l.mib(SERVER, Mib.TcpExtTCPTimeouts)).isEqualTo(6);
        assertThat(l.mib(SERVER, Mib.TcpOutRsts) + l.mib(SERVER, Mib.TcpExtListenDrops)).isZero();
        assertThat(Ladder.t(l.endNs())).isEqualTo("65.536000");
    }

    // ================================================================ floods

    @Nested
    class Floods {
        @Test
        void withoutCookiesTheFloodFillsNineRequests_pruningFreesTheQueue_theClientsGetInAt7s() {
            Ladder l = Ladder.run("syn-flood");
            // 2000 spoofed + 2 x 6 client SYNs dropped: the queue (9 > backlog 8) stays full until 7.168.
            assertThat(l.mib(SERVER, Mib.TcpExtTCPReqQFullDrop)).isEqualTo(2003);
            assertThat(l.mib(SERVER, Mib.TcpExtListenDrops)).isEqualTo(2003);
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesSent)).isZero();
            List<StateEvent> drops = l.states().stream().filter(s -> s.host().equals(SERVER) && s.to().equals("CLOSE")
                    && s.conn().contains("198.18.")).toList();
            // Five requests, old and in a queue more than half full, get 2 retries and die at 7.168;
            // the last four then have the queue to themselves and their full 5 retries (65.536).
            assertThat(drops.stream().map(s -> Ladder.t(s.tNs()))).containsExactly("7.168000", "7.168000", "7.168000",
                    "7.168000", "7.168000", "65.536000", "65.536000", "65.536000", "65.536000");
            assertThat(drops.get(0).why()).contains("tcp_synack_retries (2 (cut from 5");
            assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isEqualTo(5 * 2 + 4 * 5);
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("7.474000 connect=0", "7.794000 connect=0");
            assertThat(l.callLines(CLIENT, "read")).containsExactly("7.524000 read=7", "7.844000 read=7");
            assertThat(l.calls(CLIENT, "read")).allSatisfy(c -> assertThat(c.detail()).isEqualTo("\"welcome\""));
        }

        @Test
        void withCookiesTheClientsGetInOnTheirFirstSyn() {
            Ladder l = Ladder.run("syn-flood-cookies");
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesSent)).isEqualTo(1991 + 2);
            assertThat(l.mib(SERVER, Mib.TcpExtTCPReqQFullDoCookies)).isEqualTo(1993);
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesRecv)).isEqualTo(2);
            assertThat(l.mib(SERVER, Mib.TcpExtListenDrops)).isZero();
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.350000 connect=0", "0.650000 connect=0");
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isZero();
            // The cookie ACK reaches the listener (no request) and the child is born there.
            assertThat(l.segments(s -> s.isRecv() && s.host().equals(SERVER) && s.src().startsWith("10.0.0.1:")
                    && s.flags().equals(".") && s.seq() == 1).get(0).why()).isEqualTo("tcp_v4_rcv: for the listener on port 80");
            assertThat(l.stateLines().stream().filter(x -> x.contains("server") && x.contains("LISTEN->ESTABLISHED")
                    || x.contains("server SYN_RECV->ESTABLISHED"))).hasSize(2);
        }

        @Test
        void withSyncookies2NoRequestIsEverCreated() {
            Ladder l = Ladder.run("syncookies-always");
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesSent)).isEqualTo(2002);
            assertThat(l.states().stream().filter(s -> s.host().equals(SERVER) && s.to().equals("SYN_RECV"))).isEmpty();
            assertThat(l.mib(SERVER, Mib.TcpExtTCPSynRetrans)).isZero();
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.350000 connect=0", "0.650000 connect=0");
        }

        @Test
        void forgedCookiesAreCountedAndReset_theLegitimateCookieConnectionGoesThrough() {
            Ladder l = Ladder.run("ack-flood");
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesFailed)).isEqualTo(1000);
            assertThat(l.mib(SERVER, Mib.TcpOutRsts)).isEqualTo(1000);
            assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesRecv)).isEqualTo(1);
            java.util.Map<String, Integer> forgedAck = new java.util.HashMap<>();
            l.segments(s -> s.from(ATTACKER) && s.flags().equals(".")).forEach(s -> forgedAck.put(s.src(), s.raw().tcp().ack()));
            assertThat(forgedAck).hasSize(1000);
            // Each is answered like a closed port: R alone, seq = the forged ACK's ack, window 0.
            assertThat(l.segments(s -> s.from(SERVER) && s.flags().equals("R"))).hasSize(1000)
                    .allSatisfy(s -> {
                        assertThat(s.raw().tcp().seq()).isEqualTo(forgedAck.get(s.dst()));
                        assertThat(s.win()).isZero();
                    });
            assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.250000 connect=0");
            assertThat(l.callLines(CLIENT, "read")).first().isEqualTo("0.300000 read=7");
        }
    }

    // ================================================================ unusual openings

    @Test
    void oldDuplicateSyn_rstKillsTheStaleRequest_theRealHandshakeFollows() {
        Ladder l = Ladder.run("old-duplicate-syn");
        List<SegmentEvent> client = l.events().stream().filter(e -> e instanceof SegmentEvent s && s.host().equals(CLIENT)
                && s.kind() == SegmentEvent.Kind.SEND).map(e -> (SegmentEvent) e).toList();
        SegmentEvent old = client.get(0);
        SegmentEvent real = client.get(1);
        assertThat(Ladder.t(old.tNs())).isEqualTo("0.000000");
        assertThat(real.tcp().seq()).isNotEqualTo(old.tcp().seq());
        SegmentEvent staleSynAck = l.events().stream().filter(e -> e instanceof SegmentEvent s && s.host().equals(SERVER)
                && s.kind() == SegmentEvent.Kind.SEND).map(e -> (SegmentEvent) e).findFirst().orElseThrow();
        assertThat(staleSynAck.tcp().ack()).isEqualTo(old.tcp().seq() + 1);
        // The client answers with R, seq = the stale ack; 10 ms later (TCP_TIMEOUT_MIN) its SYN goes again.
        SegmentEvent rst = client.get(2);
        assertThat(Ladder.t(rst.tNs()) + " " + rst.flags()).isEqualTo("0.050000 R");
        assertThat(rst.tcp().seq()).isEqualTo(old.tcp().seq() + 1);
        assertThat(Ladder.t(client.get(3).tNs()) + " " + client.get(3).flags()).isEqualTo("0.060000 S");
        assertThat(stateLines(l, SERVER)).startsWith("0.000000 CLOSE->LISTEN", "0.025000 LISTEN->SYN_RECV",
                "0.075000 SYN_RECV->CLOSE", "0.085000 LISTEN->SYN_RECV", "0.135000 SYN_RECV->ESTABLISHED");
        assertThat(l.mib(SERVER, Mib.TcpExtEmbryonicRsts)).isEqualTo(1);
        assertThat(l.callLines(CLIENT, "connect")).containsExactly("0.110000 connect=0");
        assertThat(l.callLines(SERVER, "read")).containsExactly("0.135000 read=5");
        assertThat(l.calls(SERVER, "read").get(0).detail()).isEqualTo("\"hello\"");
        // The held-back original SYN arrives after all: outside the new request's window, an ACK answers it.
        assertThat(l.segments(s -> s.from(SERVER) && s.why().equals("segment outside the SYN_RECV window: ACK"))
                .stream().map(s -> Ladder.t(s.tNs()))).containsExactly("0.126000");
    }

    @Test
    void simultaneousOpen_threeSegmentsEachWay_oneConnectionWithoutAListener() {
        Ladder l = Ladder.run("simultaneous-open");
        for (String h : List.of(CLIENT, SERVER)) {
            assertThat(sent(l, h)).startsWith("0.000000 S 0:0 win 64240", "0.025000 S. 0:0 ack 1 win 64240",
                    "0.050000 . 1:1 ack 1 win 63");
            assertThat(l.sent(h).get(1).opts()).matches("mss 1460,sackOK,TS val \\d+ ecr \\d+,nop,wscale 10");
            assertThat(l.sent(h).get(2).opts()).matches("nop,nop,TS val \\d+ ecr \\d+,nop,nop,sack 1 \\{\\d+:\\d+\\}");
            assertThat(stateLines(l, h)).startsWith("0.000000 CLOSE->SYN_SENT", "0.025000 SYN_SENT->SYN_RECV",
                    "0.050000 SYN_RECV->ESTABLISHED");
            assertThat(l.mib(h, Mib.TcpActiveOpens)).isEqualTo(1);
            assertThat(l.mib(h, Mib.TcpPassiveOpens)).isZero();
            assertThat(l.mib(h, Mib.TcpExtTCPDSACKOldSent)).isEqualTo(1);
            assertThat(l.mib(h, Mib.TcpExtDelayedACKLost)).isEqualTo(1);
            assertThat(l.mib(h, Mib.TcpExtTCPDSACKRecv)).isEqualTo(1);
            assertThat(l.mib(h, Mib.TcpExtTCPDSACKIgnoredDubious)).isEqualTo(1);
            assertThat(l.callLines(h, "connect")).containsExactly("0.050000 connect=0");
        }
        assertThat(l.callLines(CLIENT, "read")).containsExactly("0.075000 read=11");
        assertThat(l.calls(CLIENT, "read").get(0).detail()).isEqualTo("\"from server\"");
    }

    @Test
    void selfConnect_theThirdAttemptPicksTheDestinationPortAndOpensWithItself() {
        Ladder l = Ladder.run("self-connect");
        List<CallEvent> connects = l.calls(CLIENT, "connect");
        assertThat(connects.stream().map(CallEvent::resultText)).containsExactly("ECONNREFUSED", "ECONNREFUSED", "0");
        assertThat(connects.get(2).detail()).isEqualTo("local 10.0.0.1:40006");
        // Over lo: MSS 65495 (IPV4_MAX_PMTU), window 65495; SYN, SYN-ACK with the same ISN, ACK with D-SACK.
        List<Ladder.Seg> open = l.segments(s -> s.from(CLIENT) && s.src().equals("10.0.0.1:40006")
                && s.dst().equals("10.0.0.1:40006"));
        assertThat(open.subList(0, 3).stream().map(Ladder.Seg::brief)).containsExactly("0.000000 S 0:0 win 65495",
                "0.000000 S. 0:0 ack 1 win 65495", "0.000000 . 1:1 ack 1 win 64");
        assertThat(open.get(0).opts()).startsWith("mss 65495,");
        assertThat(l.callLines(CLIENT, "read")).containsExactly("0.000000 read=2");
        assertThat(l.statePath(CLIENT, "10.0.0.1:40006>10.0.0.1:40006"))
                .isEqualTo("CLOSE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT1 CLOSING TIME_WAIT CLOSE");
        assertThat(l.mib(CLIENT, Mib.TcpAttemptFails)).isEqualTo(2);
    }

    @Test
    void serverRestart_everyClientIsServedAgain() {
        Ladder l = Ladder.run("server-restart");
        // 200 connections before the restart, 200 after; 3 refused attempts per client while it was down.
        assertThat(l.mib(SERVER, Mib.TcpPassiveOpens)).isEqualTo(400);
        assertThat(count(l, CLIENT, "connect", "ECONNREFUSED")).isEqualTo(600);
        assertThat(l.calls(CLIENT, "read").stream().filter(c -> c.detail().equals("\"welcome back\""))).hasSize(200);
        // The reconnect storm overflows the SYN queue (cookies) and the accept queue; cookie connections
        // dropped on a full accept queue recover when the client's request is retransmitted.
        assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesSent)).isPositive();
        assertThat(l.mib(SERVER, Mib.TcpExtListenOverflows)).isPositive();
        assertThat(l.mib(SERVER, Mib.TcpExtSyncookiesRecv)).isGreaterThan(l.mib(SERVER, Mib.TcpExtSyncookiesSent));
        assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isPositive();
        assertThat(l.states().stream().filter(s -> s.host().equals(CLIENT) && s.to().equals("ESTABLISHED"))).hasSize(400);
    }

    @Test
    void attackerIsAHostOfItsOwn() {
        Ladder l = Ladder.run("syn-flood");
        assertThat(l.mib(ATTACKER, Mib.IpOutRequests)).isEqualTo(2000);
    }
}
