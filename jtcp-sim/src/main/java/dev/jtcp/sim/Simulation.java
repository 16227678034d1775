package dev.jtcp.sim;

import dev.jtcp.stack.NetStack;
import dev.jtcp.stack.PacketPool;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Rng;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.TraceLog;
import dev.jtcp.trace.Tracer;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.TcpHeader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A deterministic discrete-event simulation: hosts running jtcp stacks, links between them with delay,
 * bandwidth, a drop-tail queue and seeded faults, scripted fault rules, and application timelines. Time
 * is virtual: it jumps from one event to the next (a packet arrival, a stack timer, a process waking),
 * so two minutes of SYN retries take milliseconds. The same seed gives the same trace, byte for byte.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder()
 *         .seed(1)
 *         .host("client", "10.0.0.1")
 *         .host("server", "10.0.0.2")
 *         .link("client", "server", LinkSpec.rtt(Duration.ofMillis(50)))
 *         .build();
 * sim.app("server", p -> { SimSocket l = p.socket(); l.bind(80); l.listen(16); l.accept(); });
 * sim.app("client", p -> { p.socket().connect("10.0.0.2", 80); p.sleep(Duration.ofSeconds(1)); });
 * sim.run(Duration.ofMinutes(5));
 * }</pre>
 */
public final class Simulation implements AutoCloseable {
    private final long seed;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    /** The hosts in the order they were defined (their indexes). */
    private final Host[] hostArray;
    private final Map<Integer, Host> byAddress = new HashMap<>();
    private final List<Fault> faults;
    private final TraceLog trace;
    private final Tracer tracer;
    private final EventQueue queue = new EventQueue();
    /** Observers: read-only looks at the simulation at given virtual instants (ss snapshots, say). */
    private final PriorityQueue<Observation> observers = new PriorityQueue<>();
    private long eventSeq;
    /** Packets that entered a link and were scheduled to arrive (the simulator's unit of work). */
    private long linkPackets;
    private long processSeq;
    private long nowNs;
    private boolean closed;
    /** Packets that reached a host with a bit flipped by a link (each copy of a duplicate counts). */
    private long corruptedArrivals;
    private long ceMarks;
    /**
     * Packet buffers recycled once delivered; only when nothing else can keep a packet (no trace events,
     * no fault rules looking at packets), else null.
     */
    private final PacketPool packetPool;

    // The kinds of events in the queue, with what their int and reference hold.
    /**
     * A packet that arrives out of its link's order (loopback, reordered, duplicated, delayed by a fault):
     * aux = host index * 2 + corrupted, ref = the packet.
     */
    private static final int ARRIVAL = 0;
    /** The first of a link's in-order arrivals (the link holds the others): ref = the link. */
    private static final int LINK_ARRIVAL = 1;
    /** A host's stack timer is due: aux = host index. */
    private static final int STACK_TIMER = 2;
    /** A sleeping process wakes: ref = the process. */
    private static final int WAKE = 3;
    /** A process starts: ref = the process. */
    private static final int START = 4;
    /** An event-driven application starts: ref = an {@link EventStart}. */
    private static final int START_EVENTS = 5;

    private record EventStart(EventProc proc, EventApp app) {}

