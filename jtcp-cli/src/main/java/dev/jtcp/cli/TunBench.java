package dev.jtcp.cli;

import dev.jtcp.tun.IpTool;
import dev.jtcp.tun.TunCeiling;
import dev.jtcp.tun.TunSocket;
import dev.jtcp.tun.TunStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * jtcp bench tun: bulk TCP throughput between jtcp on a TUN device and the kernel's TCP (kernel to jtcp
 * and jtcp to kernel), at each MTU, against the bare TUN ceiling measured in the same run on the same
 * kind of device ({@link TunCeiling}). Runs in a network namespace it creates and removes.
 */
@Command(name = "tun", mixinStandardHelpOptions = true,
        description = "TCP throughput over a TUN device, kernel->jtcp and jtcp->kernel, at each MTU, against the bare TUN "
                + "read/write ceiling and kernel-to-kernel TCP over a veth pair, measured in the same run (needs root and /dev/net/tun).")
final class TunBench implements Callable<Integer> {
    @Option(names = "--bytes", paramLabel = "N", defaultValue = "1073741824",
            description = "Bytes per transfer (default: ${DEFAULT-VALUE}, 1 GiB: long enough that the kernel sender's window growth after slow start does not dominate).")
    long bytes;

    @Option(names = "--mtu", paramLabel = "N", split = ",", defaultValue = "1500,9000", description = "MTUs to measure (default: ${DEFAULT-VALUE}).")
    List<Integer> mtus;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "Length of each ceiling measurement; the best of --runs is reported (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "2", description = "Runs of each transfer; the best is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A Linux setting for the jtcp stack, e.g. net.ipv4.tcp_rmem='4096 6291456 6291456' (repeatable).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--txqueuelen", paramLabel = "N", defaultValue = "4000",
            description = "Packets the kernel queues for jtcp to read (default: ${DEFAULT-VALUE}; 0: the kernel's 500, which "
                    + "auto-tuned windows overflow in bursts).")
    int txQueueLen;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "2000",
            description = "Connections for the connection-rate measurement at the first MTU (default: ${DEFAULT-VALUE}; 0: skip).")
    int connections;

    @Option(names = "--offload", negatable = true,
            description = "Measure jtcp only with (--offload) or only without (--no-offload) the device's checksum and segmentation "
                    + "offload (default: both, with offloads where the kernel accepts them).")
    Boolean offload;

    @Option(names = "--kernel-cc", paramLabel = "NAME", defaultValue = "cubic",
            description = "The kernel's congestion control in the bench's namespaces (default: ${DEFAULT-VALUE}, Linux's default and "
                    + "jtcp's; a new namespace would otherwise inherit the host's choice, such as bbr).")
    String kernelCc;

    @Option(names = "--direction", paramLabel = "DIR", defaultValue = "both",
            description = "Transfers to measure: both, k2j (kernel->jtcp only) or j2k (jtcp->kernel only); the other reads 0 "
                    + "(default: ${DEFAULT-VALUE}).")
    String direction;

    @Option(names = "--verbose", description = "After each MTU, print jtcp's retransmission counters and the device's packet counts.")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final String KERNEL = "10.77.250.1";
    private static final String JTCP = "10.77.250.2";
    private static final String OTHER = "10.77.250.3";

    @Override
    public Integer call() throws Exception {
        if (!List.of("both", "k2j", "j2k").contains(direction)) {
            throw new Main.UsageError("--direction: '" + direction + "' is not accepted; accepted: both, k2j, j2k", null);
        }
        boolean k2jOn = !direction.equals("j2k");
        boolean j2kOn = !direction.equals("k2j");
        if (bytes < 1 || runs < 1 || seconds <= 0) {
            throw new Main.UsageError("--bytes, --runs and --seconds must be positive", null);
        }
        for (int m : mtus) {
            if (m < 576 || m > 65535) {
                throw new Main.UsageError("--mtu: " + m + " is out of range; accepted: 576..65535", null);
            }
        }
        dev.jtcp.sys.Sysctl sysctl = new dev.jtcp.sys.Sysctl();
        for (String a : settings) {
            try {
                if (a.indexOf('=') <= 0) {
                    throw new IllegalArgumentException("expected KEY=VALUE, got '" + a + "'");
                }
                sysctl.apply(a);
            } catch (IllegalArgumentException e) {
                throw new Main.UsageError("--set " + e.getMessage(), null);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(Path.of("/dev/net/tun")) || !"root".equals(System.getProperty("user.name"))) {
            err.println("jtcp: bench tun needs root (CAP_NET_ADMIN) and /dev/net/tun to create a TUN device and a namespace");
            return 1;
        }
        long pid = ProcessHandle.current().pid();
        String ns = "jtbench-" + pid;
        String dev = "jtb" + (pid % 100000);
        List<TunStack.Offload> modes = offload == null ? List.of(TunStack.Offload.OFF, TunStack.Offload.ON)
                : List.of(offload ? TunStack.Offload.ON : TunStack.Offload.OFF);
        out.printf("%d bytes per transfer, best of %d; kernel %s in netns %s, jtcp %s on TUN %s%n", bytes, runs, KERNEL, ns, JTCP, dev);
        out.printf("%-6s %-8s %14s %14s %14s %14s %9s %9s %9s %9s%n", "MTU", "offload", "kernel->jtcp", "jtcp->kernel", "TUN ceiling",
                "kernel veth", "k->j/ceil", "j->k/ceil", "k->j/veth", "j->k/veth");
        double connJtcp = 0;
        double connKernel = 0;
        double worstRatio = Double.MAX_VALUE;
        double worstJtcp = 0;
        double worstCeiling = 0;
        StringBuilder fields = new StringBuilder();
        for (int mtu : mtus) {
            IpTool.run(List.of("ip", "netns", "add", ns));
            try {
                IpTool.run(IpTool.ns(ns, "link", "set", "lo", "up"));
                congestionControl(ns, kernelCc);
                // Each offload mode on a fresh device: [k2j, j2k] per mode, 0 where the kernel refused offloads.
                double[][] jtcp = new double[modes.size()][2];
                for (int m = 0; m < modes.size(); m++) {
                    TunStack stack;
                    try {
                        stack = TunStack.start(TunStack.Config.of(dev, KERNEL + "/24", JTCP).withNetns(ns).withMtu(mtu)
                                .withSysctl(sysctl).withTxQueueLen(txQueueLen).withOffload(modes.get(m)));
                    } catch (dev.jtcp.tun.TunException e) {
                        if (e.offloadRefused() && offload == null) {
                            err.println("jtcp: " + e.getMessage() + "; measured without offloads only");
                            continue;
                        }
                        throw e;
                    }
                    try {
                        // warm-up, in a direction measured
                        if (k2jOn) {
                            kernelToJtcp(stack, ns, Math.min(bytes, 16L << 20));
                        } else {
                            jtcpToKernel(stack, ns, Math.min(bytes, 16L << 20));
                        }
                        for (int r = 0; r < runs; r++) {
                            if (k2jOn) {
                                jtcp[m][0] = Math.max(jtcp[m][0], kernelToJtcp(stack, ns, bytes));
                            }
                            if (j2kOn) {
                                jtcp[m][1] = Math.max(jtcp[m][1], jtcpToKernel(stack, ns, bytes));
                            }
                        }
                        if (mtu == mtus.get(0) && connections > 0 && m == modes.size() - 1) {
                            connJtcp = connectRateJtcp(stack, ns, connections);
                        }
                        if (verbose) {
                            verbose(err, stack, ns, mtu);
                        }
                    } finally {
                        stack.shutdown(500);
                    }
                }
                // The ceiling is best of runs too: a scheduling hiccup of its two threads must not flatter jtcp's ratio.
                double ceiling = bestOf(() -> TunCeiling.measure(dev, ns, KERNEL + "/24", OTHER, JTCP, mtu, seconds));
                // Kernel to kernel over veth, best of runs: with the veth's offloads (compared with jtcp's "on" rows) and,
                // when jtcp was measured without offloads, with them all off (its "off" rows: the kernel checksums and
                // segments in software, and each packet crosses one by one, as over a plain TUN device).
                double veth;
                double vethPlain = Double.NaN;
                String nsB = ns + "-b";
                IpTool.run(List.of("ip", "netns", "add", nsB));
                try {
                    congestionControl(nsB, kernelCc);
                    vethLink(ns, nsB, mtu);
                    veth = bestOf(() -> kernelVeth(ns, nsB, bytes));
                    if (mtu == mtus.get(0) && connections > 0) {
                        connKernel = connectRateKernel(ns, nsB, connections);
                    }
                    if (modes.contains(TunStack.Offload.OFF) && vethOffloadsOff(ns, nsB, err)) {
                        vethPlain = bestOf(() -> kernelVeth(ns, nsB, bytes));
                        fields.append(String.format(" veth_plain_%d=%.3f", mtu, vethPlain / 1e9));
                    }
                } finally {
                    IpTool.run(List.of("ip", "netns", "del", nsB));
                }
                int headline = -1;
                for (int m = 0; m < modes.size(); m++) {
                    double k2j = jtcp[m][0];
                    double j2k = jtcp[m][1];
                    if (k2j == 0 && j2k == 0) {
                        continue;   // the kernel refused offloads
                    }
                    headline = m;
                    String tag = modes.get(m) == TunStack.Offload.ON ? "on" : "off";
                    double vref = modes.get(m) == TunStack.Offload.ON ? veth : vethPlain;
                    out.printf("%-6d %-8s %9.3f Gb/s %9.3f Gb/s %9.3f Gb/s %9s Gb/s %9.3f %9.3f %9s %9s%n", mtu, tag, k2j / 1e9,
                            j2k / 1e9, ceiling / 1e9, num(vref / 1e9), k2j / ceiling, j2k / ceiling, num(k2j / vref), num(j2k / vref));
                    String key = modes.get(m) == TunStack.Offload.ON ? "tso" : "plain";
                    fields.append(String.format(" k2j_%s_%d=%.3f j2k_%s_%d=%.3f", key, mtu, k2j / 1e9, key, mtu, j2k / 1e9));
                }
                out.flush();
                // The headline is the last mode measured: with offloads when the kernel took them (jtcp's default).
                double k2j = jtcp[headline][0];
                double j2k = jtcp[headline][1];
                fields.append(String.format(" k2j_%d=%.3f j2k_%d=%.3f ceiling_%d=%.3f veth_%d=%.3f", mtu, k2j / 1e9, mtu, j2k / 1e9,
                        mtu, ceiling / 1e9, mtu, veth / 1e9));
                double slower = !k2jOn ? j2k : !j2kOn ? k2j : Math.min(k2j, j2k);
                double worst = slower / ceiling;
                if (worst < worstRatio) {
                    worstRatio = worst;
                    worstJtcp = slower;
                    worstCeiling = ceiling;
                }
            } finally {
                IpTool.run(List.of("ip", "netns", "del", ns));
            }
        }
        if (connections > 0) {
            out.printf("connections/s from a kernel client (%d, one at a time, 1 byte each way), MTU %d: jtcp server over TUN %.0f, "
                    + "kernel server over veth %.0f, ratio %.3f%n", connections, mtus.get(0), connJtcp, connKernel, connJtcp / connKernel);
            fields.append(String.format(" conn_jtcp=%.0f conn_kernel=%.0f conn_ratio=%.3f", connJtcp, connKernel, connJtcp / connKernel));
        }
        out.printf("RESULT name=tun jtcp=%.3f kernel=%.3f unit=Gbit/s ratio=%.3f%s%n", worstJtcp / 1e9, worstCeiling / 1e9, worstRatio, fields);
        out.flush();
        return 0;
    }

    /** One reference measurement (bits per second). */
    @FunctionalInterface
    private interface Measurement {
        double run() throws IOException, InterruptedException;
    }

    /** The best of --runs runs of m. */
    private double bestOf(Measurement m) throws IOException, InterruptedException {
        double best = 0;
        for (int r = 0; r < runs; r++) {
            best = Math.max(best, m.run());
        }
        return best;
    }

    /** Makes cc the namespace's congestion control (a new namespace inherits the host's default). */
    private static void congestionControl(String ns, String cc) throws IOException {
        try {
            IpTool.run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.tcp_congestion_control=" + cc));
        } catch (IOException e) {
            throw new IOException("--kernel-cc " + cc + ": cannot make it the namespace's congestion control (" + e.getMessage()
                    + "; available: " + Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")).strip() + ")", e);
        }
    }

    private static void verbose(PrintWriter err, TunStack stack, String ns, int mtu) throws IOException {
        var c = stack.nstat();
        err.printf("mtu %d, offload %s: jtcp retransmitted %d segments (%d RTOs, %d loss probes, %d fast retransmits); device %s%n", mtu,
                stack.offload() ? "on" : "off", c.getOrDefault("TcpRetransSegs", 0L), c.getOrDefault("TcpExtTCPTimeouts", 0L),
                c.getOrDefault("TcpExtTCPLossProbes", 0L), c.getOrDefault("TcpExtTCPFastRetrans", 0L), stack.deviceStats());
        String link = IpTool.run(IpTool.ns(ns, "-s", "link", "show", "dev", stack.deviceName()));
        String kstat = IpTool.run(List.of("ip", "netns", "exec", ns, "nstat", "-az", "TcpExtTCPRcvQDrop",
                "TcpExtTCPOFOQueue", "TcpExtTCPLossProbes", "TcpRetransSegs", "TcpExtTCPTimeouts", "TcpExtTCPZeroWindowDrop",
                "TcpExtTCPBacklogDrop", "TcpExtPruneCalled", "TcpExtTCPRcvCollapsed", "TcpExtTCPDSACKRecv"));
        err.println(link);
        err.println(kstat);
        err.flush();
    }

    /** The kernel sends n bytes to a jtcp discard socket; bits per second at jtcp, first byte to FIN. */
    private static double kernelToJtcp(TunStack stack, String ns, long n) throws IOException, InterruptedException {
        TunSocket l = TunSocket.open(stack);
        l.bind(InetAddress.getByName(JTCP), 0);
        l.listen(1);
        int port = l.localAddress().getPort();
        Process sender = python(ns, """
                import socket
                s = socket.create_connection(('%s', %d))
                buf = bytes(1 << 20); left = %d
                while left > 0:
                    k = min(left, len(buf)); s.sendall(buf[:k] if k < len(buf) else buf); left -= k
                s.close()
                """.formatted(JTCP, port, n));
        try (TunSocket c = l.accept(60_000)) {
            l.close();
            byte[] buf = new byte[1 << 20];
            long got = 0;
            long start = 0;
            int r;
            while ((r = c.read(buf, 0, buf.length)) >= 0) {
                if (got == 0) {
                    start = System.nanoTime();
                }
                got += r;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            if (got != n) {
                throw new IOException("kernel->jtcp transfer moved " + got + " of " + n + " bytes");
            }
            return got * 8 / secs;
        } finally {
            sender.waitFor();
        }
    }

    /** jtcp sends n bytes to a kernel sink; bits per second from connect to the sink's count coming back. */
    private static double jtcpToKernel(TunStack stack, String ns, long n) throws IOException, InterruptedException {
        Process sink = python(ns, """
                import socket
                l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind(('%s', 0)); l.listen(1)
                print('ready', l.getsockname()[1], flush=True)
                c, _ = l.accept(); buf = bytearray(1 << 20); got = 0
                while True:
                    k = c.recv_into(buf)
                    if k == 0:
                        break
                    got += k
                c.sendall(str(got).encode()); c.close()
                """.formatted(KERNEL));
        BufferedReader r = new BufferedReader(new InputStreamReader(sink.getInputStream(), StandardCharsets.US_ASCII));
        String ready = r.readLine();
        if (ready == null || !ready.startsWith("ready ")) {
            sink.destroyForcibly();
            throw new IOException("the kernel sink did not start");
        }
        int port = Integer.parseInt(ready.substring(6).strip());
        try (TunSocket s = TunSocket.open(stack)) {
            long start = System.nanoTime();
            s.connect(new InetSocketAddress(KERNEL, port), 10_000);
            byte[] buf = new byte[1 << 18];
            long left = n;
            while (left > 0) {
                int k = (int) Math.min(left, buf.length);
                s.write(buf, 0, k);
                left -= k;
            }
            s.shutdownOutput();
            String count = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            double secs = (System.nanoTime() - start) / 1e9;
            if (!count.equals(Long.toString(n))) {
                throw new IOException("jtcp->kernel transfer: the sink counted " + count + " of " + n + " bytes");
            }
            return n * 8 / secs;
        } finally {
            sink.waitFor();
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.3f", v);
    }

    /** A veth pair of this MTU between two namespaces: 10.77.251.1 (jtva) in nsA, 10.77.251.2 (jtvb) in nsB. */
    private static void vethLink(String nsA, String nsB, int mtu) throws IOException {
        String m = Integer.toString(mtu);
        IpTool.run(IpTool.ns(nsA, "link", "add", "jtva", "type", "veth", "peer", "name", "jtvb", "netns", nsB));
        IpTool.run(IpTool.ns(nsA, "addr", "add", "10.77.251.1/24", "dev", "jtva"));
        IpTool.run(IpTool.ns(nsB, "addr", "add", "10.77.251.2/24", "dev", "jtvb"));
        IpTool.run(IpTool.ns(nsA, "link", "set", "dev", "jtva", "mtu", m, "up"));
        IpTool.run(IpTool.ns(nsB, "link", "set", "dev", "jtvb", "mtu", m, "up"));
    }

    /**
     * Turns every offload of both ends of the veth pair off (checksums both ways, scatter-gather, TSO, GSO, GRO):
     * false, with a note, when ethtool is missing or refuses.
     */
    private static boolean vethOffloadsOff(String nsA, String nsB, PrintWriter err) {
        try {
            for (String[] end : new String[][] {{nsA, "jtva"}, {nsB, "jtvb"}}) {
                IpTool.run(List.of("ip", "netns", "exec", end[0], "ethtool", "-K", end[1], "rx", "off", "tx", "off", "sg", "off", "tso",
                        "off", "gso", "off", "gro", "off"));
            }
            return true;
        } catch (IOException e) {
            err.println("jtcp: kernel veth without offloads not measured (needs ethtool: apt-get install ethtool): " + e.getMessage());
            return false;
        }
    }

    /** Kernel to kernel over the veth pair ({@link #vethLink}): bits per second at the sink, first byte to end. */
    private static double kernelVeth(String nsA, String nsB, long n) throws IOException, InterruptedException {
        Process sink = python(nsA, """
                import socket, time
                l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind(('10.77.251.1', 0)); l.listen(1)
                print('ready', l.getsockname()[1], flush=True)
                c, _ = l.accept(); buf = bytearray(1 << 20); got = 0; t0 = 0
                while True:
                    k = c.recv_into(buf)
                    if k == 0:
                        break
                    if got == 0:
                        t0 = time.monotonic()
                    got += k
                print(got, time.monotonic() - t0, flush=True)
                """);
        BufferedReader r = new BufferedReader(new InputStreamReader(sink.getInputStream(), StandardCharsets.US_ASCII));
        String ready = r.readLine();
        if (ready == null || !ready.startsWith("ready ")) {
            sink.destroyForcibly();
            throw new IOException("the kernel sink did not start");
        }
        Process sender = python(nsB, """
                import socket
                s = socket.create_connection(('10.77.251.1', %s))
                buf = bytes(1 << 20); left = %d
                while left > 0:
                    k = min(left, len(buf)); s.sendall(buf[:k] if k < len(buf) else buf); left -= k
                s.close()
                """.formatted(ready.substring(6).strip(), n));
        sender.waitFor();
        String[] res = r.readLine().strip().split(" ");
        sink.waitFor();
        if (Long.parseLong(res[0]) != n) {
            throw new IOException("kernel->kernel transfer moved " + res[0] + " of " + n + " bytes");
        }
        return n * 8 / Double.parseDouble(res[1]);
    }

    private static final String CONNECT_CLIENT = """
            import socket, time
            n = %d; t0 = time.monotonic()
            for i in range(n):
                s = socket.create_connection(('%s', %s), timeout=10); s.sendall(b'x'); s.recv(1); s.close()
            print(n / (time.monotonic() - t0), flush=True)
            """;

    /**
     * Connections per second from a kernel client to a jtcp server (accept, 1 byte back, close). The server is the
     * kernel side's program in Java: one platform thread accepting and serving each connection in turn, as the Python
     * server over veth does (a virtual thread per connection, as {@code jtcp tun echo} serves, adds two scheduler
     * hand-offs per connection: measured 5,100-5,600 connections/s against 9,000 sequentially).
     */
    private static double connectRateJtcp(TunStack stack, String ns, int n) throws IOException, InterruptedException {
        TunSocket l = TunSocket.open(stack);
        l.bind(InetAddress.getByName(JTCP), 0);
        l.listen(4096);
        Thread server = Thread.ofPlatform().name("bench-conn-server").start(() -> {
            byte[] b = new byte[1];
            while (true) {
                TunSocket c;
                try {
                    c = l.accept(0);
                } catch (IOException e) {
                    return;   // the listener closed: the measurement is over
                }
                try (c) {
                    if (c.read(b, 0, 1) == 1) {
                        c.write(b, 0, 1);
                    }
                } catch (IOException e) {
                    // this connection failed (reset): the client's next one is served all the same
                }
            }
        });
        try {
            Process client = python(ns, CONNECT_CLIENT.formatted(n, JTCP, l.localAddress().getPort()));
            String rate = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            client.waitFor();
            return Double.parseDouble(rate);
        } finally {
            l.close();
            server.join();
        }
    }

    /** The same against a kernel server (Python, sequential accept loop) over the veth pair. */
    private static double connectRateKernel(String nsA, String nsB, int n) throws IOException, InterruptedException {
        Process server = python(nsA, """
                import socket
                l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind(('10.77.251.1', 0)); l.listen(4096)
                print('ready', l.getsockname()[1], flush=True)
                while True:
                    c, _ = l.accept()
                    try:
                        d = c.recv(1); c.sendall(d)
                    except OSError:
                        pass
                    c.close()
                """);
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
            String ready = r.readLine();
            if (ready == null || !ready.startsWith("ready ")) {
                throw new IOException("the kernel server did not start");
            }
            Process client = python(nsB, CONNECT_CLIENT.formatted(n, "10.77.251.1", ready.substring(6).strip()));
            String rate = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            client.waitFor();
            return Double.parseDouble(rate);
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static Process python(String ns, String program) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "python3", "-u", "-c", program));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
