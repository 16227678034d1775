package dev.jtcp.report;

import dev.jtcp.sim.Simulation;
import dev.jtcp.sim.scenario.Scenario;
import dev.jtcp.sim.scenario.ScenarioParams;
import dev.jtcp.sim.scenario.Scenarios;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Traces for the renderer tests: the built-in scenarios' real ones, and small hand-built ones. */
final class TestTraces {
    private TestTraces() {}

    static final long MS = 1_000_000L;

    private static final Map<String, TraceView> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A scenario's trace with the defaults, as the CLI shows it (title, description, counters); run once per JVM. */
    static TraceView scenario(String name) {
        return CACHE.computeIfAbsent(name, TestTraces::fresh);
    }

    private static final Map<String, TraceView> SECOND = new java.util.concurrent.ConcurrentHashMap<>();

    /** A second, independent run of the scenario (for checks that the same run gives the same bytes); once per JVM. */
    static TraceView second(String name) {
        return SECOND.computeIfAbsent(name, TestTraces::fresh);
    }

    /** A new run of the scenario. */
    static TraceView fresh(String name) {
        Scenario sc = Scenarios.get(name);
        Scenario.Run run = sc.build(ScenarioParams.defaults());
        try (Simulation sim = run.sim()) {
            run.run();
            Map<String, String> addrs = new LinkedHashMap<>();
            Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
            for (String h : sim.hostNames()) {
                addrs.put(h, Ipv4Addr.format(sim.stack(h).address()));
                counters.put(h, sim.stack(h).mib().nonZero());
            }
            return TraceView.of(List.copyOf(sim.trace().events()))
                    .withTitle("jtcp scenario " + name, sc.description())
                    .withHosts(sim.hostNames(), addrs)
                    .withCounters(counters)
                    .withSettings(List.of(new TraceView.Setting("seed", "1", null),
                            new TraceView.Setting("net.ipv4.tcp_syn_retries", "6", "6")))
                    .withEnd(sim.nowNs());
        }
    }

    static List<String> scenarioNames() {
        return List.copyOf(Scenarios.names());
    }

    static final Endpoint C = Endpoint.of("10.0.0.1", 40000);
    static final Endpoint S = Endpoint.of("10.0.0.2", 80);
    static final String CONN_C = "10.0.0.1:40000>10.0.0.2:80";
    static final String CONN_S = "10.0.0.2:80>10.0.0.1:40000";

    static SegmentEvent seg(long t, String host, SegmentEvent.Kind k, Endpoint src, Endpoint dst, int flags,
                            int seq, int ack, int len, String by, String why) {
        TcpOptions o = (flags & TcpFlags.SYN) != 0
                ? TcpOptions.synLinux(1460, true, true, 7, 0, 7)
                : TcpOptions.dataLinux(true, 9, 7, List.of());
        TcpHeader h = new TcpHeader(src.port(), dst.port(), seq, ack, flags, 502, 0, 0, o);
        return new SegmentEvent(t, host, k, src, dst, h, len, by, why, null);
    }

