package dev.jtcp.cli;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Goodput in virtual time of one bulk flow on a lossy path, per congestion control and loss rate: the
 * throughput-versus-loss table of jtcp bench throughput --table. The path is one simulated link with the
 * given RTT and rate each way, a drop-tail queue of one bandwidth-delay product, and random loss in both
 * directions; the receiver's buffer is 4 MiB by default (tcp_rmem) so that only congestion control limits.
 */
final class LossTable {
    /** The receive buffer the bench gives both hosts. */
    static final String RMEM = "4096 4194304 6291456";

    record Path(double rttMs, double rateMbit, List<Double> lossPercent, List<String> ccs, Duration duration, int seeds) {
        int queuePackets() {
            double bdp = rateMbit * 1e6 * rttMs / 1000 / (1500 * 8);
            return (int) Math.max(10, Math.round(bdp));
        }
    }

    private LossTable() {}

    /** Prints the table; returns the goodputs [loss][cc] in Mbit/s. */
    static double[][] run(Path p, PrintWriter out) {
        out.printf(Locale.ROOT, "goodput of one bulk flow: %s ms RTT, %s Mbit/s, drop-tail queue %d packets (1 BDP), "
                        + "random loss both ways; %d s of virtual time per run, mean of seeds 1..%d%n",
                Numbers.plain(p.rttMs()), Numbers.plain(p.rateMbit()), p.queuePackets(), p.duration().toSeconds(), p.seeds());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-8s", "loss %"));
        for (String cc : p.ccs()) {
            head.append(String.format(Locale.ROOT, " %14s", cc + " Mbit/s"));
        }
        out.println(head);
        double[][] g = new double[p.lossPercent().size()][p.ccs().size()];
        for (int i = 0; i < p.lossPercent().size(); i++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-8s", Numbers.plain(p.lossPercent().get(i))));
            for (int j = 0; j < p.ccs().size(); j++) {
                double sum = 0;
                for (int seed = 1; seed <= p.seeds(); seed++) {
                    sum += goodputMbit(p, p.lossPercent().get(i) / 100.0, p.ccs().get(j), seed);
                }
                g[i][j] = sum / p.seeds();
                row.append(String.format(Locale.ROOT, " %14.3f", g[i][j]));
            }
            out.println(row);
            out.flush();
        }
        return g;
    }

    /** Bytes the receiving application read in the run, as Mbit/s of virtual time. */
    static double goodputMbit(Path p, double loss, String cc, long seed) {
        LinkSpec link = LinkSpec.rttMillis(p.rttMs()).withRate(Math.round(p.rateMbit() * 1e6))
                .withQueue(p.queuePackets()).withLoss(loss);
        Simulation sim = Simulation.builder().seed(seed).trace(false)
                .host("client", "10.0.0.1").host("server", "10.0.0.2")
                .link("client", "server", link)
                .sysctl("net.ipv4.tcp_congestion_control", cc)
                .sysctl("net.ipv4.tcp_rmem", RMEM)
                .build();
        long[] received = {0};
        sim.app("server", pr -> {
            SimSocket l = pr.socket();
            l.bind(5001);
            l.listen(16);
            SimSocket c = l.accept();
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = c.read(buf, 0, buf.length)) > 0) {
                received[0] += r;
            }
        });
        byte[] data = new byte[65536];
        sim.app("client", pr -> {
            SimSocket s = pr.socket();
            s.connect("10.0.0.2", 5001);
            while (s.write(data) > 0) {
                // a sender that always has data
            }
        });
        sim.runFor(p.duration());
        sim.close();
        return received[0] * 8.0 / p.duration().toNanos() * 1000;
    }
}