    private record Observation(long tNs, long seq, Runnable action) implements Comparable<Observation> {
        @Override
        public int compareTo(Observation o) {
            int c = Long.compare(tNs, o.tNs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private Simulation(Builder b) {
        this.seed = b.seed;
        this.faults = List.copyOf(b.faults);
        this.trace = b.traceEnabled ? new TraceLog() : null;
        this.tracer = b.traceEnabled ? trace : Tracer.NONE;
        // Links that cannot corrupt a packet are like Linux's veth and loopback: checksums are offloaded
        // (CHECKSUM_PARTIAL on send, trusted on receipt), so no one computes them. With tracing on they are
        // computed anyway, so that captures and traces show real ones; with corruption they must be checked.
        boolean offload = !b.traceEnabled
                && b.links.stream().allMatch(l -> l.ab().corrupt() == 0 && l.ba().corrupt() == 0);
        this.packetPool = !b.traceEnabled && b.faults.isEmpty() ? new PacketPool() : null;
        this.hostArray = new Host[b.hosts.size()];
        for (Builder.HostSpec hs : b.hosts.values()) {
            int index = hosts.size();
            Sysctl s = b.sysctl.copy();
            for (String a : b.hostSysctl.getOrDefault(hs.name, List.of())) {
                s.apply(a);
            }
            NetStack.Builder nb = NetStack.builder(hs.name).seed(seed).sysctl(s).tracer(tracer)
                    .hz(b.hz).timerWheel(b.timerWheel).checksumOffload(offload)
                    .sink((from, packet) -> transmit(hostArray[index], packet));
            if (packetPool != null) {
                nb.packetPool(packetPool);
            }
            for (int addr : hs.addresses) {
                nb.address(addr);
            }
            NetStack stack = nb.build();
            Host host = new Host(hs.name, index, stack);
            stack.onWake(host::wake);
            hosts.put(hs.name, host);
            hostArray[index] = host;
            host.linkTo = new Link[b.hosts.size()];
            for (int addr : hs.addresses) {
                if (byAddress.putIfAbsent(addr, host) != null) {
                    throw new IllegalArgumentException("address " + Ipv4Addr.format(addr) + " is used by two hosts");
                }
            }
        }
        Rng root = new Rng(seed);
        for (Builder.LinkSpecEntry l : b.links) {
            Host a = hosts.get(l.a);
            Host bb = hosts.get(l.b);
            a.linkTo[bb.index] = new Link(l.a, l.b, bb, l.ab, root.split("link:" + l.a + ">" + l.b));
            bb.linkTo[a.index] = new Link(l.b, l.a, a, l.ba, root.split("link:" + l.b + ">" + l.a));
            // The stacks learn the MTU towards the other end.
            for (int addr : b.hosts.get(l.b).addresses) {
                a.stack.addRoute(Ipv4Addr.format(addr) + "/32", l.ab.mtu());
            }
            for (int addr : b.hosts.get(l.a).addresses) {
                bb.stack.addRoute(Ipv4Addr.format(addr) + "/32", l.ba.mtu());
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Simulation}: hosts, links, settings, faults. */
    public static final class Builder {
        private long seed = 1;
        private final Map<String, HostSpec> hosts = new LinkedHashMap<>();
        private final List<LinkSpecEntry> links = new ArrayList<>();
        private final Sysctl sysctl = new Sysctl();
        private final Map<String, List<String>> hostSysctl = new HashMap<>();
        private final List<Fault> faults = new ArrayList<>();
        private boolean traceEnabled = true;
        private int hz = NetStack.DEFAULT_HZ;
        private boolean timerWheel = true;

        private record HostSpec(String name, List<Integer> addresses) {}

        private record LinkSpecEntry(String a, String b, LinkSpec ab, LinkSpec ba) {}

        private Builder() {}

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** A host with one or more IPv4 addresses. */
        public Builder host(String name, String... addresses) {
            Objects.requireNonNull(name, "name");
            if (hosts.containsKey(name)) {
                throw new IllegalArgumentException("host '" + name + "' defined twice");
            }
            if (addresses.length == 0) {
                throw new IllegalArgumentException("host '" + name + "' needs an address");
            }
            List<Integer> l = new ArrayList<>();
            for (String a : addresses) {
                l.add(Ipv4Addr.parse(a));
            }
            hosts.put(name, new HostSpec(name, l));
            return this;
        }

        /** A link whose two directions behave alike. */
        public Builder link(String a, String b, LinkSpec spec) {
            return link(a, b, spec, spec);
        }

        /** A link with a spec per direction (a to b, b to a). */
        public Builder link(String a, String b, LinkSpec ab, LinkSpec ba) {
            if (!hosts.containsKey(a) || !hosts.containsKey(b)) {
                throw new IllegalArgumentException("link " + a + "-" + b + ": define both hosts first (known: " + hosts.keySet() + ")");
            }
            links.add(new LinkSpecEntry(a, b, ab, ba));
            return this;
        }

        /** A setting for every host, by Linux name ("net.ipv4.tcp_syn_retries", "5"). */
        public Builder sysctl(String linuxName, String value) {
            sysctl.set(linuxName, value);
            return this;
        }

        /** A setting for one host. */
        public Builder sysctl(String host, String linuxName, String value) {
            new Sysctl().set(linuxName, value);   // validate now, with the same message
            hostSysctl.computeIfAbsent(host, h -> new ArrayList<>()).add(linuxName + "=" + value);
            return this;
        }

        public Builder fault(Fault fault) {
            faults.add(Objects.requireNonNull(fault));
            return this;
        }

        /** The kernel tick (CONFIG_HZ) and timer-wheel model of every host's TCP timers. */
        public Builder hz(int hz, boolean timerWheel) {
            new dev.jtcp.tcp.Jiffies(hz, timerWheel);   // validates
            this.hz = hz;
            this.timerWheel = timerWheel;
            return this;
        }

        /** Keep a trace of every event (on by default; benchmarks turn it off). */
        public Builder trace(boolean enabled) {
            this.traceEnabled = enabled;
            return this;
        }

        public Simulation build() {
            return new Simulation(this);
        }
    }

    // ================================================================ applications

    /** Runs app on host from the start of the simulation. */
    public void app(String host, App app) {
        app(host, Duration.ZERO, app);
    }

    /** Runs app on host from virtual time start. */
    public void app(String host, Duration start, App app) {
        Host h = host(host);
        SimProcess p = new SimProcess(h, "app" + h.processes.size(), processSeq++, app, this);
        h.processes.add(p);
        push(Math.max(nowNs, start.toNanos()), START, 0, p);
    }

    /** Runs an event-driven application on host from the start of the simulation. */
    public void eventApp(String host, EventApp app) {
        eventApp(host, Duration.ZERO, app);
    }

    /** Runs an event-driven application on host from virtual time start (its start callback runs then). */
    public void eventApp(String host, Duration start, EventApp app) {
        Objects.requireNonNull(app, "app");
        Host h = host(host);
        EventProc p = new EventProc(this, h, "events" + h.eventApps++);
        push(Math.max(nowNs, start.toNanos()), START_EVENTS, 0, new EventStart(p, app));
    }

    private Host host(String name) {
        Host h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host '" + name + "'; hosts: " + hosts.keySet());
        }
        return h;
    }

    /** The stack of a host (its sockets, counters, settings). */
    public NetStack stack(String host) {
        return host(host).stack;
    }

    public List<String> hostNames() {
        return List.copyOf(hosts.keySet());
    }

    /** The trace so far, or null when tracing is off. */
    public TraceLog trace() {
        return trace;
    }

    public long nowNs() {
        return nowNs;
    }

    /** Packets carried over links so far (loopback and packets lost on the way excluded). */
    public long linkPackets() {
        return linkPackets;
    }

    public long seed() {
        return seed;
    }

    /**
     * How many packets have reached a host with a bit flipped by a link's corruption fault (a duplicated
     * corrupted packet counts twice). Each one must have been dropped by the receiver's checksum checks.
     */
    public long corruptedArrivals() {
        return corruptedArrivals;
    }

    /** How many packets the links' ECN step marking has marked Congestion Experienced (see {@link LinkSpec}). */
    public long ceMarks() {
        return ceMarks;
    }

    // ================================================================ running

    /**
     * Runs until nothing is left to happen (no packet in flight, no timer, no runnable process) or the
     * virtual clock reaches limit, whichever comes first. Returns the virtual time reached.
     */
    public long run(Duration limit) {
        return onVirtualThread(() -> runUntil(limit.toNanos(), true));
    }

    /** Runs until exactly the virtual time t (the clock ends at t even if all is quiet earlier). */
    public long runFor(Duration t) {
        return onVirtualThread(() -> runUntil(t.toNanos(), false));
    }

    /**
     * Runs the event loop on a virtual thread, like the processes it hands control to: a hand-off is then
     * a switch of continuations on the carrier threads rather than a wake-up of a parked OS thread.
     */
    private long onVirtualThread(java.util.function.LongSupplier loop) {
        if (Thread.currentThread().isVirtual()) {
            return loop.getAsLong();
        }
        long[] result = new long[1];
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().name("simulator").start(() -> {
            try {
                result[0] = loop.getAsLong();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        switch (failure[0]) {
            case null -> {
                return result[0];
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new SimulationException("simulation failed: " + failure[0], failure[0]);
        }
    }

    /**
     * Runs action at virtual instant t, after everything due at t has happened: a read-only look (a
     * socket table, counters) that changes nothing and does not keep the simulation from being quiet.
     * If the simulation is already quiet before t, the action runs at the end without moving the clock.
     */
    public void observe(Duration t, Runnable action) {
        observers.add(new Observation(t.toNanos(), eventSeq++, action));
    }

    private long runUntil(long limitNs, boolean stopWhenQuiet) {
        if (closed) {
            throw new IllegalStateException("simulation is closed");
        }
        EventQueue q = queue;
        while (true) {
            // Packets arriving at the same instant are all taken in before the applications they wake run,
            // as a kernel's softirq takes in a burst (a NAPI poll) before the woken reader gets the CPU.
            if (q.isEmpty() || q.topTime() > nowNs || q.topKind() > LINK_ARRIVAL) {
                resolveRunnable();
            }
            boolean empty = q.isEmpty();
            Observation o = observers.peek();
            if (o != null && o.tNs <= limitNs && (empty || o.tNs < q.topTime())) {
                observers.poll();
                if (!empty || !stopWhenQuiet) {
                    nowNs = Math.max(nowNs, o.tNs);
                    for (Host h : hostArray) {
                        h.stack.advanceTo(nowNs);
                    }
                }
                o.action.run();
                continue;
            }
            if (empty || q.topTime() > limitNs) {
                break;
            }
            long t = q.topTime();
            switch (q.topKind()) {
                case LINK_ARRIVAL -> {
                    Link link = (Link) q.topRef();
                    byte[] packet = link.headPacket();
                    boolean corrupted = link.headCorrupted();
                    if (link.dequeue()) {
                        q.retimeTop(link.headTimeNs(), link.headSeq());
                    } else {
                        q.pop();
                    }
                    nowNs = Math.max(nowNs, t);
                    arrive(link.toHost, packet, corrupted);
                }
                case ARRIVAL -> {
                    int aux = q.topAux();
                    byte[] packet = (byte[]) q.topRef();
                    q.pop();
                    nowNs = Math.max(nowNs, t);
                    arrive(hostArray[aux >>> 1], packet, (aux & 1) != 0);
                }
                case STACK_TIMER -> {
                    Host h = hostArray[q.topAux()];
                    q.pop();
                    if (h.stack.nextDeadlineNs() > t) {
                        // A stale wake-up: the timer it was queued for was cancelled or moved later.
                        if (h.timerScheduledNs == t) {
                            h.timerScheduledNs = Deadline.NONE;
                            scheduleTimer(h);
                        }
                        continue;
                    }
                    nowNs = Math.max(nowNs, t);
                    if (h.timerScheduledNs <= nowNs) {
                        h.timerScheduledNs = Deadline.NONE;
                    }
                    h.stack.advanceTo(nowNs);
                    h.touch();
                    scheduleTimer(h);
                }
                case WAKE -> {
                    SimProcess p = (SimProcess) q.topRef();
                    q.pop();
                    nowNs = Math.max(nowNs, t);
                    p.woken = true;
                    p.host.candidates.set(p.index);
                    p.host.dirty = true;
                }
                case START -> {
                    SimProcess p = (SimProcess) q.topRef();
                    q.pop();
                    nowNs = Math.max(nowNs, t);
                    runProcess(p);
                }
                case START_EVENTS -> {
                    EventStart es = (EventStart) q.topRef();
                    q.pop();
                    nowNs = Math.max(nowNs, t);
                    runEvents(es.proc, () -> es.app.start(es.proc));
                }
                default -> throw new IllegalStateException("unknown event kind " + q.topKind());
            }
        }
        if (!stopWhenQuiet || !q.isEmpty()) {
            nowNs = Math.max(nowNs, limitNs);
            for (Host h : hostArray) {
                h.stack.advanceTo(nowNs);
            }
        }
        return nowNs;
    }

    private void arrive(Host h, byte[] packet, boolean corrupted) {
        if (corrupted) {
            corruptedArrivals++;
        }
        if (packetPool != null) {
            h.stack.receiveSkb(nowNs, packet);   // the stack gives the buffer back to the pool
        } else {
            h.stack.onPacket(nowNs, packet, 0, packet.length);
        }
        h.touch();
        scheduleTimer(h);
    }

    /**
     * Resume every blocked process whose condition now holds, and call every watch woken whose events hold,
     * in a fixed order (per host: processes in creation order, then watches by slot), until none is left.
     */
    private void resolveRunnable() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Host h : hostArray) {
                if (!h.dirty) {
                    continue;
                }
                h.dirty = false;
                // The candidates in creation order, including those that become candidates during the pass.
                for (int i = h.candidates.nextSetBit(0); i >= 0; i = h.candidates.nextSetBit(i + 1)) {
                    h.candidates.clear(i);
                    SimProcess p = h.processes.get(i);
                    if (!p.finished && p.waitingFor != null && p.waitingFor.getAsBoolean()) {
                        runProcess(p);
                        progress = true;
                    }
                }
                for (int i = h.watchCandidates.next(0); i >= 0; i = h.watchCandidates.next(i + 1)) {
                    h.watchCandidates.remove(i);
                    Watch w = h.watches.get(i);
                    if (w == null) {
                        continue;
                    }
                    if (w.ready()) {
                        runWatch(w);
                        progress = true;
                    } else {
                        w.armed = true;
                    }
                }
            }
        }
        if (VERIFY_WAKEUPS) {
            verifyNoMissedWakeups();
        }
    }

    /**
     * Test aid (system property jtcp.sim.verifyWakeups=true): blocked processes are re-checked only when
     * the stack wakes their socket, so a state change without a wake-up would leave one blocked forever.
     * This checks every blocked process after each step and names the first whose wait is over.
     */
    private static final boolean VERIFY_WAKEUPS = Boolean.getBoolean("jtcp.sim.verifyWakeups");

    private void verifyNoMissedWakeups() {
        for (Host h : hostArray) {
            for (Watch w : h.watches) {
                if (w != null && w.armed && w.ready()) {
                    throw new SimulationException("missed wake-up at " + dev.jtcp.time.Nanos.toSecondsString(nowNs)
                            + " s: application " + w.owner.name + " on " + h.name + " watches " + w.sock
                            + ", which is ready, but was not woken", null);
                }
            }
            for (SimProcess p : h.processes) {
                if (!p.finished && p.waitingFor != null && p.waitingFor.getAsBoolean()) {
                    throw new SimulationException("missed wake-up at " + dev.jtcp.time.Nanos.toSecondsString(nowNs)
                            + " s: process " + p.name + " on " + h.name + " can continue (waiting on "
                            + (p.waitSock != null ? p.waitSock : "a condition") + ") but was not woken", null);
                }
            }
        }
    }

    private void runProcess(SimProcess p) {
        p.host.stack.advanceTo(nowNs);
        p.resume();
        if (p.failure != null) {
            Throwable t = p.failure;
            p.failure = null;
            throw applicationFailed(p.name, p.host, t);
        }
        afterApplicationStep(p.host);
    }

    private SimulationException applicationFailed(String app, Host host, Throwable t) {
        return new SimulationException("application " + app + " on " + host.name + " failed at "
                + dev.jtcp.time.Nanos.toSecondsString(nowNs) + " s: " + t, t);
    }

    /** After an application's step: its host's waiters are checked again and every host's timer is rescheduled. */
    private void afterApplicationStep(Host host) {
        host.touch();
        for (Host h : hostArray) {
            scheduleTimer(h);
        }
    }

    /** Something an event-driven application does on the simulator's thread. */
    @FunctionalInterface
    private interface Callback {
        void run() throws Exception;
    }

    private void runWatch(Watch w) {
        runEvents(w.owner, () -> w.handler.ready(w.sock));
        if (VERIFY_WAKEUPS) {
            w.armed = w.active && !w.ready();
        }
    }

    /** Runs an event-driven application's callback at the current instant, as {@link #runProcess} runs a step. */
    private void runEvents(EventProc p, Callback c) {
        Host host = p.host;
        host.stack.advanceTo(nowNs);
        try {
            c.run();
        } catch (SimulationException e) {
            throw e;
        } catch (Exception | AssertionError e) {
            throw applicationFailed(p.name, host, e);
        }
        afterApplicationStep(host);
    }

    private void scheduleTimer(Host h) {
        long d = h.stack.nextDeadlineNs();
        if (d == Deadline.NONE || h.timerScheduledNs <= d) {
            return;
        }
        h.timerScheduledNs = d;
        push(Math.max(d, nowNs), STACK_TIMER, h.index, null);
    }

    private void push(long t, int kind, int aux, Object ref) {
        queue.push(t, eventSeq++, kind, aux, ref);
    }

    /** Process side: a raw packet went out; the host's timers may have moved (they have not, but stay uniform). */
    void afterRawSend(SimProcess p) {
        p.host.touch();
    }

    /** Process side: sleep until now + d. */
    void sleep(SimProcess p, long dNs) {
        p.woken = false;
        push(nowNs + Math.max(0, dNs), WAKE, 0, p);
        p.block(() -> p.woken, null, true);
    }

    // ================================================================ the network

    /** A stack transmitted a packet: route it, apply faults, schedule its arrival. */
    private void transmit(Host src, byte[] packet) {
        if (packet.length < Ipv4Header.MIN_HEADER_LENGTH) {
            return;
        }
        int dst = Ipv4Header.dstOf(packet, 0);
        Host to;
        if ((dst >>> 24) == 127) {
            to = src;
        } else if (src.lastDstHost != null && src.lastDst == dst) {
            to = src.lastDstHost;
        } else {
            to = byAddress.get(dst);
            if (to != null) {
                src.lastDst = dst;
                src.lastDstHost = to;
            }
        }
        if (to == src) {
            push(nowNs, ARRIVAL, to.index << 1, packet);   // loopback: delivered at once, after this step
            return;
        }
        if (to == null) {
            traceNetworkDrop(src.name, src.name, packet, "no host has address " + Ipv4Addr.format(dst));
            return;
        }
        Link link = src.linkTo[to.index];
        if (link == null) {
            traceNetworkDrop(src.name, to.name, packet, "no link from " + src.name + " to " + to.name);
            return;
        }
        long extraDelayNs = 0;
        if (!faults.isEmpty()) {
            SimPacket sp = SimPacket.of(nowNs, src.name, to.name, packet);
            for (Fault f : faults) {
                if (f.apply(sp)) {
                    if (f.delayNs() == 0) {
                        traceNetworkDrop(src.name, to.name, packet, "fault rule: " + f.description());
                        return;
                    }
                    extraDelayNs += f.delayNs();
                }
            }
        }
        // A pooled buffer may be longer than its packet: the IPv4 total length is the packet's length.
        int length = packetPool != null ? Ipv4Header.totalLengthOf(packet, 0) : packet.length;
        String dropWhy = link.send(nowNs, length, packet[Ipv4Header.TOS_OFFSET] & Ipv4Header.ECN_MASK);
        if (dropWhy != null) {
            traceNetworkDrop(src.name, to.name, packet, dropWhy);
            if (packetPool != null) {
                packetPool.release(packet);   // lost on the link: nothing refers to it
            }
            return;
        }
        byte[] delivered = packet;
        if (link.ceMarked) {
            // The router's IP_ECN_set_ce(): the ECN field becomes CE, the header checksum follows. A pooled
            // packet belongs to the link now; otherwise the sender's trace keeps the original.
            delivered = packetPool != null ? packet : packet.clone();
            Ipv4Header.setTos(delivered, 0, (packet[Ipv4Header.TOS_OFFSET] & 0xff) | Ipv4Header.ECN_CE);
            ceMarks++;
        }
        int bit = link.corruptBit;
        if (bit >= 0) {
            delivered = delivered.clone();
            delivered[corruptibleByte(packet, bit >>> 3)] ^= (byte) (1 << (bit & 7));
        }
        boolean corrupted = bit >= 0;
        scheduleArrival(link, link.arrivalNs + extraDelayNs, delivered, corrupted);
        linkPackets++;
        if (link.duplicate) {
            scheduleArrival(link, link.duplicateArrivalNs + extraDelayNs, delivered.clone(), corrupted);
        }
    }

    /**
     * Queues a packet's arrival over link: with the link's other arrivals when it comes no earlier than the
     * last of them (the queue then holds only their head), else on its own.
     */
    private void scheduleArrival(Link link, long tNs, byte[] packet, boolean corrupted) {
        long sequence = eventSeq++;
        if (link.inOrder(tNs)) {
            if (link.enqueue(tNs, sequence, packet, corrupted)) {
                queue.push(tNs, sequence, LINK_ARRIVAL, 0, link);
            }
        } else {
            queue.push(tNs, sequence, ARRIVAL, (link.toHost.index << 1) | (corrupted ? 1 : 0), packet);
        }
    }

    /**
     * Where a corruption flips its bit: anywhere a checksum covers, except the two fields a receiver
     * reads before it checks any checksum (ip_rcv_core() rejects a bad IP version or header length, and
     * tcp_v4_rcv() a data offset below 5 or past the segment, first), so that the checksum is what
     * catches every corrupted packet: a flip there lands on the checksum field of the same header.
     */
    private static int corruptibleByte(byte[] packet, int i) {
        int ihl = Ipv4Header.headerLengthOf(packet, 0);
        if (i == 0) {
            return Ipv4Header.CHECKSUM_OFFSET;   // version and IHL: the IP header checksum instead
        }
        if (i == ihl + TcpHeader.DATA_OFFSET_OFFSET && packet.length >= ihl + TcpHeader.URGENT_POINTER_OFFSET) {
            return ihl + TcpHeader.CHECKSUM_OFFSET;   // the data offset: the TCP checksum instead
        }
        return i;
    }

    private void traceNetworkDrop(String from, String to, byte[] packet, String why) {
        if (!tracer.enabled()) {
            return;
        }
        SimPacket p = SimPacket.of(nowNs, from, to, packet);
        int s = Ipv4Header.srcOf(packet, 0);
        int d = Ipv4Header.dstOf(packet, 0);
        Endpoint se = new Endpoint(s, p.tcp() != null ? p.tcp().srcPort() : 0);
        Endpoint de = new Endpoint(d, p.tcp() != null ? p.tcp().dstPort() : 0);
        tracer.emit(new SegmentEvent(nowNs, to, SegmentEvent.Kind.DROP, se, de, p.tcp(), p.payloadLength(), "network", why, packet));
    }

    /** Ends every process that is still blocked; the simulation cannot run afterwards. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Host h : hostArray) {
            for (SimProcess p : h.processes) {
                p.abort();
            }
        }
    }
}
