package dev.jtcp.sim.scenario;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.stack.NetStack;
import dev.jtcp.sys.Mib;
import dev.jtcp.tcp.SocketEntry;
import dev.jtcp.time.Rng;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.time.Duration;

/**
 * SYN flood resilience: an attacker floods a listener with spoofed SYNs at a given rate (in bursts
 * every millisecond) while a legitimate client opens a connection every 10 ms, sends a request and
 * reads the reply. A legitimate connection succeeds when its exchange is over within {@link #DEADLINE_MS}
 * of its start (a patient user; a client still retrying its SYN after that has failed). Reports how
 * many succeeded, the slowest, and the most the listener ever
 * held (half-open requests, accept queue, sockets), which must stay bounded by its queues whatever
 * the flood. Runs without a trace; the simulator's clock is virtual, the flood rate is per virtual second.
 *
 * @param synPerSecond spoofed SYNs per virtual second
 * @param seconds how long the flood lasts (virtual seconds); clients connect during it
 * @param syncookies tcp_syncookies on the server
 * @param backlog the server's listen() backlog
 */
public record SynFloodRun(long synPerSecond, double seconds, int syncookies, int backlog) {
    private static final int PORT = 80;
    /** A legitimate exchange that takes longer than this has failed. */
    public static final long DEADLINE_MS = 1000;

    /** What a run measured. */
    public record Result(int attempted, int succeeded, long slowestMs, long synsSent, int maxRequests, int maxAcceptQueue,
                         int maxServerEntries, long cookiesSent, long cookiesRecv, long reqQFullDrop,
                         long listenDrops, long wallNs, long virtualNs) {
        public double successRate() {
            return attempted == 0 ? 0 : (double) succeeded / attempted;
        }
    }

    public Result run(long seed) {
        Simulation sim = Simulation.builder().seed(seed).trace(false)
                .host("client", "10.0.0.1").host("server", "10.0.0.2").host("attacker", "10.0.0.3")
                .link("client", "server", LinkSpec.rttMillis(50))
                .link("attacker", "server", LinkSpec.rttMillis(50))
                .sysctl("server", "net.ipv4.tcp_syncookies", Integer.toString(syncookies))
                .build();
        int[] ok = {0};
        int[] attempted = {0};
        long[] slowest = {0};
        long[] sent = {0};
        sim.app("server", p -> {
            SimSocket l = p.socket();
            l.bind(PORT);
            l.listen(backlog);
            while (true) {
                SimSocket c = l.accept();
                p.spawn(w -> {
                    c.read(100);
                    c.write("ok");
                    c.close();
                });
            }
        });
        long floodNs = (long) (seconds * 1e9);
        sim.app("attacker", p -> {
            Rng rng = p.random("flood");
            int server = Ipv4Addr.parse("10.0.0.2");
            int spoofBase = Ipv4Addr.parse("198.18.0.0");
            long perMs = Math.max(1, synPerSecond / 1000);
            for (long ms = 0; ms * 1_000_000L < floodNs; ms++) {
                p.sleepUntil(Duration.ofMillis(ms));
                for (long i = 0; i < perMs; i++) {
                    long n = sent[0]++;
                    boolean options = (n & 1) == 0;
                    TcpHeader syn = new TcpHeader(1024 + rng.nextInt(64000), PORT, rng.nextInt(), 0, TcpFlags.SYN,
                            options ? 64240 : 65535, 0, 0,
                            options ? TcpOptions.synLinux(1460, true, true, rng.nextInt(), 0, 7) : TcpOptions.NONE);
                    p.sendRaw(spoofBase + 1 + (int) (n % 131_070), server, syn, "spoofed SYN");
                }
            }
        });
        for (long t = 10; t * 1_000_000L < floodNs; t += 10) {
            sim.app("client", Duration.ofMillis(t), p -> {
                attempted[0]++;
                long start = p.nowNs();
                SimSocket s = p.socket();
                boolean done = s.connect("10.0.0.2", PORT) == 0 && s.write("hello") == 5 && "ok".equals(s.read(100).text());
                long ms = (p.nowNs() - start) / 1_000_000L;
                slowest[0] = Math.max(slowest[0], ms);
                if (done && ms <= DEADLINE_MS) {
                    ok[0]++;
                }
                s.close();
            });
        }
        NetStack server = sim.stack("server");
        int[] max = new int[3];
        for (long t = 1; t * 1_000_000L < floodNs + 5_000_000_000L; t += 1) {
            sim.observe(Duration.ofMillis(t), () -> {
                int requests = 0;
                int acceptQ = 0;
                int entries = 0;
                for (SocketEntry e : server.ss()) {
                    entries++;
                    if (e.kind().equals("request")) {
                        requests++;
                    } else if (e.state().equals("LISTEN")) {
                        acceptQ = (int) e.recvQ();
                    }
                }
                max[0] = Math.max(max[0], requests);
                max[1] = Math.max(max[1], acceptQ);
                max[2] = Math.max(max[2], entries);
            });
        }
        long t0 = System.nanoTime();
        // Long enough for every client's handshake retries to play out after the flood.
        long end = sim.run(Duration.ofNanos(floodNs).plus(Duration.ofMinutes(3)));
        long wall = System.nanoTime() - t0;
        sim.close();
        return new Result(attempted[0], ok[0], slowest[0], sent[0], max[0], max[1], max[2],
                server.mib().get(Mib.TcpExtSyncookiesSent), server.mib().get(Mib.TcpExtSyncookiesRecv),
                server.mib().get(Mib.TcpExtTCPReqQFullDrop), server.mib().get(Mib.TcpExtListenDrops), wall, end);
    }
}
