package dev.jtcp.cli;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.ReadResult;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * jtcp bench connect: complete connection lifecycles per second (connect, accept, a small request and
 * reply, close on both sides) between two simulated hosts, timed on the wall clock, beside the same loop
 * through JDK sockets over the kernel's loopback in the same run.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connection lifecycles per second (handshake, accept, request, reply, close) between two"
                + " simulated jtcp hosts versus JDK sockets over the kernel's loopback.")
final class ConnectBench implements Callable<Integer> {
    private static final byte[] REQUEST = "GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] REPLY = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Option(names = "--connections", paramLabel = "N", defaultValue = "20000",
            description = "Connections per measured run (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "Clients (and server workers) working at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Measured runs of each side; the best is reported (default: ${DEFAULT-VALUE}).")
    int runs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (connections < 1 || concurrency < 1 || runs < 1 || concurrency > 10_000) {
            throw new Main.UsageError("--connections and --runs must be positive and --concurrency in 1..10000", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%d connection lifecycles per run, %d at a time (connect, %d-byte request, %d-byte reply, close)%n",
                connections, concurrency, REQUEST.length, REPLY.length);
        // Each side is warmed up and measured on its own, so that one does not disturb the other's JIT
        // profile or heap; the best run of each is reported.
        double[] j = measure(out, "jtcp (event loop)", this::eventLoop);
        double[] p = measure(out, "jtcp (simulated processes)", this::processes);
        double[] k = measure(out, "kernel loopback", n -> {
            try {
                return kernel(n);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("kernel loop failed: " + e.getMessage(), e);
            }
        });
        double jb = Arrays.stream(j).max().orElse(0);
        double pb = Arrays.stream(p).max().orElse(0);
        double kb = Arrays.stream(k).max().orElse(0);
        out.printf("best: jtcp %.0f conn/s driven by one event loop (the stacks' own cost), %.0f conn/s with blocking"
                + " simulated processes (adds virtual-thread hand-offs), kernel loopback %.0f conn/s with %d+%d JDK"
                + " threads on %d CPUs; ratio %.2f%n", jb, pb, kb, concurrency, concurrency,
                Runtime.getRuntime().availableProcessors(), jb / kb);
        out.printf("RESULT name=connect jtcp=%.0f kernel=%.0f unit=conn/s ratio=%.3f%n", jb, kb, jb / kb);
        out.flush();
        return 0;
    }

    private double[] measure(PrintWriter out, String side, java.util.function.IntToDoubleFunction run) {
        // Warm up for a few seconds of wall time: the JIT needs that long to settle on the hot paths.
        long warmEnd = System.nanoTime() + 4_000_000_000L;
        for (int w = 0; w < 3 || System.nanoTime() < warmEnd; w++) {
            run.applyAsDouble(Math.min(connections, 20000));
        }
        double[] r = new double[runs];
        for (int i = 0; i < runs; i++) {
            r[i] = run.applyAsDouble(connections);
            out.printf("%s run %d: %.0f conn/s%n", side, i + 1, r[i]);
            out.flush();
        }
        return r;
    }

    /**
     * Lifecycles between two jtcp hosts wired back to back, driven by one event loop over the
     * non-blocking socket API (the way an application embeds jtcp): connections per wall-clock second.
     */
    private double eventLoop(int n) {
        BackToBack net = new BackToBack();
        int done = net.run(n, concurrency, REQUEST, REPLY);
        if (done != n) {
            throw new IllegalStateException("jtcp: " + done + " of " + n + " lifecycles completed");
        }
        return n * 1e9 / net.elapsedNs;
    }

