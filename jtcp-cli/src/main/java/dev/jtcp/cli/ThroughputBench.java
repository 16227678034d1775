package dev.jtcp.cli;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.ReadResult;
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
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * jtcp bench throughput: a bulk transfer between two simulated hosts (no loss, no delay), timed on the
 * wall clock, beside the same transfer through JDK sockets over the kernel's loopback, in the same run.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Bulk transfer between two simulated jtcp hosts (no loss, no delay) versus the kernel's loopback.")
final class ThroughputBench implements Callable<Integer> {
    @Option(names = "--bytes", paramLabel = "N", defaultValue = "268435456",
            description = "Bytes per transfer (default: ${DEFAULT-VALUE}).")
    long bytes;

    @Option(names = "--mtu", paramLabel = "N", defaultValue = "65536",
            description = "MTU of the simulated link (default: ${DEFAULT-VALUE}, the kernel loopback's).")
    int mtu;

    @Option(names = "--chunk", paramLabel = "N", defaultValue = "65536",
            description = "Bytes per write()/read() call on both sides (default: ${DEFAULT-VALUE}).")
    int chunk;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "Measured runs of each side; the best is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (bytes < 1 || mtu < 576 || mtu > 65535 + 1 || chunk < 1 || runs < 1) {
            throw new Main.UsageError("--bytes, --chunk and --runs must be positive and --mtu in 576..65536", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        int linkMtu = Math.min(mtu, 65535);
        out.printf("transfer %d bytes, %d-byte writes; jtcp link MTU %d, no loss, no delay%n", bytes, chunk, linkMtu);
        // Warm-up both paths (JIT), then measure.
        jtcp(Math.min(bytes, 32L << 20), linkMtu);
        kernel(Math.min(bytes, 32L << 20));
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
        out.printf("best: jtcp %.3f Gbit/s, kernel loopback %.3f Gbit/s, ratio %.3f%n", jb, kb, jb / kb);
        out.printf("RESULT name=throughput jtcp=%.3f kernel=%.3f unit=Gbit/s ratio=%.3f%n", jb, kb, jb / kb);
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
            while (received[0] < n) {
                ReadResult r = c.read(chunk);
                if (r.result() <= 0) {
                    break;
                }
                received[0] += r.result();
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

    /** The same transfer over the kernel's loopback with JDK sockets; returns Gbit/s. */
    private double kernel(long n) throws IOException, InterruptedException {
        try (ServerSocket ss = new ServerSocket()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            long[] received = {0};
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Socket c = ss.accept(); InputStream in = c.getInputStream()) {
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
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort()); OutputStream o = s.getOutputStream()) {
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
