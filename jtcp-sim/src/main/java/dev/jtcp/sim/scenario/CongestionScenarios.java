package dev.jtcp.sim.scenario;

import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;

import java.time.Duration;

import static dev.jtcp.sim.scenario.ScenarioParams.CLIENT;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER_ADDR;

/**
 * Congestion-window growth on a bottleneck: a 10 ms, 100 Mbit/s path (8.6 segments of 1448 bytes per
 * millisecond, a bandwidth-delay product of 86 segments) whose drop-tail queue is the bottleneck. The
 * receiver's buffer is large (tcp_rmem default 4 MiB) so that the congestion window, not the receive
 * window, limits the sender. The trace's tcpinfo samples plot cwnd and ssthresh in the HTML report.
 */
final class CongestionScenarios {
    /** 10 ms round trip, 100 Mbit/s each way. */
    static final double RTT_MS = 10;
    static final long RATE = 100_000_000L;
    /** The receive buffer the scenarios give the hosts: room for several bandwidth-delay products. */
    static final String RMEM = "net.ipv4.tcp_rmem=4096 4194304 6291456";

    /**
     * Each bulk scenario listens on a port of its own (iperf3's), so that two of them never share a 4-tuple
     * and ISN: a capture tool reading several scenarios' captures at once keeps their streams apart.
     */
    static final int SLOW_START_PORT = 5201;
    static final int CUBIC_PORT = 5202;
    static final int ECN_PORT = 5203;
    /** The ecn scenario's path: 10 Mbit/s, a queue that marks CE once 4 packets wait (and holds 100). */
    static final long ECN_RATE = 10_000_000L;
    static final int ECN_MARK_AT = 4;

    private CongestionScenarios() {}

    static void addAll(ListenerScenarios.Registry r) {
        r.add("slow-start", "slow start on a 10 ms, 100 Mbit/s path (queue 200 packets): cwnd 10, doubling every RTT, until "
                + "HyStart sees the ACK train last half the minimum RTT and ends slow start before the queue overflows; "
                + "2 MB, no loss", p -> bulk(p, 200, 2_000_000, SLOW_START_PORT));
        r.add("cubic", "CUBIC on a 10 ms, 100 Mbit/s path with a shallow bottleneck queue (20 packets): after each drop-tail "
                + "loss cwnd falls to 0.7 x W_max and grows back along the cubic curve (and Reno's line, which leads at "
                + "short RTTs); 12 MB", p -> bulk(p, 20, 12_000_000, CUBIC_PORT));
        r.add("ecn", "ECN (RFC 3168) on a 10 ms, 10 Mbit/s path whose queue marks packets Congestion Experienced once 4 "
                + "wait (the client sets tcp_ecn=1): the server echoes each mark with ECE until the client's CWR, the client "
                + "reduces cwnd once per round trip, nothing is lost; 300 kB", CongestionScenarios::ecn);
    }

    /** The client writes {@code bytes} to {@code port} and closes; the server reads to end of stream in 64 KiB reads and closes. */
    private static Scenario.Run bulk(ScenarioParams p, int queue, int bytes, int port) {
        Simulation sim = p.twoHosts(RTT_MS, l -> l.withRate(RATE).withQueue(queue), RMEM).build();
        bulkApps(sim, bytes, port);
        return new Scenario.Run(sim, Duration.ofHours(1), true);
    }

    /** The client asks for ECN; the bottleneck marks instead of dropping (LinkSpec ceThresholdPackets). */
    private static Scenario.Run ecn(ScenarioParams p) {
        Simulation sim = p.twoHosts(RTT_MS, l -> l.withRate(ECN_RATE).withQueue(100).withCeThreshold(ECN_MARK_AT),
                "net.ipv4.tcp_ecn=1").build();
        bulkApps(sim, 300_000, ECN_PORT);
        return new Scenario.Run(sim, Duration.ofHours(1), true);
    }

    /** The applications of a bulk transfer (see {@link #bulk}) on an already built two-host simulation. */
    static void bulkApps(Simulation sim, int bytes, int port) {
        sim.app(SERVER, pr -> {
            SimSocket l = pr.socket();
            l.bind(port);
            l.listen(128);
            SimSocket c = l.accept();
            c.readToEnd(65536);
            c.close();
        });
        sim.app(CLIENT, pr -> {
            SimSocket s = pr.socket();
            s.connect(SERVER_ADDR, port);
            s.write(Scenarios.bulk(bytes));
            s.close();
        });
    }
}
