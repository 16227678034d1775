package dev.jtcp.cli;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sim.EventProc;
import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Errno;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * jtcp bench sim: how fast the simulator runs, in link packets per wall-clock second. N bulk flows from
 * one host to another share one bottleneck link (rate, delay, drop-tail queue of one bandwidth-delay
 * product) for a span of virtual time; every flow writes as fast as the stack takes data and the receiver
 * reads as fast as it arrives. Tracing is off, as in any long simulation.
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulator speed: link packets per wall-clock second with N bulk flows sharing a bottleneck "
                + "(defaults: 100 flows over 1 Gbit/s; --flows 1 uses 10 Gbit/s).")
final class SimBench implements Callable<Integer> {
    @Option(names = "--flows", paramLabel = "N", defaultValue = "100", description = "Bulk flows (default: ${DEFAULT-VALUE}).")
    int flows;

    @Option(names = "--rate", paramLabel = "MBIT",
            description = "Bottleneck rate in Mbit/s (default: 1000, or 10000 with a single flow).")
    Long rateMbit;

    @Option(names = "--rtt", paramLabel = "MS", defaultValue = "1", description = "Round-trip time in ms (default: ${DEFAULT-VALUE}).")
    double rttMs;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Virtual seconds to simulate (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "1500", description = "Link MTU (default: ${DEFAULT-VALUE}).")
    int mtu;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Randomness seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (flows < 1 || flows > 10_000) {
            throw new Main.UsageError("--flows: " + flows + " is out of range; expected 1..10000", null);
        }
        long rate = (rateMbit != null ? rateMbit : flows == 1 ? 10_000 : 1_000) * 1_000_000L;
        // A link's MTU is at most 65535, the largest IPv4 packet (65536 is the loopback device's, not a link's).
        if (rate <= 0 || !(rttMs > 0) || !(seconds > 0) || mtu < 576 || mtu > 65535) {
            throw new Main.UsageError("--rate, --rtt and --seconds must be positive and --mtu in 576..65535", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        long rttNs = Math.round(rttMs * 1e6);
        long bdpPackets = Math.max(100, (long) Math.ceil(rate / 8.0 * rttNs / 1e9 / mtu));
        out.printf("%d flow%s sharing %d Mbit/s, RTT %s ms, queue %d packets, MTU %d, %s s of virtual time%n",
                flows, flows == 1 ? "" : "s", rate / 1_000_000, Numbers.plain(rttMs), bdpPackets, mtu, Numbers.plain(seconds));
        out.flush();
        // Warm-up (JIT): a tenth of the span.
        run(rate, rttNs, bdpPackets, seconds / 10);
        long[] r = run(rate, rttNs, bdpPackets, seconds);
        long packets = r[0];
        double wallS = r[1] / 1e9;
        double cpuS = r[3] / 1e9;
        double allocPerPacket = (double) r[4] / packets;
        double bytesGbit = r[2] * 8.0 / 1e9 / seconds;
        double pps = packets / wallS;
        out.printf("%d link packets in %.3f s of wall time: %.0f packets per wall second; goodput %.3f Gbit/s (%.1f%% of the link)%n",
                packets, wallS, pps, bytesGbit, 100 * bytesGbit * 1e9 / rate);
        // CPU time of the whole process (the simulator's thread, the garbage collector, the compiler): on a
        // shared machine a steadier measure of the work per packet than wall time.
        out.printf("%.3f s of CPU time: %.0f packets per CPU second; %.0f bytes allocated per packet%n",
                cpuS, cpuS > 0 ? packets / cpuS : 0, allocPerPacket);
        out.printf("RESULT name=sim flows=%d pkts_per_wall_s=%.0f sim_s=%s wall_s=%.3f cpu_s=%.3f%n",
                flows, pps, Numbers.plain(seconds), wallS, cpuS);
        out.flush();
        return 0;
    }

    /** One run: {link packets, wall ns, bytes received, process CPU ns, bytes allocated}. */
    private long[] run(long rate, long rttNs, long queue, double virtualSeconds) {
        LinkSpec link = LinkSpec.ideal().withDelayNs(rttNs / 2).withRate(rate).withQueue((int) queue).withMtu(mtu);
        Simulation sim = Simulation.builder().seed(seed).trace(false)
                .host("client", "10.0.0.1").host("server", "10.0.0.2")
                .link("client", "server", link)
                .build();
        long[] received = {0};
        // Event-driven applications (callbacks on the simulator's thread, as an epoll loop): the simulator's
        // cost per packet, not a thread hand-off per wake-up, is what is measured.
        byte[] buf = new byte[1 << 16];
        sim.eventApp("server", e -> {
            TcpSocket l = e.socket();
            l.bind(new Endpoint(0, 5001));
            l.listen(Math.max(128, flows));
            e.watch(l, EventProc.READ, ls -> {
                for (TcpSocket c; (c = ls.accept()) != null; ) {
                    e.watch(c, EventProc.READ, cs -> {
                        int r;
                        while ((r = cs.read(buf, 0, buf.length)) > 0) {
                            received[0] += r;
                        }
                        if (r != Errno.EAGAIN.neg()) {
                            e.unwatch(cs);
                            cs.close();
                        }
                    });
                }
            });
        });
        byte[] chunk = new byte[1 << 16];
        sim.eventApp("client", e -> {
            for (int i = 0; i < flows; i++) {
                TcpSocket s = e.socket();
                s.connect(new Endpoint(Ipv4Addr.parse("10.0.0.2"), 5001));
                int[] off = {0};
                e.watch(s, EventProc.WRITE, ws -> {
                    // Keep the pipe full until the simulation stops, in 64 KiB writes: the rest of a chunk the
                    // send buffer took in part goes first, as a blocking write() would finish it.
                    int w;
                    while ((w = ws.write(chunk, off[0], chunk.length - off[0])) > 0) {
                        off[0] = (off[0] + w) % chunk.length;
                    }
                    if (w != Errno.EAGAIN.neg()) {
                        e.unwatch(ws);
                    }
                });
            }
        });
        long a0 = allocatedBytes();
        long c0 = processCpuNs();
        long t0 = System.nanoTime();
        sim.runFor(Duration.ofNanos(Math.round(virtualSeconds * 1e9)));
        long t1 = System.nanoTime();
        long c1 = processCpuNs();
        long a1 = allocatedBytes();
        long packets = sim.linkPackets();
        sim.close();
        return new long[] {packets, t1 - t0, received[0], c1 - c0, a1 - a0};
    }

    /** Heap bytes allocated so far by all threads (the simulation's own included, through its carrier). */
    private static long allocatedBytes() {
        return java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                ? t.getTotalThreadAllocatedBytes() : 0;
    }

    private static long processCpuNs() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
