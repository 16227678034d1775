package dev.jtcp.sim.soak;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.Proc;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sim.SimulationException;
import dev.jtcp.stack.NetStack;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.time.Nanos;
import dev.jtcp.time.Rng;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Integrity under faults: one seeded transfer between two simulated hosts through a link that loses,
 * reorders, duplicates and corrupts packets, and the checks that make it a soak test.
 *
 * <p>The seed decides everything ({@link Plan#of}): the shape of the exchange (an upload closed at once,
 * a download, a request and response over a half-closed connection, or both directions at once, each
 * ending with {@code shutdown(SHUT_WR)}), the sizes (up to 300 KB each way, sometimes nothing), the
 * write and read chunk sizes, occasional pauses between writes, TCP_NODELAY, the round-trip time and,
 * per direction, the loss (up to the given maximum), reordering, duplication and corruption rates.
 *
 * <p>A run is {@link Outcome#INTACT} when every byte written arrived exactly once and in order (the bytes
 * read equal the bytes written; their CRC-32 is reported), every call returned as expected (EOF seen by
 * each reader, close() returned 0), no connection was reset or aborted, the end that sent the first FIN
 * went through TIME_WAIT (both, when FINs crossed), every corrupted packet was dropped and counted by
 * the receiver (IpExtInCsumErrors or TcpInCsumErrors), and, once the simulation went quiet, no
 * connection object was left: both hosts' connection tables, bind
 * buckets, listeners, live sockets and timers are empty, within {@link #LINGER} of the applications'
 * end. Otherwise it is {@link Outcome#CORRUPTED} (a wrong, missing-in-the-middle or extra byte was
 * delivered), {@link Outcome#STUCK} (an application had not finished within {@link #TRANSFER_LIMIT} of
 * virtual time, a call failed, or the close was not clean) or {@link Outcome#LEAKED}.
 *
 * <p>The same seed gives the same run, event for event: {@code jtcp bench soak --seeds 1 --seed-start S
 * --trace FILE} replays one with its trace.
 */
public final class Soak {
    /** Virtual time within which both applications must be done. */
    public static final Duration TRANSFER_LIMIT = Duration.ofMinutes(20);
    /**
     * How long after the applications' end the hosts may still hold anything: an orphan retransmits its
     * FIN until tcp_orphan_retries (15 here) backed-off RTOs have passed (924.6 s from the first, as
     * retransmits_timed_out() counts them), and each FIN that gets through restarts the peer's TIME_WAIT
     * (60 s, up to 62 s on the timer wheel).
     */
    public static final Duration LINGER = Duration.ofMinutes(20);
    /** The largest transfer in one direction. */
    public static final int MAX_BYTES = 300_000;
    public static final double DEFAULT_MAX_LOSS = 0.20;
    /** The most pauses one writer makes (tiny writes with frequent pauses would otherwise last hours). */
    static final int MAX_PAUSES = 30;
    static final String CLIENT = "client";
    static final String SERVER = "server";
    static final String SERVER_ADDR = "10.0.0.2";
    static final int PORT = 5001;

    private Soak() {}

    /** How a run ended. */
    public enum Outcome { INTACT, CORRUPTED, STUCK, LEAKED }

    /** The exchange: who writes what, in which order. */
    public enum Shape {
        /** The client writes and closes at once (its socket is orphaned with data in flight); the server reads to EOF and closes. */
        UPLOAD,
        /** The server writes and closes at once; the client reads to EOF and closes. */
        DOWNLOAD,
        /** The client writes, shuts down its sending side, reads the response to EOF; the server reads to EOF, responds, closes. */
        REQUEST_RESPONSE,
        /** Both write and read at once; each writer ends with shutdown(SHUT_WR); each closes after both. */
        BOTH_WAYS
    }

    /** One direction's faults. */
    public record Faults(double loss, double reorder, long reorderDelayNs, double duplicate, double corrupt) {
        LinkSpec apply(LinkSpec base) {
            return base.withLoss(loss).withReorder(reorder, Duration.ofNanos(reorderDelayNs)).withDuplicate(duplicate)
                    .withCorrupt(corrupt);
        }

        @Override
        public String toString() {
            return String.format("loss %.1f%% reorder %.1f%% (+%.1f ms) dup %.1f%% corrupt %.1f%%", 100 * loss, 100 * reorder,
                    reorderDelayNs / 1e6, 100 * duplicate, 100 * corrupt);
        }
    }

    /**
     * Everything a seed decides.
     *
     * @param upBytes bytes the client writes
     * @param downBytes bytes the server writes
     * @param writeChunk the largest write() (each write is 1..writeChunk bytes)
     * @param readChunk the largest read()
     * @param pauseEvery a pause of up to 200 ms after about one write in pauseEvery (0: never), at most {@link #MAX_PAUSES}
     * @param noDelay TCP_NODELAY on both sockets
     * @param rttUs the link's round-trip time
     * @param rateBitsPerSecond the link's rate (0: unlimited); a drop-tail queue of 100 packets when limited
     */
    public record Plan(long seed, Shape shape, int upBytes, int downBytes, int writeChunk, int readChunk, int pauseEvery,
                       boolean noDelay, long rttUs, long rateBitsPerSecond, Faults clientToServer, Faults serverToClient) {

        public static Plan of(long seed, double maxLoss) {
            if (!(maxLoss >= 0 && maxLoss <= 1)) {
                throw new IllegalArgumentException("loss must be a probability in [0, 1], got " + maxLoss);
            }
            Rng r = new Rng(seed).split("soak-plan");
            Shape shape = Shape.values()[r.nextInt(Shape.values().length)];
            int up = size(r);
            int down = size(r);
            switch (shape) {
                case UPLOAD -> down = 0;
                case DOWNLOAD -> up = 0;
                default -> { }
            }
            int[] chunks = {1, 100, 1460, 4096, 16384, 65536, 262144};
            int writeChunk = chunks[r.nextInt(chunks.length)];
            int readChunk = chunks[r.nextInt(chunks.length)];
            int pauseEvery = r.nextInt(4) == 0 ? 1 + r.nextInt(50) : 0;
            boolean noDelay = r.nextInt(2) == 0;
            long rttUs = 200 + r.nextInt(100_000);
            long rate = r.nextInt(3) == 0 ? (10 + r.nextInt(991)) * 1_000_000L : 0;
            return new Plan(seed, shape, up, down, writeChunk, readChunk, pauseEvery, noDelay, rttUs, rate,
                    faults(r, maxLoss), faults(r, maxLoss));
        }

        private static int size(Rng r) {
            return switch (r.nextInt(8)) {
                case 0 -> 0;
                case 1 -> 1 + r.nextInt(100);
                case 2 -> 1 + r.nextInt(20_000);
                default -> 1 + r.nextInt(MAX_BYTES);
            };
        }

        private static Faults faults(Rng r, double maxLoss) {
            double loss = r.nextDouble() * maxLoss;
            double reorder = r.nextInt(2) == 0 ? r.nextDouble() * 0.10 : 0;
            long reorderDelay = 100_000 + r.nextInt(20_000_000);
            double dup = r.nextInt(2) == 0 ? r.nextDouble() * 0.05 : 0;
            double corrupt = r.nextInt(2) == 0 ? r.nextDouble() * 0.05 : 0;
            return new Faults(loss, reorder, reorderDelay, dup, corrupt);
        }

        @Override
        public String toString() {
            return String.format("%s up %d B down %d B, writes <= %d B, reads <= %d B%s%s, rtt %.1f ms%s; "
                            + "client>server %s; server>client %s", shape, upBytes, downBytes, writeChunk, readChunk,
                    pauseEvery > 0 ? ", pauses 1/" + pauseEvery : "", noDelay ? ", TCP_NODELAY" : "", rttUs / 1000.0,
                    rateBitsPerSecond > 0 ? String.format(", %d Mbit/s", rateBitsPerSecond / 1_000_000) : "",
                    clientToServer, serverToClient);
        }
    }

    /**
     * What one seed gave.
     *
     * @param detail why it is not intact (empty when intact)
     * @param endNs the virtual time at which the run went quiet (or hit its limit)
     * @param appsDoneNs when the last application finished (-1 if one did not)
     * @param crcs CRC-32 of the bytes written and read, client to server then server to client
     */
    public record Result(Plan plan, Outcome outcome, String detail, long endNs, long appsDoneNs, long[] crcs,
                         long corruptedArrivals, long retransmits, long packets) {
        public long seed() {
            return plan.seed();
        }

        /** One line: seed, outcome, and why. */
        public String line() {
            return "seed " + seed() + ": " + outcome.name().toLowerCase() + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    /** One direction of the exchange as its reader sees it. */
    private static final class Stream {
        final String name;
        final byte[] expected;
        int received;
        int mismatchAt = -1;
        boolean eof;
        final CRC32 crc = new CRC32();

        Stream(String name, byte[] expected) {
            this.name = name;
            this.expected = expected;
        }

        /** Checks a chunk against what was written, byte for byte, where it must fall in the stream. */
        void accept(byte[] data, int len) {
            for (int i = 0; i < len; i++) {
                int at = received + i;
                if (mismatchAt < 0 && (at >= expected.length || expected[at] != data[i])) {
                    mismatchAt = at;
                }
            }
            crc.update(data, 0, len);
            received += len;
        }
    }

    /** What the applications of one host saw. */
    private static final class Side {
        final List<String> errors = new ArrayList<>();
        int closeResult = Integer.MIN_VALUE;
        boolean done;
        long doneNs = -1;
        SimSocket socket;
    }

    /** The bytes a seed's client (or server) writes: seeded, so a replay writes the same. */
    static byte[] data(long seed, String who, int n) {
        Rng r = new Rng(seed).split("soak-data:" + who);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return b;
    }

    /** The simulation of a plan: two hosts and the link, the settings the soak uses. */
    public static Simulation simulation(Plan plan, boolean trace) {
        LinkSpec base = LinkSpec.ideal().withDelayNs(plan.rttUs() * 1000 / 2);
        if (plan.rateBitsPerSecond() > 0) {
            base = base.withRate(plan.rateBitsPerSecond()).withQueue(100);
        }
        return Simulation.builder().seed(plan.seed()).trace(trace)
                .host(CLIENT, "10.0.0.1").host(SERVER, SERVER_ADDR)
                .link(CLIENT, SERVER, plan.clientToServer().apply(base), plan.serverToClient().apply(base))
                // Up to 20% loss each way loses a handshake or a last FIN seven times in a row about once in
                // a thousand runs; Linux's limits then rightly give up. The soak is about integrity, so it
                // allows more retries (Linux accepts these values too).
                .sysctl("net.ipv4.tcp_syn_retries", "12")
                .sysctl("net.ipv4.tcp_synack_retries", "12")
                .sysctl("net.ipv4.tcp_orphan_retries", "15")
                .build();
    }

    /** Runs one seed without a trace. */
    public static Result run(long seed, double maxLoss) {
        Plan plan = Plan.of(seed, maxLoss);
        try (Simulation sim = simulation(plan, false)) {
            return run(plan, sim);
        }
    }

    /** Runs a plan in a simulation made by {@link #simulation} (with a trace, for a replay). */
    public static Result run(Plan plan, Simulation sim) {
        byte[] up = data(plan.seed(), CLIENT, plan.upBytes());
        byte[] down = data(plan.seed(), SERVER, plan.downBytes());
        Stream upStream = new Stream("client>server", up);
        Stream downStream = new Stream("server>client", down);
        Side client = new Side();
        Side server = new Side();
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            expectZero(server, "bind", l.bind(PORT));
            expectZero(server, "listen", l.listen(1));
            SimSocket c = l.accept();
            expectZero(server, "close(listener)", l.close());
            if (c == null) {
                server.errors.add("accept() failed");
                finish(p, server);
                return;
            }
            side(p, server, c, plan, plan.shape() == Shape.DOWNLOAD ? Role.WRITE_CLOSE
                    : plan.shape() == Shape.BOTH_WAYS ? Role.BOTH : Role.READ_THEN_WRITE, down, upStream, "server");
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            int r = s.connect(SERVER_ADDR, PORT);
            if (r != 0) {
                client.errors.add("connect() returned " + Errno.describe(r));
                s.close();
                finish(p, client);
                return;
            }
            side(p, client, s, plan, switch (plan.shape()) {
                case UPLOAD -> Role.WRITE_CLOSE;
                case DOWNLOAD -> Role.READ_THEN_WRITE;
                case REQUEST_RESPONSE -> Role.WRITE_THEN_READ;
                case BOTH_WAYS -> Role.BOTH;
            }, up, downStream, "client");
        });
        long end;
        try {
            end = sim.run(TRANSFER_LIMIT.plus(LINGER));
            if (client.done && server.done) {
                // Applications that ended late still get their full LINGER for the last FIN and TIME_WAIT.
                long lingerEnd = Math.max(client.doneNs, server.doneNs) + LINGER.toNanos();
                if (lingerEnd > end) {
                    end = sim.run(Duration.ofNanos(lingerEnd));
                }
            }
        } catch (SimulationException e) {
            // An exception escaping the stack (or the harness) is a failure of the run, reported with its seed.
            return new Result(plan, Outcome.STUCK, "exception: " + e.getMessage(), sim.nowNs(), -1, new long[4],
                    sim.corruptedArrivals(), 0, 0);
        }
        return judge(plan, sim, end, client, server, upStream, downStream);
    }

    private enum Role { WRITE_CLOSE, READ_THEN_WRITE, WRITE_THEN_READ, BOTH }

    private static void side(Proc p, Side me, SimSocket s, Plan plan, Role role, byte[] out, Stream in, String who) {
        me.socket = s;
        if (plan.noDelay()) {
            s.setsockopt(SockOpt.TCP_NODELAY, 1);
        }
        Rng r = p.random("chunks");
        switch (role) {
            case WRITE_CLOSE -> {
                writeAll(p, me, s, plan, out, r);
                closeOnce(p, me, s);
            }
            case READ_THEN_WRITE -> {
                readAll(me, s, plan, in, r);
                writeAll(p, me, s, plan, out, r);
                closeOnce(p, me, s);
            }
            case WRITE_THEN_READ -> {
                writeAll(p, me, s, plan, out, r);
                expectZero(me, "shutdown(SHUT_WR)", s.shutdown(Tcp.SHUT_WR));
                readAll(me, s, plan, in, r);
                closeOnce(p, me, s);
            }
            case BOTH -> {
                int[] halves = {0};
                p.spawn(w -> {
                    writeAll(w, me, s, plan, out, w.random("writer"));
                    expectZero(me, "shutdown(SHUT_WR)", s.shutdown(Tcp.SHUT_WR));
                    if (++halves[0] == 2) {
                        closeOnce(w, me, s);
                    }
                });
                readAll(me, s, plan, in, r);
                if (++halves[0] == 2) {
                    closeOnce(p, me, s);
                }
            }
        }
    }

    private static void writeAll(Proc p, Side me, SimSocket s, Plan plan, byte[] out, Rng r) {
        int off = 0;
        int pauses = 0;
        while (off < out.length) {
            int n = Math.min(out.length - off, 1 + r.nextInt(plan.writeChunk()));
            int w = s.write(Arrays.copyOfRange(out, off, off + n));
            if (w != n) {
                me.errors.add("write(" + n + ") at byte " + off + " returned " + (w < 0 ? Errno.describe(w) : w));
                return;
            }
            off += n;
            if (plan.pauseEvery() > 0 && pauses < MAX_PAUSES && r.nextInt(plan.pauseEvery()) == 0) {
                pauses++;
                p.sleep(Duration.ofMillis(1 + r.nextInt(200)));
            }
        }
    }

    private static void readAll(Side me, SimSocket s, Plan plan, Stream in, Rng r) {
        byte[] buf = new byte[plan.readChunk()];   // one buffer for every read (a fresh one per read cost more than the read)
        while (true) {
            int n = s.read(buf, 0, 1 + r.nextInt(plan.readChunk()));
            if (n > 0) {
                in.accept(buf, n);
            } else if (n == 0) {
                in.eof = true;
                return;
            } else {
                me.errors.add("read() after " + in.received + " bytes returned " + Errno.describe(n));
                return;
            }
        }
    }

    private static void closeOnce(Proc p, Side me, SimSocket s) {
        me.closeResult = s.close();
        finish(p, me);
    }

    private static void finish(Proc p, Side me) {
        me.done = true;
        me.doneNs = p.nowNs();
    }

    private static void expectZero(Side me, String call, int r) {
        if (r != 0) {
            me.errors.add(call + " returned " + Errno.describe(r));
        }
    }

    /**
     * Counters of a connection torn down rather than closed. TcpOutRsts is not among them: a duplicate
     * arriving after its connection has gone is rightly answered with a reset.
     */
    private static final Mib[] UNCLEAN = {Mib.TcpEstabResets, Mib.TcpAttemptFails,
            Mib.TcpExtTCPAbortOnData, Mib.TcpExtTCPAbortOnClose, Mib.TcpExtTCPAbortOnTimeout, Mib.TcpExtTCPAbortOnLinger,
            Mib.TcpExtTCPAbortFailed};

    private static Result judge(Plan plan, Simulation sim, long end, Side client, Side server, Stream upStream,
                                Stream downStream) {
        NetStack cs = sim.stack(CLIENT);
        NetStack ss = sim.stack(SERVER);
        CRC32 upCrc = new CRC32();
        upCrc.update(upStream.expected);
        CRC32 downCrc = new CRC32();
        downCrc.update(downStream.expected);
        long[] crcs = {upCrc.getValue(), upStream.crc.getValue(), downCrc.getValue(), downStream.crc.getValue()};
        long appsDone = client.done && server.done ? Math.max(client.doneNs, server.doneNs) : -1;
        long corrupted = sim.corruptedArrivals();
        long retrans = cs.mib().get(Mib.TcpRetransSegs) + ss.mib().get(Mib.TcpRetransSegs);
        long packets = cs.mib().get(Mib.IpInReceives) + ss.mib().get(Mib.IpInReceives);
        List<String> why = new ArrayList<>();
        // Integrity first: a wrong byte is the worst outcome, whatever else happened.
        for (Stream st : new Stream[] {upStream, downStream}) {
            if (st.mismatchAt >= 0) {
                why.add(st.name + ": byte " + st.mismatchAt + (st.mismatchAt >= st.expected.length
                        ? " is beyond the " + st.expected.length + " written" : " differs from what was written"));
            }
        }
        long dropped = cs.mib().get(Mib.IpExtInCsumErrors) + ss.mib().get(Mib.IpExtInCsumErrors)
                + cs.mib().get(Mib.TcpInCsumErrors) + ss.mib().get(Mib.TcpInCsumErrors);
        if (dropped != corrupted) {
            why.add(corrupted + " corrupted packets arrived but " + dropped + " failed a checksum"
                    + " (IpExtInCsumErrors + TcpInCsumErrors)");
        }
        if (!why.isEmpty()) {
            return new Result(plan, Outcome.CORRUPTED, String.join("; ", why), end, appsDone, crcs, corrupted, retrans, packets);
        }
        for (Side sd : new Side[] {client, server}) {
            String who = sd == client ? CLIENT : SERVER;
            if (!sd.done) {
                why.add(who + " not done by " + Nanos.toSecondsString(end) + " s");
            }
            for (String e : sd.errors) {
                why.add(who + ": " + e);
            }
            if (sd.done && sd.socket != null && sd.closeResult != 0) {
                why.add(who + ": close() returned " + Errno.describe(sd.closeResult));
            }
        }
        for (Stream st : new Stream[] {upStream, downStream}) {
            boolean read = st == upStream ? plan.shape() != Shape.DOWNLOAD : plan.shape() != Shape.UPLOAD;
            if (read && (!st.eof || st.received != st.expected.length)) {
                why.add(st.name + ": " + st.received + " of " + st.expected.length + " bytes" + (st.eof ? " before EOF" : ", no EOF"));
            }
        }
        if (why.isEmpty()) {
            for (NetStack st : new NetStack[] {cs, ss}) {
                for (Mib m : UNCLEAN) {
                    if (st.mib().get(m) != 0) {
                        why.add(st.name() + " " + m.name() + " " + st.mib().get(m));
                    }
                }
            }
            // The side whose FIN goes first ends in TIME_WAIT, the other goes LAST_ACK -> CLOSE (RFC 9293
            // 3.6); only when both write, FINs may cross and both go through TIME_WAIT.
            long cTw = cs.mib().get(Mib.TcpExtTW);
            long sTw = ss.mib().get(Mib.TcpExtTW);
            boolean ok = switch (plan.shape()) {
                case UPLOAD, REQUEST_RESPONSE -> cTw == 1 && sTw == 0;
                case DOWNLOAD -> cTw == 0 && sTw == 1;
                case BOTH_WAYS -> cTw <= 1 && sTw <= 1 && cTw + sTw >= 1;
            };
            if (!ok) {
                why.add("TIME_WAIT entered " + cTw + " times by the client and " + sTw + " by the server");
            }
            if (!why.isEmpty()) {
                why.addFirst("not a clean close");
            }
        }
        if (!why.isEmpty()) {
            return new Result(plan, Outcome.STUCK, String.join("; ", why), end, appsDone, crcs, corrupted, retrans, packets);
        }
        for (Side sd : new Side[] {client, server}) {
            if (sd.socket.state() != TcpState.CLOSE) {
                why.add((sd == client ? CLIENT : SERVER) + " socket still " + sd.socket.state());
            }
        }
        for (NetStack st : new NetStack[] {cs, ss}) {
            Tcp.Occupancy o = st.tcp().occupancy();
            if (!o.empty()) {
                why.add(st.name() + " holds " + o);
            }
        }
        if (end - appsDone > LINGER.toNanos()) {
            why.add("still busy " + Nanos.toSecondsString(end - appsDone) + " s after the applications ended");
        }
        if (!why.isEmpty()) {
            return new Result(plan, Outcome.LEAKED, String.join("; ", why), end, appsDone, crcs, corrupted, retrans, packets);
        }
        return new Result(plan, Outcome.INTACT, "", end, appsDone, crcs, corrupted, retrans, packets);
    }

    /**
     * The tally of many seeds.
     *
     * @param failures every result that is not intact, by seed
     * @param wallNs wall-clock time of the whole batch
     */
    public record Summary(long firstSeed, int seeds, int intact, int corrupted, int stuck, int leaked, List<Result> failures,
                          long wallNs) {
        public double seedsPerSecond() {
            return seeds / Math.max(1e-9, wallNs / 1e9);
        }

        /** The bench's last line. */
        public String resultLine() {
            return "RESULT name=soak seeds=" + seeds + " intact=" + intact + " corrupted=" + corrupted + " stuck=" + stuck
                    + " leaked=" + leaked;
        }
    }

    /**
     * Runs seeds firstSeed .. firstSeed + n - 1 on {@code jobs} threads (each seed alone in its own
     * simulation, so the outcome of a seed never depends on the others or on the scheduling) and hands
     * each result to {@code inOrder} in seed order, on the calling thread.
     */
    public static Summary runSeeds(long firstSeed, int n, double maxLoss, int jobs, java.util.function.Consumer<Result> inOrder) {
        Plan.of(firstSeed, maxLoss);   // validates maxLoss before any thread starts
        long t0 = System.nanoTime();
        int[] counts = new int[Outcome.values().length];
        List<Result> failures = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, jobs),
                r -> Thread.ofPlatform().daemon().name("soak").unstarted(r));
        try {
            List<java.util.concurrent.Future<Result>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long seed = firstSeed + i;
                futures.add(pool.submit(() -> run(seed, maxLoss)));
            }
            for (java.util.concurrent.Future<Result> f : futures) {
                Result r;
                try {
                    r = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("soak interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("soak harness failed: " + e.getCause(), e.getCause());
                }
                counts[r.outcome().ordinal()]++;
                if (r.outcome() != Outcome.INTACT) {
                    failures.add(r);
                }
                inOrder.accept(r);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(firstSeed, n, counts[Outcome.INTACT.ordinal()], counts[Outcome.CORRUPTED.ordinal()],
                counts[Outcome.STUCK.ordinal()], counts[Outcome.LEAKED.ordinal()], List.copyOf(failures),
                System.nanoTime() - t0);
    }

    /** The command that replays a seed with its trace. */
    public static String replayCommand(long seed, double maxLoss) {
        return "./jtcp bench soak --seeds 1 --seed-start " + seed + (maxLoss != DEFAULT_MAX_LOSS ? " --loss " + maxLoss : "")
                + " --trace soak-" + seed + ".jsonl";
    }
}