    /**
     * A short transfer by hand: handshake, four data segments of which the third is lost in the network,
     * its retransmission, a segment the receiver discards, state changes, a timer, a failed call, and
     * tcpinfo samples on the sender (so the HTML report has something to plot).
     */
    static TraceView handBuilt(boolean withSamples) {
        List<TraceEvent> e = new ArrayList<>();
        int ci = 1000;
        int si = 5000;
        e.add(new StateEvent(0, "server", "0.0.0.0:80>0.0.0.0:0", "CLOSE", "LISTEN", "listen()"));
        e.add(new StateEvent(0, "client", CONN_C, "CLOSE", "SYN_SENT", "tcp_v4_connect: active open"));
        e.add(seg(0, "client", SegmentEvent.Kind.SEND, C, S, TcpFlags.SYN, ci, 0, 0, null, "tcp_connect: SYN"));
        e.add(new TimerEvent(0, "client", CONN_C, "retransmit", "arm", 1000 * MS, "initial RTO"));
        e.add(seg(10 * MS, "server", SegmentEvent.Kind.RECV, C, S, TcpFlags.SYN, ci, 0, 0, null, "tcp_v4_rcv: listener"));
        e.add(new StateEvent(10 * MS, "server", CONN_S, "LISTEN", "SYN_RECV", "request created"));
        e.add(seg(10 * MS, "server", SegmentEvent.Kind.SEND, S, C, TcpFlags.SYN | TcpFlags.ACK, si, ci + 1, 0, null, "synack; why has <angle> & \"quotes\" # ; %"));
        e.add(seg(20 * MS, "client", SegmentEvent.Kind.RECV, S, C, TcpFlags.SYN | TcpFlags.ACK, si, ci + 1, 0, null, "tcp_v4_rcv"));
        e.add(new StateEvent(20 * MS, "client", CONN_C, "SYN_SENT", "ESTABLISHED", "SYN-ACK received"));
        int a = TcpFlags.ACK;
        e.add(seg(20 * MS, "client", SegmentEvent.Kind.SEND, C, S, a, ci + 1, si + 1, 0, null, "third ACK"));
        long t = 20 * MS;
        int cwnd = 10;
        for (int k = 0; k < 4; k++) {
            int seq = ci + 1 + k * 1000;
            e.add(seg(t, "client", SegmentEvent.Kind.SEND, C, S, a | (k == 3 ? TcpFlags.PSH : 0), seq, si + 1, 1000, null, "application write"));
            if (withSamples) {
                e.add(new TcpInfoEvent(t, "client", CONN_C, "ESTABLISHED", cwnd, TcpInfoEvent.INFINITE_SSTHRESH, 1000,
                        (k + 1) * 1000, 64000, 65000, 20000, "transmit"));
            }
            if (k == 2) {
                e.add(seg(t, "server", SegmentEvent.Kind.DROP, C, S, a, seq, si + 1, 1000, "network", "fault rule: the third data segment"));
            }
        }
        e.add(seg(30 * MS, "server", SegmentEvent.Kind.RECV, C, S, a, ci + 1, si + 1, 0, null, "third ACK arrives"));
        e.add(new StateEvent(30 * MS, "server", CONN_S, "SYN_RECV", "ESTABLISHED", "handshake complete"));
        for (int k : new int[] {0, 1, 3}) {
            int seq = ci + 1 + k * 1000;
            e.add(seg(30 * MS, "server", SegmentEvent.Kind.RECV, C, S, a | (k == 3 ? TcpFlags.PSH : 0), seq, si + 1, 1000, null, "data arrives"));
            e.add(seg(30 * MS, "server", SegmentEvent.Kind.SEND, S, C, a, si + 1, ci + 1 + Math.min(k + 1, 2) * 1000, 0, null, "ACK now"));
        }
        for (int k = 0; k < 3; k++) {
            e.add(seg(40 * MS, "client", SegmentEvent.Kind.RECV, S, C, a, si + 1, ci + 1 + Math.min(k + 1, 2) * 1000, 0, null, "ACK arrives"));
            if (withSamples) {
                cwnd = k < 2 ? cwnd + 1 : 5;
                e.add(new TcpInfoEvent(40 * MS, "client", CONN_C, "ESTABLISHED", cwnd, k < 2 ? TcpInfoEvent.INFINITE_SSTHRESH : 5, 1000,
                        (3 - k) * 1000, 64000, 65000, 20000 + k * 1000, "ACK processed"));
            }
        }
        e.add(seg(40 * MS, "client", SegmentEvent.Kind.SEND, C, S, a, ci + 2001, si + 1, 1000, null, "fast retransmit"));
        e.add(seg(50 * MS, "server", SegmentEvent.Kind.RECV, C, S, a, ci + 2001, si + 1, 1000, null, "retransmission arrives"));
        e.add(seg(50 * MS, "server", SegmentEvent.Kind.SEND, S, C, a, si + 1, ci + 4001, 0, null, "hole filled"));
        e.add(seg(60 * MS, "client", SegmentEvent.Kind.RECV, S, C, a, si + 1, ci + 4001, 0, null, "ACK arrives"));
        if (withSamples) {
            e.add(new TcpInfoEvent(60 * MS, "client", CONN_C, "ESTABLISHED", 6, 5, 1000, 0, 64000, 65000, 21000, "ACK processed"));
        }
        // an old duplicate the server throws away
        e.add(seg(70 * MS, "client", SegmentEvent.Kind.SEND, C, S, a, ci + 1, si + 1, 1000, null, "spurious retransmission"));
        e.add(seg(80 * MS, "server", SegmentEvent.Kind.RECV, C, S, a, ci + 1, si + 1, 1000, null, "arrives"));
        e.add(seg(80 * MS, "server", SegmentEvent.Kind.DROP, C, S, a, ci + 1, si + 1, 1000, "server", "old duplicate: outside the window"));
        e.add(new TimerEvent(2000 * MS, "client", CONN_C, "keepalive", "fire", 2000 * MS, "idle"));
        e.add(new CallEvent(2000 * MS, "client", 3, "read", "4096", -104, "", "read() failed with ECONNRESET"));
        e.add(new StateEvent(2000 * MS, "client", CONN_C, "ESTABLISHED", "CLOSE", "reset"));
        return TraceView.of(e).withTitle("hand-built transfer", "four segments, one lost, one discarded");
    }
}