    /** Lifecycles between two simulated hosts with blocking processes; returns connections per wall-clock second. */
    private double processes(int n) {
        Simulation sim = Simulation.builder().seed(1).trace(false)
                .host("client", "10.0.0.1").host("server", "10.0.0.2")
                .link("client", "server", LinkSpec.ideal())
                .build();
        long[] served = {0};
        long[] done = {0};
        SimSocket[] listener = new SimSocket[1];
        sim.app("server", p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(4096);
            listener[0] = l;
            for (int w = 0; w < concurrency; w++) {
                p.spawn(wp -> {
                    while (served[0] < n) {
                        SimSocket c = l.accept();
                        if (c == null) {
                            return;
                        }
                        c.read(REQUEST.length);
                        c.write(REPLY);
                        c.close();
                        served[0]++;
                    }
                });
            }
        });
        int perClient = n / concurrency;
        int extra = n % concurrency;
        for (int c = 0; c < concurrency; c++) {
            int mine = perClient + (c < extra ? 1 : 0);
            sim.app("client", p -> {
                for (int i = 0; i < mine; i++) {
                    SimSocket s = p.socket();
                    if (s.connect("10.0.0.2", 80) != 0) {
                        throw new IllegalStateException("connect failed");
                    }
                    s.write(REQUEST);
                    ReadResult r = s.read(256);
                    if (r.result() != REPLY.length) {
                        throw new IllegalStateException("short reply: " + r);
                    }
                    s.read(256);   // end of stream
                    s.close();
                    done[0]++;
                }
            });
        }
        long t0 = System.nanoTime();
        sim.run(Duration.ofDays(1));
        long t1 = System.nanoTime();
        sim.close();
        if (done[0] != n) {
            throw new IllegalStateException("jtcp: " + done[0] + " of " + n + " lifecycles completed");
        }
        return n * 1e9 / (t1 - t0);
    }

    /** The same loop with JDK sockets over the kernel's loopback; returns connections per second. */
    private double kernel(int n) throws IOException, InterruptedException {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            int port = ss.getLocalPort();
            AtomicLong remaining = new AtomicLong(n);
            AtomicLong done = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int w = 0; w < concurrency; w++) {
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    byte[] buf = new byte[256];
                    while (true) {
                        try (Socket c = ss.accept()) {
                            InputStream in = c.getInputStream();
                            int got = 0;
                            while (got < REQUEST.length) {
                                int r = in.read(buf, got, REQUEST.length - got);
                                if (r < 0) {
                                    break;
                                }
                                got += r;
                            }
                            c.getOutputStream().write(REPLY);
                        } catch (IOException e) {
                            return;   // the listener was closed
                        }
                    }
                }));
            }
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    byte[] buf = new byte[256];
                    while (remaining.getAndDecrement() > 0) {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            OutputStream o = s.getOutputStream();
                            o.write(REQUEST);
                            InputStream in = s.getInputStream();
                            int got = 0;
                            int r;
                            while ((r = in.read(buf, got, buf.length - got)) > 0) {
                                got += r;
                            }
                            if (got != REPLY.length) {
                                throw new IllegalStateException("short reply from the kernel: " + got);
                            }
                            done.incrementAndGet();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            long t1 = System.nanoTime();
            if (done.get() != n) {
                throw new IllegalStateException("kernel: " + done.get() + " of " + n + " lifecycles completed");
            }
            return n * 1e9 / (t1 - t0);
        }
    }

    /** Two stacks joined by a zero-delay wire and one single-threaded event loop driving both. */
    static final class BackToBack {
        private final dev.jtcp.stack.NetStack client;
        private final dev.jtcp.stack.NetStack server;
        private final java.util.ArrayDeque<byte[]> toServer = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<byte[]> toClient = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<dev.jtcp.tcp.TcpSock> ready = new java.util.ArrayDeque<>();
        private long now;
        long elapsedNs;

        BackToBack() {
            // A wire with the kernel loopback's properties: 64 KB MTU, checksums left to the device.
            client = dev.jtcp.stack.NetStack.builder("client").address("10.0.0.1").seed(1).mtu(65536)
                    .checksumOffload(true).sink((from, pkt) -> toServer.add(pkt)).build();
            server = dev.jtcp.stack.NetStack.builder("server").address("10.0.0.2").seed(2).mtu(65536)
                    .checksumOffload(true).sink((from, pkt) -> toClient.add(pkt)).build();
            client.onWake(ready::add);
            server.onWake(ready::add);
        }

        int run(int n, int concurrency, byte[] request, byte[] reply) {
            int[] done = {0};
            int[] started = {0};
            dev.jtcp.api.TcpSocket listener = dev.jtcp.api.TcpSocket.open(server);
            listener.bind(new dev.jtcp.wire.Endpoint(0, 80));
            listener.listen(4096);
            dev.jtcp.wire.Endpoint dst = new dev.jtcp.wire.Endpoint(dev.jtcp.wire.Ipv4Addr.parse("10.0.0.2"), 80);
            byte[] buf = new byte[512];
            listener.sock().attach((Runnable) () -> {
                dev.jtcp.api.TcpSocket c;
                while ((c = listener.accept()) != null) {
                    dev.jtcp.api.TcpSocket conn = c;
                    int[] got = {0};
                    Runnable serve = () -> {
                        if (got[0] < 0) {
                            return;
                        }
                        int r;
                        while (got[0] < request.length && (r = conn.read(buf, 0, buf.length)) > 0) {
                            got[0] += r;
                        }
                        if (got[0] >= request.length) {
                            conn.write(reply, 0, reply.length);
                            conn.close();
                            conn.sock().attach(null);
                            got[0] = -1;
                        }
                    };
                    conn.sock().attach(serve);
                    serve.run();
                }
            });
            Runnable[] startOne = new Runnable[1];
            startOne[0] = () -> {
                started[0]++;
                dev.jtcp.api.TcpSocket s = dev.jtcp.api.TcpSocket.open(client);
                int[] phase = {0};
                int[] got = {0};
                Runnable h = () -> {
                    if (phase[0] == 0) {
                        if (!s.connectDone()) {
                            return;
                        }
                        if (s.connectResult() != 0) {
                            throw new IllegalStateException("connect failed: " + s.connectResult());
                        }
                        s.write(request, 0, request.length);
                        phase[0] = 1;
                    }
                    if (phase[0] == 1) {
                        int r;
                        while ((r = s.read(buf, 0, buf.length)) > 0) {
                            got[0] += r;
                        }
                        if (r == 0) {
                            if (got[0] != reply.length) {
                                throw new IllegalStateException("short reply: " + got[0]);
                            }
                            s.close();
                            s.sock().attach(null);
                            phase[0] = 2;
                            done[0]++;
                            if (started[0] < n) {
                                startOne[0].run();
                            }
                        }
                    }
                };
                s.sock().attach(h);
                s.connect(dst);
            };
            long t0 = System.nanoTime();
            for (int i = 0; i < Math.min(concurrency, n); i++) {
                startOne[0].run();
            }
            while (done[0] < n) {
                byte[] p = toServer.poll();
                if (p != null) {
                    server.onPacket(now, p, 0, p.length);
                    continue;
                }
                p = toClient.poll();
                if (p != null) {
                    client.onPacket(now, p, 0, p.length);
                    continue;
                }
                dev.jtcp.tcp.TcpSock sk = ready.poll();
                if (sk != null) {
                    if (sk.attachment() instanceof Runnable h) {
                        h.run();
                    }
                    continue;
                }
                long d = Math.min(client.nextDeadlineNs(), server.nextDeadlineNs());
                if (d == dev.jtcp.time.Deadline.NONE) {
                    break;   // stalled: nothing in flight, nothing due
                }
                now = Math.max(now, d);
                client.advanceTo(now);
                server.advanceTo(now);
            }
            elapsedNs = System.nanoTime() - t0;
            return done[0];
        }
    }
}
