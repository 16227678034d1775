package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Simulation;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties every built-in scenario has: its connections end (or stay open on purpose), a seed replays
 * byte for byte, another seed changes only the random parts, and a 50 us RTT runs too.
 */
class AllScenariosTest {
    /** Connections a scenario leaves open on purpose: scenario -> host -> the state they stay in. */
    static final Map<String, Map<String, String>> LEFT_OPEN = Map.ofEntries(
            Map.entry("handshake", Map.of(CLIENT, "ESTABLISHED", SERVER, "ESTABLISHED")),
            Map.entry("piggyback", Map.of(CLIENT, "ESTABLISHED", SERVER, "ESTABLISHED")),
            Map.entry("delayed-ack", Map.of(CLIENT, "ESTABLISHED", SERVER, "ESTABLISHED")),
            Map.entry("ack-lost", Map.of(CLIENT, "ESTABLISHED", SERVER, "ESTABLISHED")),
            Map.entry("ack-lost-data", Map.of(CLIENT, "ESTABLISHED", SERVER, "ESTABLISHED")),
            Map.entry("ephemeral-port", Map.of(CLIENT, "ESTABLISHED", SERVER, "ESTABLISHED")),
            Map.entry("fin-always-lost", Map.of(SERVER, "ESTABLISHED")),       // the client vanished without a word
            Map.entry("retries-exhausted", Map.of(SERVER, "ESTABLISHED")),     // the server vanished
            Map.entry("keepalive", Map.of(SERVER, "ESTABLISHED")),             // the server vanished
            Map.entry("fin-wait-2-close", Map.of(SERVER, "CLOSE_WAIT")),       // the server application never closes
            Map.entry("fin-wait-2-shutdown", Map.of(CLIENT, "FIN_WAIT2", SERVER, "CLOSE_WAIT")));

    /**
     * Listener scenarios leave several connections in several states on purpose (clients that wait,
     * children never accepted, half-open connections the server forgot): ListenerScenariosTest checks
     * each of their final states exactly.
     */
    static final List<String> MIXED_FINAL_STATES = List.of("accept-queue-overflow", "accept-queue-overflow-abort",
            "ack-overflow", "ack-overflow-abort", "synack-retries");

    /**
     * Scenarios whose behaviour depends on the RTT: at 50 us the last SYN arrives after the request died;
     * handshakes no longer overlap, so different clients meet the full queues.
     */
    static final List<String> RTT_SENSITIVE = List.of("synack-lost", "ack-overflow", "ack-overflow-abort", "server-restart");

    /**
     * Scenarios whose timing legitimately depends on the seed: a cookie connection's first RTT sample is
     * inflated by the low 6 bits of the timestamp clock (which the seed's boot offset sets), the port
     * connect() picks decides how many attempts self-connect needs, and the seed picks lossy-transfer's losses.
     */
    static final List<String> SEED_SENSITIVE_TIMING = List.of("syn-flood-cookies", "syncookies-always", "ack-flood",
            "self-connect", "server-restart", "lossy-transfer");

    /** Scenarios whose first SYN comes from a port the script fixes (bound, or a hand-made SYN): the seed does not pick it. */
    static final List<String> BOUND_PORTS = List.of("old-duplicate-syn", "simultaneous-open", "synack-retries");

    static Stream<String> names() {
        return Scenarios.names().stream();
    }

