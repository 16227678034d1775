package dev.jtcp.cli;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.tcp.SockOpt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * jtcp bench throughput: a bulk transfer between two simulated hosts (no loss, no delay), timed on the
 * wall clock, beside the same transfer through JDK sockets over the kernel's loopback, in the same run.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Bulk transfer between two simulated jtcp hosts (no loss, no delay) versus the kernel's loopback.")
final class ThroughputBench implements Callable<Integer> {
    @Option(names = "--bytes", paramLabel = "N", defaultValue = "1073741824",
            description = "Bytes per transfer (default: ${DEFAULT-VALUE}, 1 GiB).")
    long bytes;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "4",
            description = "Seconds of warm-up transfers on both paths before the measured runs (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "65536",
            description = "MTU of the simulated link (default: ${DEFAULT-VALUE}, the kernel loopback's).")
    int mtu;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "65536",
            description = "Bytes per write()/read() call on both sides (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "Measured runs of each side; the best is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--kernel-cc", paramLabel = "NAME", defaultValue = "cubic",
            description = "Congestion control of the kernel's sockets (TCP_CONGESTION; default: ${DEFAULT-VALUE}, Linux's default and "
                    + "jtcp's: a host whose default is another, such as bbr, would otherwise decide the ratio).")
    String kernelCc;

    @Option(names = "--table", description = "Instead of the loopback comparison: the goodput (virtual time) of one bulk "
            + "flow on a lossy simulated path, for each --cc and --loss (default losses 0,0.1,1,5,10,20).")
    boolean table;

    @Option(names = "--loss", paramLabel = "P[,P...]", split = ",",
            description = "Random loss in percent on both directions of the path (implies --table).")
    List<Double> loss;

    @Option(names = "--rtt", paramLabel = "MS", description = "Round-trip time of the path in ms (implies --table; default 10).")
    Double rttMs;

    @Option(names = "--rate", paramLabel = "MBIT", description = "Rate of the path in Mbit/s (implies --table; default 100).")
    Double rateMbit;

    @Option(names = "--cc", paramLabel = "NAME[,NAME...]", split = ",",
            description = "Congestion control (net.ipv4.tcp_congestion_control: cubic, reno; implies --table; default cubic,reno).")
    List<String> cc;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
            description = "--table: virtual seconds per run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--seeds", paramLabel = "N", defaultValue = "3",
            description = "--table: runs per cell with seeds 1..N, averaged (default: ${DEFAULT-VALUE}).")
    int seeds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (table || loss != null || rttMs != null || rateMbit != null || cc != null) {
            return lossTable();
        }
        if (bytes < 1 || mtu < 576 || mtu > dev.jtcp.stack.NetStack.LOOPBACK_MTU || chunk < 1 || runs < 1 || !(warmup >= 0)) {
            throw new Main.UsageError("--bytes, --chunk and --runs must be positive, --warmup at least 0 and --mtu in 576..65536", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        int linkMtu = Math.min(mtu, 65535);
        out.printf("transfer %d bytes, %d-byte writes; jtcp link MTU %d, no loss, no delay%n", bytes, chunk, linkMtu);
        // Warm-up both paths for --warmup seconds, then measure. The JIT takes its time: after two 64 MiB
        // transfers each (the former warm-up) jtcp's runs went 23, 27, 31, 32, 27, 38, 42, 44 Gbit/s; C2 was
        // still compiling the engine's hot methods a second into the run.
        long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
        do {
            jtcp(Math.min(bytes, 256L << 20), linkMtu);
            kernel(Math.min(bytes, 256L << 20));
        } while (System.nanoTime() < warmEnd);
        double[] j = new double[runs];
        double[] k = new double[runs];
        for (int i = 0; i < runs; i++) {
            j[i] = jtcp(bytes, linkMtu);
            k[i] = kernel(bytes);
            out.printf("run %d: jtcp %.3f Gbit/s, kernel %.3f Gbit/s%n", i + 1, j[i], k[i]);
            out.flush();
        }
        double jb = Arrays.stream(j).max().orElse(0);
        double kb = Arrays.stream(k).max().orElse(0);
        if (kernelCcWhyNot != null) {
            spec.commandLine().getErr().println("jtcp: the kernel's sockets run the host's default congestion control ("
                    + KernelCongestion.hostDefault() + "), not " + kernelCc + ": " + kernelCcWhyNot);
        }
        out.printf("best: jtcp %.3f Gbit/s, kernel loopback %.3f Gbit/s (%s), ratio %.3f%n", jb, kb, kernelCcUsed, jb / kb);
        out.printf("RESULT name=throughput jtcp=%.3f kernel=%.3f unit=Gbit/s ratio=%.3f%n", jb, kb, jb / kb);
        out.flush();
        return 0;
    }

    /** --table: goodput versus loss for each congestion control, on a simulated path. */
    private int lossTable() {
        List<Double> losses = loss != null ? loss : List.of(0.0, 0.1, 1.0, 5.0, 10.0, 20.0);
        List<String> ccs = cc != null ? cc : List.of("cubic", "reno");
        double rtt = rttMs != null ? rttMs : 10;
        double rate = rateMbit != null ? rateMbit : 100;
        for (double l : losses) {
            if (!(l >= 0 && l <= 100)) {
                throw new Main.UsageError("--loss: " + l + " is not a percentage in 0..100", null);
            }
        }
        for (String c : ccs) {
            if (!dev.jtcp.tcp.TcpCong.AVAILABLE.contains(c)) {
                throw new Main.UsageError("--cc: unknown congestion control '" + c + "'; available: "
                        + String.join(", ", dev.jtcp.tcp.TcpCong.AVAILABLE), null);
            }
        }
        if (!(rtt > 0 && rtt <= 10_000) || !(rate > 0 && rate <= 100_000) || seconds < 1 || seeds < 1) {
            throw new Main.UsageError("--rtt must be in (0, 10000] ms, --rate in (0, 100000] Mbit/s, --seconds and --seeds positive", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        LossTable.Path p = new LossTable.Path(rtt, rate, losses, ccs, Duration.ofSeconds(seconds), seeds);
        double[][] g = LossTable.run(p, out);
        StringBuilder r = new StringBuilder("RESULT name=throughput-loss unit=Mbit/s rtt_ms=" + Numbers.plain(rtt)
                + " rate_mbit=" + Numbers.plain(rate));
        for (int i = 0; i < losses.size(); i++) {
            for (int j = 0; j < ccs.size(); j++) {
                r.append(String.format(java.util.Locale.ROOT, " %s@%s=%.3f", ccs.get(j), Numbers.plain(losses.get(i)), g[i][j]));
            }
        }
        out.println(r);
        out.flush();
        return 0;
    }

    /** One simulated transfer; returns Gbit/s of wall-clock time. */
    private double jtcp(long n, int linkMtu) {
        Simulation sim = Simulation.builder().seed(1).trace(false)
                .host("client", "10.0.0.1").host("server", "10.0.0.2")
                .link("client", "server", LinkSpec.ideal().withMtu(linkMtu))
                .build();
        sim.stack("client").addRoute("10.0.0.2/32", linkMtu);
        long[] received = {0};
        sim.app("server", p -> {
            SimSocket l = p.socket();
            l.bind(5001);
            l.listen(16);
            SimSocket c = l.accept();
            // One buffer for every read, as the kernel side's reader has.
            byte[] buf = new byte[chunk];
            while (received[0] < n) {
                int r = c.read(buf, 0, buf.length);
                if (r <= 0) {
                    break;
                }
                received[0] += r;
            }
            c.close();
        });
        byte[] data = new byte[chunk];
        sim.app("client", p -> {
            SimSocket s = p.socket();
            s.connect("10.0.0.2", 5001);
            long sent = 0;
            while (sent < n) {
                int len = (int) Math.min(chunk, n - sent);
                int w = s.write(len == data.length ? data : Arrays.copyOf(data, len));
                if (w <= 0) {
                    break;
                }
                sent += w;
            }
            s.close();
        });
        long t0 = System.nanoTime();
        sim.run(Duration.ofHours(1));
        long t1 = System.nanoTime();
        sim.close();
        if (received[0] != n) {
            throw new IllegalStateException("jtcp transfer incomplete: " + received[0] + " of " + n + " bytes");
        }
        return n * 8.0 / (t1 - t0);
    }

    /** The congestion control the kernel's sender ran (getsockopt), and why --kernel-cc could not be set (null: it was). */
    private String kernelCcUsed;
    private String kernelCcWhyNot;

    /**
     * The same transfer over the kernel's loopback with JDK sockets (blocking socket channels and their streams),
     * both running --kernel-cc; returns Gbit/s.
     */
    private double kernel(long n) throws IOException, InterruptedException {
        try (ServerSocketChannel ss = ServerSocketChannel.open()) {
            kernelCcWhyNot = KernelCongestion.set(ss, kernelCc);   // accepted sockets inherit the listener's
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            long[] received = {0};
            Thread reader = Thread.ofPlatform().start(() -> {
                try (SocketChannel c = ss.accept(); InputStream in = c.socket().getInputStream()) {
                    byte[] buf = new byte[chunk];
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        received[0] += r;
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] data = new byte[chunk];
            long t0 = System.nanoTime();
            try (SocketChannel s = SocketChannel.open()) {
                if (kernelCcWhyNot == null) {
                    kernelCcWhyNot = KernelCongestion.set(s, kernelCc);
                }
                s.connect(ss.getLocalAddress());
                kernelCcUsed = KernelCongestion.get(s);
                OutputStream o = s.socket().getOutputStream();
                long sent = 0;
                while (sent < n) {
                    int len = (int) Math.min(chunk, n - sent);
                    o.write(data, 0, len);
                    sent += len;
                }
            }
            reader.join();
            long t1 = System.nanoTime();
            if (received[0] != n) {
                throw new IllegalStateException("kernel transfer incomplete: " + received[0] + " of " + n);
            }
            return n * 8.0 / (t1 - t0);
        }
    }
}
