package dev.jtcp.tun;

import dev.jtcp.stack.NetStack;
import dev.jtcp.stack.PacketPool;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.time.Deadline;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.TcpHeader;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The real-time driver: one jtcp stack on one TUN device, run by one event-loop thread that reads the
 * device, hands each packet to the sans-IO engine with the wall clock (monotonic nanoseconds since the
 * stack started), writes what the engine transmits, and sleeps in poll() until the next packet or the
 * engine's next deadline. Nothing in the engine knows about this.
 *
 * <p>The engine is single-threaded; application threads (virtual threads welcome) reach it through
 * {@link #call}, which takes the stack's lock, brings the engine's clock to now, runs the call, and wakes
 * the loop when the call moved the next deadline earlier. A thread that must wait (data, buffer space, a
 * connection) waits on a condition of that lock; after every piece of work the driver signals the waiters
 * whose condition now holds, as the simulator re-checks its blocked processes.
 */
public final class TunStack implements AutoCloseable {
    /**
     * What a stack on a TUN device needs. txQueueLen is the kernel's queue of packets waiting for the
     * loop to read them (0: the kernel's default for TUN, 500); a full queue drops what the kernel sends.
     */
    public record Config(String dev, String netns, String hostCidr, String addr, int mtu, Sysctl sysctl, Path pcap, int txQueueLen,
            Offload offload) {
        public Config {
            offload = offload == null ? Offload.AUTO : offload;
            Objects.requireNonNull(dev, "dev");
            Objects.requireNonNull(hostCidr, "hostCidr");
            Objects.requireNonNull(addr, "addr");
            sysctl = sysctl == null ? new Sysctl() : sysctl;
            if (txQueueLen < 0) {
                throw new IllegalArgumentException("txQueueLen must be >= 0, got " + txQueueLen);
            }
        }

        public Config(String dev, String netns, String hostCidr, String addr, int mtu, Sysctl sysctl, Path pcap) {
            this(dev, netns, hostCidr, addr, mtu, sysctl, pcap, 0, Offload.AUTO);
        }

        public Config withOffload(Offload o) {
            return new Config(dev, netns, hostCidr, addr, mtu, sysctl, pcap, txQueueLen, o);
        }

        public Config withTxQueueLen(int n) {
            return new Config(dev, netns, hostCidr, addr, mtu, sysctl, pcap, n, offload);
        }

        public static Config of(String dev, String hostCidr, String addr) {
            return new Config(dev, null, hostCidr, addr, 1500, new Sysctl(), null);
        }

        public Config withNetns(String ns) {
            return new Config(dev, ns, hostCidr, addr, mtu, sysctl, pcap, txQueueLen, offload);
        }

        public Config withMtu(int m) {
            return new Config(dev, netns, hostCidr, addr, m, sysctl, pcap, txQueueLen, offload);
        }

        public Config withPcap(Path p) {
            return new Config(dev, netns, hostCidr, addr, mtu, sysctl, p, txQueueLen, offload);
        }

        public Config withSysctl(Sysctl s) {
            return new Config(dev, netns, hostCidr, addr, mtu, s, pcap, txQueueLen, offload);
        }
    }

    /**
     * Checksum and segmentation offload on the device (IFF_VNET_HDR, TUN_F_CSUM | TUN_F_TSO4): ON fails when the
     * kernel refuses it, AUTO falls back to a plain device, OFF never asks.
     */
    public enum Offload { AUTO, ON, OFF }

    /** Packets read from the device per lock hold, before waiters are signalled. */
    private static final int RX_BATCH = 64;

    private final Config config;
    private final ReentrantLock lock = new ReentrantLock();
    private final TunDevice dev;
    private final Waker waker;
    private final NetStack stack;
    private final PcapngLive pcap;
    private final long t0 = System.nanoTime();
    private final Thread loop;
    private final List<Waiter> waiting = new ArrayList<>();
    private final List<TunSocket> sockets = new ArrayList<>();
    /** The deadline the loop's current poll() ends at (guarded by lock). */
    private long loopWakeNs = Deadline.NONE;
    /**
     * True from the moment the loop computed loopWakeNs (under the lock) until its poll() returns: only then can
     * an earlier deadline need the eventfd; otherwise the loop computes the deadline anew before it sleeps.
     */
    private volatile boolean polling;
    private volatile boolean running = true;
    private volatile IOException failure;
    private long rxPackets;
    private long txPackets;
    /** poll() calls of the loop, and eventfd signals from application threads (an earlier deadline). */
    private volatile long polls;
    private long wakes;
    private long txDrops;
    /** Packets whose read buffer went to the engine whole (the receive queue may keep it: no copy). */
    private long rxHanded;
    /**
     * Packet buffers shared by the engine (the packets it transmits, given back once written) and the loop's reads
     * (a buffer handed to the engine comes back once the application has read its payload). Guarded by lock.
     */
    private final PacketPool pool = new PacketPool();
    /** What a read buffer holds: the largest packet the device hands over (64 KiB with offloads, else the MTU) and its header. */
    private final int rxCapacity;

    private record Waiter(Condition cond, BooleanSupplier ready) {
    }

    private TunStack(Config config, TunDevice dev, Waker waker, PcapngLive pcap) {
        this.config = config;
        this.dev = dev;
        this.waker = waker;
        this.pcap = pcap;
        SecureRandom seeds = new SecureRandom();
        this.stack = NetStack.builder(dev.name()).address(config.addr()).sysctl(config.sysctl()).mtu(config.mtu())
                .seed(seeds.nextLong()).tsoOffload(dev.offload()).neededHeadroom(dev.packetOffset()).packetPool(pool)
                .sink(new NetStack.PacketSink() {
                    @Override
                    public void transmit(NetStack from, byte[] packet) {
                        // A pooled buffer may be longer than the packet: its IPv4 total length says how long.
                        int len = packet.length >= Ipv4Header.MIN_HEADER_LENGTH
                                ? Math.min(packet.length, Ipv4Header.totalLengthOf(packet, 0)) : packet.length;
                        TunStack.this.transmit(packet, 0, len, -1);
                        pool.release(packet);   // written (and captured): nothing refers to it any more
                    }

                    @Override
                    public void transmitOffload(NetStack from, byte[] buf, int off, int len, int gsoSize) {
                        TunStack.this.transmit(buf, off, len, gsoSize);
                    }
                }).build();
        this.rxCapacity = dev.offload() ? TunDevice.READ_BUFFER : Math.max(config.mtu(), Ipv4Header.MIN_HEADER_LENGTH);
        for (int i = 0; i < RX_BATCH; i++) {
            rx[i] = pool.take(rxCapacity);
            rxViews[i] = java.lang.foreign.MemorySegment.ofArray(rx[i]);
        }
        this.loop = Thread.ofPlatform().name("jtcp-tun-" + dev.name()).daemon(true).unstarted(this::runLoop);
    }

    /**
     * Opens (creating) the device, configures its kernel side with {@code ip} (address hostCidr, the
     * MTU, up; moved into netns first when one is given), and starts the event loop.
     */
    public static TunStack start(Config config) throws IOException {
        int slash = config.hostCidr().indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("host address '" + config.hostCidr() + "' needs a prefix length, e.g. 10.77.0.1/24");
        }
        Ipv4Addr.parse(config.hostCidr().substring(0, slash));
        Ipv4Addr.parse(config.addr());
        TunDevice dev = openDevice(config);
        Waker waker = null;
        PcapngLive pcap = null;
        try {
            waker = new Waker();
            IpTool.configure(dev.name(), config.netns(), config.hostCidr(), config.mtu(), config.txQueueLen());
            if (config.pcap() != null) {
                pcap = PcapngLive.open(config.pcap(), dev.name());
            }
            TunStack s = new TunStack(config, dev, waker, pcap);
            s.loop.start();
            return s;
        } catch (IOException | RuntimeException e) {
            dev.close();
            if (waker != null) {
                waker.close();
            }
            if (pcap != null) {
                pcap.close();
            }
            throw e;
        }
    }

    private static TunDevice openDevice(Config config) throws TunException {
        return switch (config.offload()) {
            case OFF -> TunDevice.open(config.dev(), false);
            case ON -> TunDevice.open(config.dev(), true);
            case AUTO -> {
                try {
                    yield TunDevice.open(config.dev(), true);
                } catch (TunException e) {
                    if (!e.offloadRefused()) {
                        throw e;
                    }
                    yield TunDevice.open(config.dev(), false);
                }
            }
        };
    }

    public Config config() {
        return config;
    }

    /** True when the device runs with checksum and segmentation offload (asked for, and accepted by the kernel). */
    public boolean offload() {
        return dev.offload();
    }

    /** The device's name (the kernel may have completed a pattern such as jt%d). */
    public String deviceName() {
        return dev.name();
    }

    /** jtcp's address on the device. */
    public String address() {
        return config.addr();
    }

    /** The engine clock: nanoseconds since this stack started. */
    long nowNs() {
        return System.nanoTime() - t0;
    }

    // ================================================================ the loop

    // Packets are read without the lock (application threads keep using the engine meanwhile), then handed
    // to the engine in one lock hold. Buffers of the loop thread only (taken from the pool under the lock).
    private final byte[][] rx = new byte[RX_BATCH][];
    private final java.lang.foreign.MemorySegment[] rxViews = new java.lang.foreign.MemorySegment[RX_BATCH];
    private final int[] rxLens = new int[RX_BATCH];

    /** The loop; each step is a method of its own, compiled after a few thousand wake-ups rather than by OSR. */
    private void runLoop() {
        try {
            int timeoutMs = runTimers();
            while (running) {
                polls++;
                boolean readable;
                try {
                    readable = dev.await(waker, timeoutMs);
                } finally {
                    polling = false;   // from here the loop recomputes its deadline before it sleeps again
                }
                int next = readable ? readBatch() : NOTHING_READ;
                while (next == FULL_BATCH) {
                    next = readBatch();   // a full batch: more may be waiting
                }
                timeoutMs = next == NOTHING_READ ? runTimers() : next;
            }
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            fail(new IOException("jtcp stack on " + dev.name() + " stopped: " + e, e));
        }
    }

    /** What {@link #readBatch} returns when the batch was full (read again) or empty (run the timers first). */
    private static final int FULL_BATCH = -2;
    private static final int NOTHING_READ = -3;

    /** Runs the timers due, signals waiters, and returns poll()'s timeout until the next deadline (-1: none). */
    private int runTimers() {
        lock.lock();
        try {
            stack.advanceTo(nowNs());
            signalReady();
            return sleepTimeout();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lock held: the loop is about to sleep; records the deadline it sleeps until (an application call that
     * moves it earlier signals the eventfd) and returns poll()'s timeout (-1: none).
     */
    private int sleepTimeout() {
        long now = nowNs();
        long d = stack.nextDeadlineNs();
        loopWakeNs = d;
        polling = true;
        return d == Deadline.NONE ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, Math.ceilDiv(d - now, 1_000_000L)));
    }

    /**
     * Reads up to RX_BATCH packets and hands them to the engine. Returns FULL_BATCH when the batch was full,
     * NOTHING_READ when there was nothing, else (the device drained) poll()'s timeout, computed in the same
     * lock hold: the loop goes back to sleep without taking the lock again.
     */
    private int readBatch() throws IOException {
        int k = 0;
        int at = dev.packetOffset();
        while (k < RX_BATCH) {
            int n = dev.read(rxViews[k]);
            if (n == 0) {
                break;
            }
            // A packet longer than the buffer (the device's MTU raised behind our back) arrives cut: ip_rcv()
            // finds its total length beyond what arrived and counts it (IpExtInTruncatedPkts).
            rxLens[k] = Math.min(n, Math.min(rx[k].length, TunDevice.READ_BUFFER) - at);
            k++;
        }
        if (k == 0) {
            return NOTHING_READ;
        }
        lock.lock();
        try {
            long now = nowNs();   // the batch was read before the lock: one instant for all of it
            for (int i = 0; i < k; i++) {
                rxPackets++;
                byte[] b = rx[i];
                int len = rxLens[i];
                boolean valid = dev.checksumValid(b);
                if (pcap != null) {
                    if (dev.checksumPartial(b)) {
                        completeChecksum(b, at, len);   // the capture shows what the wire would carry
                    }
                    pcap.write(b, at, len, true);
                }
                if (2 * len >= b.length) {
                    // The packet fills at least half its buffer, within the receive queue's truesize charge (twice the
                    // payload): the buffer goes to the engine whole, as a driver hands its skb to netif_receive_skb(),
                    // and the payload is copied once more only, into the application's buffer. A fresh one replaces it.
                    rxHanded++;
                    stack.receiveSkb(now, b, at, len, valid);
                    rx[i] = pool.take(rxCapacity);
                    rxViews[i] = java.lang.foreign.MemorySegment.ofArray(rx[i]);
                } else {
                    stack.onPacket(now, b, at, len, valid);   // a small packet: the engine copies what it keeps
                }
            }
            signalReady();
            return k == RX_BATCH ? FULL_BATCH : sleepTimeout();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sink: every packet the engine emits goes to the device (called with the lock held). gsoSize -1: a
     * packet with its checksums complete; otherwise a TCP packet with a partial checksum (a TSO packet of
     * segments of gsoSize bytes when above 0), for a device with offloads.
     */
    private void transmit(byte[] packet, int off, int len, int gsoSize) {
        if (failure != null) {
            return;
        }
        try {
            boolean sent = gsoSize < 0 ? dev.write(packet, off, len) : dev.writeOffload(packet, off, len, gsoSize);
            if (sent) {
                txPackets++;
            } else {
                txDrops++;   // the kernel's queue is full: a lost packet, as on a busy link
            }
            if (pcap != null) {
                if (gsoSize >= 0) {
                    completeChecksum(packet, off, len);   // the kernel has its copy: the capture shows the finished sum
                }
                pcap.write(packet, off, len, false);
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /**
     * What the device does for a CHECKSUM_PARTIAL IPv4/TCP packet: sums from the TCP header on (the field
     * holds the pseudo-header sum) and stores the complement. A TSO packet gets the sum of the whole packet;
     * its segments' sums are the kernel's to make.
     */
    static void completeChecksum(byte[] p, int off, int len) {
        int tcp = off + Ipv4Header.headerLengthOf(p, off);
        int end = off + len;
        if (tcp + TcpHeader.URGENT_POINTER_OFFSET > end) {
            return;
        }
        int sum = Checksum.fold(Checksum.sum(p, tcp, end - tcp, 0));
        p[tcp + TcpHeader.CHECKSUM_OFFSET] = (byte) (sum >>> 8);
        p[tcp + TcpHeader.CHECKSUM_OFFSET + 1] = (byte) sum;
    }

    private void fail(IOException e) {
        if (failure == null && running) {
            failure = e;
        }
        running = false;
        lock.lock();
        try {
            for (Waiter w : waiting) {
                w.cond.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Signals every waiter whose condition now holds (lock held). */
    private void signalReady() {
        for (int i = 0; i < waiting.size(); i++) {
            Waiter w = waiting.get(i);
            if (w.ready.getAsBoolean()) {
                w.cond.signal();
            }
        }
    }

    // ================================================================ application side

    /**
     * Runs fn on the engine under the stack's lock, at the current time. Wakes the loop when the call
     * moved the engine's next deadline earlier than the loop's wait.
     */
    public <T> T call(Function<NetStack, T> fn) throws IOException {
        lock.lock();
        try {
            checkAlive();
            stack.advanceTo(nowNs());
            T r = fn.apply(stack);
            afterCall();
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** Lock held: re-arm the loop if needed and signal waiters whose condition the call changed. */
    private void afterCall() {
        long d = stack.nextDeadlineNs();
        if (polling && d < loopWakeNs) {
            loopWakeNs = d;
            wakes++;
            waker.signal();
        }
        signalReady();
    }

    /**
     * Waits (lock held) until ready holds, the deadline (System.nanoTime based; 0 = none) passes, or the
     * stack fails. Returns false on timeout.
     */
    boolean await(BooleanSupplier ready, long deadlineNano) throws IOException {
        if (ready.getAsBoolean()) {
            return true;
        }
        Waiter w = new Waiter(lock.newCondition(), ready);
        waiting.add(w);
        try {
            while (!ready.getAsBoolean()) {
                checkAlive();
                if (deadlineNano != 0) {
                    long left = deadlineNano - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    w.cond.awaitNanos(left);
                } else {
                    w.cond.await();
                }
                stack.advanceTo(nowNs());
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the jtcp stack");
        } finally {
            waiting.remove(w);
        }
    }

    /**
     * Waits up to timeoutMs until cond holds for the engine (checked, under the lock, after every packet
     * batch and timer run). True if it came to hold; false on timeout.
     */
    public boolean awaitEngine(java.util.function.Predicate<NetStack> cond, long timeoutMs) throws IOException {
        lock.lock();
        try {
            return await(() -> cond.test(stack), System.nanoTime() + timeoutMs * 1_000_000L);
        } finally {
            lock.unlock();
        }
    }

    ReentrantLock lock() {
        return lock;
    }

    NetStack engine() {
        return stack;
    }

    /** Lock held: brings the engine clock to now. */
    void tick() {
        stack.advanceTo(nowNs());
    }

    /** Lock held: after an application call. */
    void done() {
        afterCall();
    }

    void checkAlive() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new SocketException("jtcp stack on " + dev.name() + " has failed: " + f.getMessage());
        }
        if (!running) {
            throw new SocketException("jtcp stack on " + dev.name() + " is closed");
        }
    }

    /** The reason the stack stopped on its own (device removed, ...), or null. */
    public IOException failure() {
        return failure;
    }

    void register(TunSocket s) {
        sockets.add(s);
    }

    void unregister(TunSocket s) {
        sockets.remove(s);
    }

    static SocketTimeoutException timeout(String what) {
        return new SocketTimeoutException(what + " timed out");
    }

    /** Counters of the driver itself: packets read, written, dropped by a full kernel queue. */
    public String deviceStats() {
        lock.lock();
        try {
            return "rx " + rxPackets + " (" + rxHanded + " handed over whole) tx " + txPackets + " txdrop " + txDrops + " polls " + polls
                    + " wakes " + wakes;
        } finally {
            lock.unlock();
        }
    }

    /** The engine's MIB counters that are not zero (nstat's view). */
    public java.util.Map<String, Long> nstat() {
        lock.lock();
        try {
            return stack.mib().nonZero();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops cleanly: closes every socket still open (a FIN, or a RST where unread data remains, as
     * close() does), gives the connections up to graceMs to finish their closing handshakes, then stops
     * the loop and closes the device (the kernel removes it).
     */
    public void shutdown(long graceMs) {
        long end = System.nanoTime() + graceMs * 1_000_000L;
        lock.lock();
        try {
            if (running) {
                for (TunSocket s : List.copyOf(sockets)) {
                    s.closeLocked();
                }
                afterCall();
                try {
                    await(this::quiet, end);
                } catch (IOException e) {
                    // the stack failed while closing: nothing more to wait for
                }
            }
        } finally {
            lock.unlock();
        }
        close();
    }

    /** No connection is still exchanging packets (TIME_WAIT and listeners do not count). */
    private boolean quiet() {
        for (var e : stack.ss()) {
            switch (e.state()) {
                case "LISTEN", "TIME-WAIT", "CLOSE", "UNCONN" -> { }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** Stops the loop at once and closes the device (sockets get an error). */
    @Override
    public void close() {
        running = false;
        waker.signal();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            for (Waiter w : waiting) {
                w.cond.signalAll();
            }
            dev.close();
            if (pcap != null) {
                pcap.close();
            }
        } finally {
            lock.unlock();
        }
        waker.close();
    }
}