    @Test
    void catalogueHasUniqueScenariosWithDescriptions() {
        assertThat(Scenarios.names()).doesNotHaveDuplicates().containsExactly(
                "handshake", "fast-open", "piggyback", "delayed-ack", "close", "close-three-way", "simultaneous-close", "half-close",
                "syn-lost", "synack-lost", "ack-lost", "ack-lost-data", "fin-lost", "fin-always-lost", "fin-ack-lost",
                "fin-wait-2-close", "fin-wait-2-shutdown", "last-fin-lost", "last-fin-always-lost", "last-ack-lost",
                "time-wait", "rst-closed-port", "rst-unread-data", "linger-zero", "data-to-closed", "urgent",
                "bind-in-use", "ephemeral-port", "data-lost", "fast-retransmit", "sack-recovery", "rack-tlp", "retries-exhausted", "lossy-transfer",
                "accept-queue-overflow", "accept-queue-overflow-abort", "ack-overflow", "ack-overflow-abort",
                "synack-retries", "syn-flood", "syn-flood-cookies", "syncookies-always", "ack-flood",
                "old-duplicate-syn", "simultaneous-open", "self-connect", "server-restart",
                "zero-window", "keepalive", "nagle", "slow-start", "cubic", "ecn");
        for (Scenario s : Scenarios.all()) {
            assertThat(Scenarios.get(s.name())).isSameAs(s);
            assertThat(s.description()).isNotBlank().doesNotContain("\n");
        }
        assertThat(Scenarios.get("nosuch")).isNull();
    }

    // ================================================================ B: every connection ends

    @ParameterizedTest
    @MethodSource("names")
    void everyConnectionReachesCloseUnlessLeftOpenOnPurpose(String name) {
        Scenario.Run run = Scenarios.get(name).build(ScenarioParams.defaults());
        Ladder l;
        try (Simulation sim = run.sim()) {
            run.run();
            l = Ladder.of(name, sim);
        }
        if (run.untilQuiet()) {
            assertThat(l.endNs()).as("%s runs to completion before its limit", name).isLessThan(run.limit().toNanos());
        } else {
            assertThat(l.endNs()).isEqualTo(run.limit().toNanos());
        }
        Map<String, String> open = LEFT_OPEN.getOrDefault(name, Map.of());
        int connections = 0;
        for (String host : List.of(CLIENT, SERVER)) {
            for (String conn : l.connections(host)) {
                connections++;
                if (MIXED_FINAL_STATES.contains(name)) {
                    continue;
                }
                String expected = open.getOrDefault(host, "CLOSE");
                assertThat(l.finalState(host, conn)).as("%s: %s %s (%s)", name, host, conn, l.statePath(host, conn))
                        .isEqualTo(expected);
            }
        }
        assertThat(connections).as("%s creates connections", name).isPositive();
        // Every transition is a legal TCP one, and the path of a connection is continuous.
        for (StateEvent s : l.states()) {
            assertThat(s.from()).isNotEqualTo(s.to());
            assertThat(s.why()).isNotBlank();
        }
        for (String host : List.of(CLIENT, SERVER)) {
            for (String conn : l.connections(host)) {
                List<StateEvent> seq = l.states().stream().filter(s -> s.host().equals(host) && s.conn().equals(conn)).toList();
                for (int i = 1; i < seq.size(); i++) {
                    String prev = seq.get(i - 1).to();
                    String from = seq.get(i).from();
                    // A half-open request that died may be followed by a new one on the same 4-tuple.
                    assertThat(from.equals(prev) || (prev.equals("CLOSE") && from.equals("LISTEN")))
                            .as("%s: %s %s: %s", name, host, conn, l.statePath(host, conn)).isTrue();
                }
            }
        }
        // Listeners stay in LISTEN until their application closes them.
        for (StateEvent s : l.states()) {
            if (s.conn().endsWith(">0.0.0.0:0")) {
                assertThat(s.from() + "->" + s.to()).isIn("CLOSE->LISTEN", "LISTEN->CLOSE");
            }
        }
    }

    // ================================================================ C: determinism

    @ParameterizedTest
    @MethodSource("names")
    void sameSeedGivesByteIdenticalJsonl(String name) {
        String a = Ladder.run(name, ScenarioParams.defaults().withSeed(7)).jsonl();
        String b = Ladder.run(name, ScenarioParams.defaults().withSeed(7)).jsonl();
        assertThat(a).isNotEmpty();
        assertThat(b).isEqualTo(a);
    }

    @ParameterizedTest
    @MethodSource("names")
    void otherSeedChangesIsnsAndPortsButNotStatesOrTiming(String name) {
        Ladder a = Ladder.run(name, ScenarioParams.defaults().withSeed(1));
        Ladder b = Ladder.run(name, ScenarioParams.defaults().withSeed(2));
        assertThat(b.jsonl()).isNotEqualTo(a.jsonl());
        SegmentEvent synA = firstSyn(a);
        SegmentEvent synB = firstSyn(b);
        assertThat(synB.tcp().seq()).as("ISN").isNotEqualTo(synA.tcp().seq());
        if (!BOUND_PORTS.contains(name)) {
            assertThat(synB.src().port()).as("ephemeral port").isNotEqualTo(synA.src().port());
        }
        assertThat(synB.tcp().options().tsVal()).as("TS offset").isNotEqualTo(synA.tcp().options().tsVal());
        if (SEED_SENSITIVE_TIMING.contains(name)) {
            return;
        }
        assertThat(shape(b)).isEqualTo(shape(a));
        // Timer-driven events happen at the same instants.
        assertThat(timerFires(b)).isEqualTo(timerFires(a));
    }

    @ParameterizedTest
    @MethodSource("names")
    void runsAtFiftyMicrosecondsRtt(String name) {
        Ladder slow = Ladder.run(name, ScenarioParams.defaults());
        Ladder fast = Ladder.run(name, ScenarioParams.defaults().withRtt(0.05));
        assertThat(fast.events()).isNotEmpty();
        assertThat(fast.endNs()).isLessThanOrEqualTo(Math.max(slow.endNs(), Duration.ofHours(1).toNanos()));
        if (RTT_SENSITIVE.contains(name)) {
            return;
        }
        for (String host : List.of(CLIENT, SERVER)) {
            assertThat(transitions(fast, host)).as("%s on %s", name, host).isEqualTo(transitions(slow, host));
        }
    }

    @Test
    void timerDrivenScheduleDoesNotDependOnTheRtt() {
        Ladder slow = Ladder.run("syn-lost");
        Ladder fast = Ladder.run("syn-lost", ScenarioParams.defaults().withRtt(0.05));
        assertThat(fast.sendTimes(CLIENT, s -> true)).isEqualTo(slow.sendTimes(CLIENT, s -> true));
        assertThat(fast.callLines(CLIENT, "connect")).containsExactly("135.168000 connect=ETIMEDOUT");
    }

    // ================================================================ helpers

    private static SegmentEvent firstSyn(Ladder l) {
        return l.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.SEND
                        && s.tcp() != null && s.tcp().has(TcpFlags.SYN))
                .map(e -> (SegmentEvent) e).findFirst().orElseThrow();
    }

    /** Everything about the trace except the random parts (ISNs, ports, TS values). */
    private static List<String> shape(Ladder l) {
        List<String> out = new ArrayList<>();
        for (TraceEvent e : l.events()) {
            String k = Ladder.t(e.tNs()) + " " + e.host() + " " + e.type();
            switch (e) {
                case SegmentEvent s -> {
                    k += " " + s.kind() + " " + s.flags() + " len " + s.payloadLength() + " by " + s.by();
                    if (s.tcp() != null) {
                        k += " win " + s.tcp().window() + " sacks " + s.tcp().options().sackBlocks().size();
                    }
                }
                case StateEvent s -> k += " " + s.from() + "->" + s.to();
                case TimerEvent t -> k += " " + t.timer() + " " + t.action() + " " + Ladder.t(t.expiresNs());
                case CallEvent c -> k += " " + c.call() + " " + c.resultText();
                case TcpInfoEvent i -> k += " " + i.state() + " cwnd " + i.cwnd();
            }
            out.add(k);
        }
        return out;
    }

    private static List<String> timerFires(Ladder l) {
        return l.events().stream().filter(e -> e instanceof TimerEvent t && t.action().equals("fire"))
                .map(e -> Ladder.t(e.tNs()) + " " + e.host() + " " + ((TimerEvent) e).timer()).toList();
    }

    /** Per connection of a host (in order of appearance), its FROM->TO sequence. */
    private static Map<Integer, List<String>> transitions(Ladder l, String host) {
        Map<Integer, List<String>> m = new LinkedHashMap<>();
        List<String> conns = l.connections(host);
        for (int i = 0; i < conns.size(); i++) {
            m.put(i, l.stateSeq(host, conns.get(i)));
        }
        return m;
    }
}
