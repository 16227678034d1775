package dev.jtcp.tcp;

import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.MibCounters;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.Tracer;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Rng;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.Seq;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP for one host: the connection table (established, half-open and TIME_WAIT entries keyed by
 * 4-tuple, as Linux's ehash), the listeners, the bind table, the timer heap, and the socket calls
 * (Linux's af_inet.c / tcp.c entry points). Arrival logic is in {@link TcpInput}, segment construction in
 * {@link TcpOutput}, timer decisions in {@link TcpTimers}, mini-socket logic in {@link TcpMinisocks}.
 */
public final class Tcp {
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    /** recv() flags. */
    public static final int MSG_OOB = 1;
    public static final int MSG_PEEK = 2;
    public static final int MSG_DONTWAIT = 0x40;
    /** send(): the write ends a record; later writes never join its last segment (tcp_skb_can_collapse_to). */
    public static final int MSG_EOR = 0x80;
    /** send(): more data follows at once; no PSH, and a partial segment waits (as TCP_CORK, for this call). */
    public static final int MSG_MORE = 0x8000;
    /** send(): the data goes as the application's pages; completions come on the error queue (with SO_ZEROCOPY). */
    public static final int MSG_ZEROCOPY = 0x4000000;
    /** send() from splice(): each iovec is a pipe buffer's page, added to the skb as a fragment. */
    public static final int MSG_SPLICE_PAGES = 0x8000000;
    /** IP_MTU_DISCOVER values (linux/in.h): never DF; DF unless the route's MTU is locked; always DF; ... */
    public static final int IP_PMTUDISC_DONT = 0;
    public static final int IP_PMTUDISC_WANT = 1;
    public static final int IP_PMTUDISC_DO = 2;
    public static final int IP_PMTUDISC_PROBE = 3;
    public static final int IP_PMTUDISC_INTERFACE = 4;
    public static final int IP_PMTUDISC_OMIT = 5;

    final TcpHost host;
    final Sysctl sysctl;
    final MibCounters mib;
    final TcpOutput output;
    final TcpInput input;
    final TcpTimers timers;
    final TcpMinisocks mini;
    /** ICMP errors for TCP (tcp_v4_err). */
    final TcpIcmp icmp;
    final Jiffies jiffies;
    /** syncookie_secret: the keys of this host's SYN cookies. */
    final SynCookies cookies;
    final TcpFastOpen fastopen;
    /** get_random_u16()'s source: a per-host stream from the host's seeded secrets. */
    private final Rng random;

    /** ehash: every 4-tuple in use, full sockets, request socks and TIME_WAIT records alike. */
    private final ConnTable ehash = new ConnTable();
    /** Listening sockets by port. */
    private final Map<Integer, List<TcpSock>> listeners = new HashMap<>();
    /** bhash: every socket holding a port (including TIME_WAIT records), by port. */
    /** Owners per port in insertion order; removal is O(1), as Linux's bind-bucket owner lists are. */
    private final Map<Integer, BindBucket> bindTable = new HashMap<>();
    /** Every socket object still alive, by id, in creation order (what ss lists). */
    private final SockList sockets = new SockList();
    private final TimerHeap timerHeap = new TimerHeap();
    /** __inet_hash_connect's table_perturb, entries created on first use. */
    private final Map<Integer, Integer> tablePerturb = new HashMap<>();
    private int nextSockId = 3;
    private int timeWaitCount;

    public Tcp(TcpHost host) {
        this.host = host;
        this.sysctl = host.sysctl();
        this.mib = host.mib();
        this.jiffies = host.jiffies();
        this.output = new TcpOutput(this);
        this.timers = new TcpTimers(this);
        this.input = new TcpInput(this);
        this.mini = new TcpMinisocks(this);
        this.icmp = new TcpIcmp(this);
        this.fastopen = new TcpFastOpen(this);
        long[] k = host.secrets();
        this.cookies = new SynCookies(SipHash.hash(k[0], k[3], 0x636f6f6b), SipHash.hash(k[1], k[2], 0x636f6f6b),
                SipHash.hash(k[2], k[1], 0x636f6f6c), SipHash.hash(k[3], k[0], 0x636f6f6c));
        this.random = new Rng(k[1] ^ Long.rotateLeft(k[3], 17));
    }

    // ================================================================ plumbing

    /** The clock and counters a congestion control algorithm reads. */
    final TcpCongestionOps.Host caHost = new TcpCongestionOps.Host() {
        @Override
        public long nowNs() {
            return now();
        }

        @Override
        public Jiffies jiffies() {
            return jiffies;
        }

        @Override
        public void mibAdd(dev.jtcp.sys.Mib counter, long n) {
            mib.add(counter, n);
        }
    };

    long now() {
        return host.nowNs();
    }

    Tracer tracer() {
        return host.tracer();
    }

    boolean tracing() {
        return host.tracer().enabled();
    }

    void traceState(Sock s, TcpState from, TcpState to, String why) {
        if (tracing()) {
            tracer().emit(new StateEvent(now(), host.hostName(), s.conn(), from.name(), to.name(), why));
        }
    }

    /**
     * A TCP_INFO-like sample of a connection (congestion window, threshold, data in flight, windows,
     * smoothed RTT) for the report's plots: after each ACK it processes and after each transmission.
     */
    void traceInfo(TcpSock sk, String why) {
        if (!tracing()) {
            return;
        }
        long inFlight = 0;
        for (TxSegment seg : sk.rtxQueue) {
            int bytes = Math.max(1, seg.payload());
            if (!seg.has(TxSegment.SACKED_ACKED) && !seg.has(TxSegment.LOST)) {
                inFlight += bytes;
            }
            if (seg.has(TxSegment.SACKED_RETRANS)) {
                inFlight += bytes;
            }
        }
        int ssthresh = sk.sndSsthresh >= dev.jtcp.trace.TcpInfoEvent.INFINITE_SSTHRESH
                ? dev.jtcp.trace.TcpInfoEvent.INFINITE_SSTHRESH : sk.sndSsthresh;
        tracer().emit(new dev.jtcp.trace.TcpInfoEvent(now(), host.hostName(), sk.conn(), sk.state.name(), sk.sndCwnd,
                ssthresh, sk.mssCache, (int) Math.min(Integer.MAX_VALUE, inFlight), sk.rcvWnd, sk.sndWnd,
                sk.srttUs >> 3, why));
    }

    /** Retransmit-timer arms of this step, by socket: only the last one of a step is traced. */
    private final Map<Sock, TimerEvent> deferredArms = new LinkedHashMap<>();

    /**
     * Records an arm of the retransmit/persist timer. Linux often re-arms it several times while
     * handling one input (RTO, then a loss probe); the trace shows the timer as it stands when the
     * step ends ({@link #flushTrace()}).
     */
    void deferTimerArm(Sock s, String timer, long expiresNs, String why) {
        if (tracing()) {
            deferredArms.put(s, new TimerEvent(now(), host.hostName(), s.conn(), timer, "arm", expiresNs, why));
        }
    }

    /** A cancel in the same step as an arm not yet traced: both vanish. True when it did. */
    boolean dropDeferredArm(Sock s) {
        return deferredArms.remove(s) != null;
    }

    /** Emits the timer arms deferred during this step; called when a driver's input has been handled. */
    public void flushTrace() {
        if (deferredArms.isEmpty()) {
            return;
        }
        for (TimerEvent e : deferredArms.values()) {
            tracer().emit(e);
        }
        deferredArms.clear();
    }

    void traceTimer(Sock s, String timer, String action, long expiresNs, String why) {
        if (tracing()) {
            tracer().emit(new TimerEvent(now(), host.hostName(), s.conn(), timer, action, expiresNs, why));
        }
    }

    /** A timer's length in whole jiffies: durationNs rounded up, so that a timer never fires early. */
    long timerJiffies(long durationNs) {
        return Math.ceilDiv(Math.max(0, durationNs), jiffies.jiffyNs());
    }

    /** The instant a timer armed now for deltaJiffies fires, after the timer wheel rounds it up. */
    long fireAfter(long deltaJiffies) {
        return jiffies.fireAt(now(), deltaJiffies);
    }

    /**
     * The nominal expiry of a timer armed now for deltaJiffies: jiffies + delta, as timer->expires and
     * icsk_timeout hold it (what ss shows), before the timer wheel rounds it up.
     */
    long nominalAfter(long deltaJiffies) {
        return jiffies.instantOf(jiffiesNow() + deltaJiffies);
    }

    /** The current jiffies count. */
    long jiffiesNow() {
        return jiffies.at(now());
    }

    /** usecs_to_jiffies() as a duration in ns. */
    long usToJiffyNs(long us) {
        return jiffies.toNs(jiffies.fromMicros(us));
    }

    /**
     * tcp_oow_rate_limited(): at most one ACK per tcp_invalid_ratelimit for out-of-window pure ACKs and
     * SYNs (data and FIN segments are never limited). True when this one must not be answered.
     */
    boolean oowRateLimited(Sock s, TcpInput.Segment seg, dev.jtcp.sys.Mib mib) {
        if (seg.seq != seg.endSeq && !seg.has(dev.jtcp.wire.TcpFlags.SYN)) {
            return false;
        }
        return oowRateLimited(s, mib);
    }

    /** __tcp_oow_rate_limited(): the per-socket limit itself (challenge ACKs use it directly). */
    boolean oowRateLimited(Sock s, dev.jtcp.sys.Mib mib) {
        if (s.lastOowAckSet) {
            long elapsed = jiffiesNow() - jiffies.at(s.lastOowAckNs);
            if (elapsed >= 0 && elapsed < jiffies.fromMillis(sysctl.get(SysctlKey.TCP_INVALID_RATELIMIT))) {
                this.mib.inc(mib);
                return true;
            }
        }
        s.lastOowAckNs = now();
        s.lastOowAckSet = true;
        return false;
    }

    /** Traces a segment this host discards, with the reason. */
    void traceDrop(TcpInput.Segment s, String why) {
        if (tracing()) {
            tracer().emit(new dev.jtcp.trace.SegmentEvent(now(), host.hostName(), dev.jtcp.trace.SegmentEvent.Kind.DROP,
                    new dev.jtcp.wire.Endpoint(s.saddr, s.th.srcPort()), new dev.jtcp.wire.Endpoint(s.daddr, s.th.dstPort()),
                    s.th, s.len, host.hostName(), why, null));
        }
    }

    /** The socket's deadlines changed: re-key it in the timer heap. */
    void timersChanged(Sock s) {
        timerHeap.update(s);
    }

    /** The host's next timer deadline, or {@link Deadline#NONE}. */
    public long nextDeadlineNs() {
        return timerHeap.peekDeadline();
    }

    /** Runs every timer due at or before now. */
    public void runTimers(long nowNs) {
        while (timerHeap.peekDeadline() <= nowNs) {
            Sock s = timerHeap.peek();
            switch (s) {
                case TcpSock sk -> timers.fire(sk, nowNs);
                case RequestSock req -> mini.requestTimer(req);
                case TimeWaitSock tw -> mini.timeWaitTimer(tw);
            }
            flushTrace();
            // A handler that did not move the deadline forward must not spin: re-key unconditionally.
            if ((s.heapIndex >= 0 || s instanceof TimeWaitSock) && s.nextTimerNs() <= nowNs
                    && timerHeap.peek() == s) {
                throw new IllegalStateException("timer did not advance for " + s.conn());
            }
        }
    }

    public Sysctl sysctl() {
        return sysctl;
    }

    public MibCounters mib() {
        return mib;
    }

    // ================================================================ tables

    Sock lookupEstablished(int localAddr, int localPort, int remoteAddr, int remotePort) {
        return ehash.get(localAddr, localPort, remoteAddr, remotePort);
    }

    /** inet_lookup_listener(): an exact address match beats a wildcard. */
    TcpSock lookupListener(int localAddr, int localPort) {
        List<TcpSock> l = listeners.get(localPort);
        if (l == null) {
            return null;
        }
        TcpSock wildcard = null;
        for (TcpSock s : l) {
            if (s.localAddr == localAddr) {
                return s;
            }
            if (s.localAddr == 0 && wildcard == null) {
                wildcard = s;
            }
        }
        return wildcard;
    }

    void hash(Sock s) {
        ehash.put(s);
        if (s instanceof TcpSock sk) {
            sk.hashed = true;
        }
    }

    void unhash(Sock s) {
        ehash.remove(s);
        if (s instanceof TcpSock sk) {
            sk.hashed = false;
        }
    }

    /** inet_ehash_insert() replacing old with its successor (request sock by child, socket by TIME_WAIT). */
    void replace(Sock old, Sock successor) {
        ehash.put(successor);
        if (old instanceof TcpSock sk) {
            sk.hashed = false;
        }
        if (successor instanceof TcpSock sk) {
            sk.hashed = true;
        }
    }

    private void bindPort(Sock s, int port) {
        bindTable.computeIfAbsent(port, BindBucket::new).add(s);
        if (s instanceof TcpSock sk) {
            sk.portBound = true;
        }
    }

    /** inet_put_port(). */
    void releasePort(Sock s) {
        BindBucket b = s.bindBucket;
        if (b != null && b.remove(s) && b.isEmpty()) {
            bindTable.remove(b.port);
        }
        if (s instanceof TcpSock sk) {
            sk.portBound = false;
        }
    }

    /** Hands the port held by a socket over to its TIME_WAIT successor (inet_twsk_hashdance). */
    void transferPort(TcpSock from, TimeWaitSock to) {
        BindBucket b = from.bindBucket;
        if (b != null) {
            b.replace(from, to);
        } else {
            bindPort(to, to.localPort);
        }
        from.portBound = false;
    }

    /** Every live socket object (what ss lists), in creation order. */
    public List<TcpSock> sockets() {
        return sockets.toList();
    }

    /**
     * What the host still holds: connection-table entries (ehash: full sockets, requests, TIME_WAIT
     * records), ports with owners (bhash), listening ports, live socket objects and whether any timer is
     * armed. All zero once every connection has ended and every socket is closed.
     */
    public record Occupancy(int connections, int boundPorts, int listeningPorts, int liveSockets, boolean timerArmed) {
        public boolean empty() {
            return connections == 0 && boundPorts == 0 && listeningPorts == 0 && liveSockets == 0 && !timerArmed;
        }
    }

    public Occupancy occupancy() {
        return new Occupancy(ehash.size(), bindTable.size(), listeners.size(), sockets.toList().size(),
                timerHeap.peekDeadline() != Deadline.NONE);
    }

    /** Every connection-table entry that is not a full socket (request and TIME_WAIT records). */
    public List<Sock> miniSockets() {
        List<Sock> out = new ArrayList<>();
        for (Sock s : ehash.values()) {
            if (!(s instanceof TcpSock)) {
                out.add(s);
            }
        }
        out.sort((a, b) -> a.conn().compareTo(b.conn()));
        return out;
    }

    /**
     * What {@code ss -tano} lists for this host (inet_diag): listeners first, then every connection-table
     * entry (full sockets, half-open requests, TIME_WAIT records) by local port and peer. Sockets that
     * are closed or not yet connected are not in the tables and are not listed, as in Linux.
     */
    public List<SocketEntry> socketTable() {
        List<SocketEntry> out = new ArrayList<>();
        List<TcpSock> ls = new ArrayList<>();
        for (List<TcpSock> l : listeners.values()) {
            ls.addAll(l);
        }
        ls.sort((a, b) -> a.localPort != b.localPort ? Integer.compare(a.localPort, b.localPort) : Integer.compare(a.id, b.id));
        for (TcpSock l : ls) {
            out.add(new SocketEntry(TcpState.LISTEN.ssName, l.acceptQueue.size(), l.maxAckBacklog,
                    new dev.jtcp.wire.Endpoint(l.localAddr, l.localPort), new dev.jtcp.wire.Endpoint(0, 0), "", 0, 0, "sock"));
        }
        List<Sock> conns = new ArrayList<>(ehash.values());
        conns.sort((a, b) -> {
            int c = Integer.compare(a.localPort, b.localPort);
            if (c == 0) {
                c = Integer.compareUnsigned(a.remoteAddr, b.remoteAddr);
            }
            if (c == 0) {
                c = Integer.compare(a.remotePort, b.remotePort);
            }
            return c != 0 ? c : Integer.compareUnsigned(a.localAddr, b.localAddr);
        });
        for (Sock s : conns) {
            out.add(entry(s));
        }
        return out;
    }

    private SocketEntry entry(Sock s) {
        dev.jtcp.wire.Endpoint local = new dev.jtcp.wire.Endpoint(s.localAddr, s.localPort);
        dev.jtcp.wire.Endpoint peer = new dev.jtcp.wire.Endpoint(s.remoteAddr, s.remotePort);
        return switch (s) {
            case RequestSock r -> new SocketEntry(TcpState.SYN_RECV.ssName, 0, 0, local, peer, "on",
                    msUntil(r.nominalNs), r.numRetrans, "request");
            case TimeWaitSock tw -> new SocketEntry(tw.substate.ssName, 0, 0, local, peer, "timewait",
                    msUntil(tw.timeoutNs), 0, "timewait");
            case TcpSock sk -> {
                long recvQ = Math.max(0, sk.readable()) + (sk.finReceived && !sk.finConsumed ? 1 : 0);
                long sendQ = Integer.toUnsignedLong(sk.writeSeq - sk.sndUna);
                String timer = "";
                long ms = 0;
                int retrans = 0;
                // inet_diag: the retransmit-class timer first, then sk_timer (keepalive or FIN_WAIT2).
                if (sk.xmitTimer == TcpSock.XMIT_RETRANS || sk.xmitTimer == TcpSock.XMIT_LOSS_PROBE
                        || sk.xmitTimer == TcpSock.XMIT_REO_TIMEOUT) {
                    timer = "on";
                    ms = msUntil(sk.xmitTimeoutNs);
                    retrans = sk.retransmits;
                } else if (sk.xmitTimer == TcpSock.XMIT_PROBE0) {
                    timer = "persist";
                    ms = msUntil(sk.xmitTimeoutNs);
                    retrans = sk.probesOut;
                } else if (sk.skTimer != TcpSock.SKT_NONE) {
                    timer = "keepalive";
                    ms = msUntil(sk.skTimerTimeoutNs);
                    retrans = sk.probesOut;
                }
                yield new SocketEntry(sk.state.ssName, recvQ, sendQ, local, peer, timer, ms, retrans, "sock",
                        TcpInfo.of(this, sk));
            }
        };
    }

    /** jiffies_delta_to_msecs(expires - jiffies): whole jiffies left, in ms, never negative. */
    private long msUntil(long nominalNs) {
        if (nominalNs == dev.jtcp.time.Deadline.NONE) {
            return 0;
        }
        long j = jiffies.at(nominalNs) - jiffiesNow();
        return Math.max(0, j) * 1000L / jiffies.hz();
    }

    int timeWaitCount() {
        return timeWaitCount;
    }

    void timeWaitAdded() {
        timeWaitCount++;
    }

    void timeWaitRemoved(TimeWaitSock tw) {
        timeWaitCount--;
        unhash(tw);
        releasePort(tw);
        timerHeap.remove(tw);
    }

    void requestRemoved(RequestSock req) {
        unhash(req);
        timerHeap.remove(req);
    }

    void forget(TcpSock sk) {
        sockets.remove(sk);
        timerHeap.remove(sk);
    }

    // ================================================================ state changes

    /** tcp_set_state(): the MIB bookkeeping of a transition, and the trace. */
    void setState(TcpSock sk, TcpState to, String why) {
        TcpState from = sk.state;
        if (from == to) {
            return;
        }
        if (to == TcpState.ESTABLISHED) {
            mib.inc(Mib.TcpCurrEstab);
        }
        if (to == TcpState.CLOSE) {
            if (from == TcpState.CLOSE_WAIT || from == TcpState.ESTABLISHED) {
                mib.inc(Mib.TcpEstabResets);
            }
            unhash(sk);
            // inet_put_port(): an automatically chosen port goes back; an explicitly bound one stays
            // with the socket until it is closed.
            if (sk.portBound && !sk.bindPortLocked) {
                releasePort(sk);
            }
        }
        if ((from == TcpState.ESTABLISHED || from == TcpState.CLOSE_WAIT) && to != TcpState.ESTABLISHED
                && to != TcpState.CLOSE_WAIT) {
            mib.dec(Mib.TcpCurrEstab);
        }
        sk.state = to;
        traceState(sk, from, to, why);
        wake(sk);   // a blocked connect(), accept(), read() or write() may now return
    }

    /** tcp_done(): the connection is over; the socket lives on only if the application still holds it. */
    void done(TcpSock sk, String why) {
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            mib.inc(Mib.TcpAttemptFails);
        }
        setState(sk, TcpState.CLOSE, why);
        timers.clearXmitTimers(sk);
        fastopen.removeRequest(sk, false);   // tcp_done(): a TFO child's request goes with it
        sk.shutdown = TcpSock.SHUTDOWN_MASK;
        if (sk.orphan) {
            destroy(sk);
        } else {
            wake(sk);
        }
    }

    /** inet_csk_destroy_sock(): an orphan that reached CLOSE goes away. */
    void destroy(TcpSock sk) {
        TcpCong.cleanup(sk);
        if (sk.portBound) {
            releasePort(sk);
        }
        unhash(sk);
        forget(sk);
    }

    /** tcp_reset(): an acceptable RST arrived. */
    void reset(TcpSock sk, String why) {
        switch (sk.state) {
            case SYN_SENT -> sk.err = Errno.ECONNREFUSED.code;
            case CLOSE_WAIT -> sk.err = Errno.EPIPE.code;
            case CLOSE -> {
                return;
            }
            default -> sk.err = Errno.ECONNRESET.code;
        }
        output.writeQueuePurge(sk);
        done(sk, why);
    }

    /**
     * sk_wake_async() / the socket's wait queue: something a blocked caller may wait for changed (data,
     * end of stream, buffer space, a connection to accept, a state, an error). Drivers that block callers
     * re-check only the sockets woken.
     */
    void wake(TcpSock sk) {
        host.wake(sk);
    }

    // ================================================================ ISN, timestamps, ports

    /**
     * A diagnostic hook for tests and replays: initial sequence numbers come from this supplier instead
     * of RFC 6528's generator (null restores it). Linux offers the same control through TCP_REPAIR.
     */
    public void overrideIsn(java.util.function.IntSupplier isns) {
        this.isnOverride = isns;
    }

    private java.util.function.IntSupplier isnOverride;

    /** secure_tcp_seq() (RFC 6528): keyed hash of the 4-tuple plus a 64 ns clock. */
    int secureSeq(int saddr, int daddr, int sport, int dport) {
        if (isnOverride != null) {
            return isnOverride.getAsInt();
        }
        long[] k = host.secrets();
        int hash = (int) SipHash.hash(k[0], k[1], saddr, daddr, (sport << 16) | (dport & 0xffff));
        return hash + (int) (host.isnClockNs() >>> 6);
    }

    /** get_random_u16() for a socket's first IP ID, from the host's seeded secrets. */
    int randomU16() {
        return random.nextInt() & 0xffff;
    }

    /** secure_tcp_ts_off(): per 4-tuple in Linux 6.18 (measured: requests from one address get unrelated offsets), or 0 when tcp_timestamps=2. */
    int tsOffset(int saddr, int daddr, int sport, int dport) {
        if (sysctl.get(SysctlKey.TCP_TIMESTAMPS) != 1) {
            return 0;
        }
        long[] k = host.secrets();
        return (int) SipHash.hash(k[2], k[3], saddr, daddr, (sport << 16) | (dport & 0xffff));
    }

    /** tcp_time_stamp_ts(): the timestamp clock in ms plus the connection's offset. */
    int tsNow(int tsOffset) {
        return (int) (host.tsClockNs() / 1_000_000L) + tsOffset;
    }

    /** The timestamp value our clock showed at an earlier instant. */
    int tsAt(long instantNs, int tsOffset) {
        // The clock's own reading at that instant (floor of the instant), not now's reading less the elapsed
        // whole milliseconds: those differ by one when less than 1 ms passed across a tick, which made a
        // SYN-ACK arriving 0.4 ms after the SYN fail the SYN_SENT timestamp check.
        return (int) ((host.tsClockNs() - (host.nowNs() - instantNs)) / 1_000_000L) + tsOffset;
    }

    private long portOffset(int saddr, int daddr, int dport) {
        long[] k = host.secrets();
        return SipHash.hash(k[0], k[1] ^ 0x5555L, saddr, daddr, dport);
    }

    private int perturb(int index) {
        Integer v = tablePerturb.get(index);
        if (v == null) {
            long[] k = host.secrets();
            v = (int) SipHash.hash(k[2] ^ 0x77L, k[3], index);
            tablePerturb.put(index, v);
        }
        return v;
    }

    /** Is (local port, dst) free for a new connection? __inet_check_established() with tw reuse. */
    private boolean tupleFree(int saddr, int sport, int daddr, int dport) {
        Sock s = lookupEstablished(saddr, sport, daddr, dport);
        if (s == null) {
            return true;
        }
        if (s instanceof TimeWaitSock tw && mini.twUnique(tw)) {
            mini.killTimeWait(tw, "tcp_twsk_unique: TIME_WAIT 4-tuple reused for a new connection (tcp_tw_reuse)");
            return true;
        }
        return false;
    }

    /** __inet_hash_connect(): choose an ephemeral port (even ports first) so the 4-tuple is unique. */
    private int hashConnectPort(int saddr, int daddr, int dport) {
        int low = sysctl.get(SysctlKey.IP_LOCAL_PORT_RANGE, 0);
        int high = sysctl.get(SysctlKey.IP_LOCAL_PORT_RANGE, 1) + 1;
        int step = 2;
        int remaining = high - low;
        if (remaining > 1) {
            remaining &= ~1;
        }
        long portOffset = portOffset(saddr, daddr, dport);
        int index = (int) (portOffset & 0xffff);
        int offset = (int) Integer.remainderUnsigned(perturb(index) + (int) (portOffset >>> 32), remaining);
        offset &= ~1;   // first pass: ports of low's parity; inet_csk_get_port() takes the other
        for (int pass = 0; pass < 2; pass++) {
            int port = low + offset;
            for (int i = 0; i < remaining; i += step, port += step) {
                if (port >= high) {
                    port -= remaining;
                }
                BindBucket bucket = bindTable.get(port);
                if (bucket != null && bucket.byBind) {
                    continue;   // tb->fastreuse >= 0: a bind() user owns this port
                }
                if (tupleFree(saddr, port, daddr, dport)) {
                    // Add a little randomness to the next choice (Linux: max(i, random(8) * step)).
                    int r = (int) Long.remainderUnsigned(SipHash.hash(host.secrets()[1], host.secrets()[2], index, perturb(index)), 8);
                    int adv = Math.max(i, r * step);
                    tablePerturb.put(index, perturb(index) + adv + step);
                    return port;
                }
            }
            offset++;
            if ((offset & 1) == 0 || remaining <= 1) {
                break;
            }
        }
        return -1;
    }

    /** inet_csk_find_open_port() for bind(port 0) and listen() on an unbound socket: odd ports first. */
    private int findOpenPort(TcpSock sk) {
        int low = sysctl.get(SysctlKey.IP_LOCAL_PORT_RANGE, 0);
        int high = sysctl.get(SysctlKey.IP_LOCAL_PORT_RANGE, 1) + 1;
        int remaining = high - low;
        if (remaining > 1) {
            remaining &= ~1;
        }
        long[] k = host.secrets();
        int offset = (int) Long.remainderUnsigned(SipHash.hash(k[3], k[0], sk.id, sk.localAddr, nextSockId), remaining);
        offset |= 1;
        for (int pass = 0; pass < 2; pass++) {
            int port = low + offset;
            for (int i = 0; i < remaining; i += 2, port += 2) {
                if (port >= high) {
                    port -= remaining;
                }
                if (!bindConflict(sk, sk.localAddr, port)) {
                    return port;
                }
            }
            offset--;
            if ((offset & 1) != 0) {
                break;
            }
        }
        return -1;
    }

    /**
     * inet_csk_bind_conflict(): another socket on the port with an overlapping address conflicts unless
     * both set SO_REUSEADDR and the other is not listening. TIME_WAIT records keep the reuse flag of
     * the socket they replaced.
     */
    private boolean bindConflict(TcpSock sk, int addr, int port) {
        BindBucket l = bindTable.get(port);
        if (l == null) {
            return false;
        }
        for (Sock other : l) {
            if (other == sk) {
                continue;
            }
            if (other.localAddr != 0 && addr != 0 && other.localAddr != addr) {
                continue;
            }
            boolean otherReuse;
            boolean otherListening;
            if (other instanceof TcpSock o) {
                otherReuse = o.reuseAddr;
                otherListening = o.state == TcpState.LISTEN;
            } else if (other instanceof TimeWaitSock tw) {
                otherReuse = tw.reuse;
                otherListening = false;
            } else {
                continue;
            }
            if (sk.reuseAddr && otherReuse && !otherListening) {
                continue;
            }
            return true;
        }
        return false;
    }

    // ================================================================ socket calls

    /** socket(AF_INET, SOCK_STREAM, 0). */
    public TcpSock socket() {
        int sndBuf = sysctl.get(SysctlKey.TCP_WMEM, 1);
        int rcvBuf = sysctl.get(SysctlKey.TCP_RMEM, 1);
        TcpSock sk = new TcpSock(nextSockId++, sndBuf, rcvBuf);
        // inet_create(): path MTU discovery unless net.ipv4.ip_no_pmtu_disc.
        sk.pmtudisc = sysctl.get(SysctlKey.IP_NO_PMTU_DISC) != 0 ? IP_PMTUDISC_DONT : IP_PMTUDISC_WANT;
        TcpCong.assign(this, sk);   // tcp_init_sock(): the default congestion control
        sockets.add(sk);
        return sk;
    }

    /** inet_bind(): 0, or -EINVAL / -EADDRNOTAVAIL / -EADDRINUSE. */
    public int bind(TcpSock sk, int addr, int port) {
        if (port < 0 || port > 65535) {
            return Errno.EINVAL.neg();
        }
        if (sk.state != TcpState.CLOSE || sk.localPort != 0 || sk.portBound) {
            return Errno.EINVAL.neg();
        }
        if (addr != 0 && !host.isLocalAddress(addr) && !sk.freebind) {   // inet_addr_valid_or_nonlocal()
            return Errno.EADDRNOTAVAIL.neg();
        }
        int p = port;
        if (p == 0) {
            sk.localAddr = addr;
            p = findOpenPort(sk);
            if (p < 0) {
                sk.localAddr = 0;
                return Errno.EADDRINUSE.neg();
            }
        } else if (bindConflict(sk, addr, p)) {
            return Errno.EADDRINUSE.neg();
        }
        sk.localAddr = addr;
        sk.localPort = p;
        sk.bindPortLocked = port != 0;
        bindPort(sk, p);
        sk.bindBucket.byBind = true;
        return 0;
    }

    /** inet_listen(): 0, or -EINVAL / -EADDRINUSE. */
    public int listen(TcpSock sk, int backlog) {
        if (sk.state != TcpState.CLOSE && sk.state != TcpState.LISTEN) {
            return Errno.EINVAL.neg();
        }
        // __sys_listen(): backlog is capped by net.core.somaxconn (a negative one, as unsigned, too).
        int somaxconn = sysctl.get(SysctlKey.CORE_SOMAXCONN);
        int b = (backlog < 0 || backlog > somaxconn) ? somaxconn : backlog;
        sk.maxAckBacklog = b;
        if (sk.state == TcpState.LISTEN) {
            return 0;
        }
        if (!sk.portBound) {
            int p = findOpenPort(sk);
            if (p < 0) {
                return Errno.EADDRINUSE.neg();
            }
            sk.localPort = p;
            bindPort(sk, p);
        } else if (bindConflictForListen(sk)) {
            return Errno.EADDRINUSE.neg();
        }
        sk.acceptQueue = new ArrayDeque<>();
        sk.synQueueLen = 0;
        sk.synQueueYoung = 0;
        fastopen.listenStart(sk, b);
        setState(sk, TcpState.LISTEN, "inet_listen: socket now accepts connections (backlog " + b + ")");
        listeners.computeIfAbsent(sk.localPort, p -> new ArrayList<>()).add(sk);
        return 0;
    }

    /** inet_csk_listen_start() re-checks the port: two SO_REUSEADDR sockets cannot both listen. */
    private boolean bindConflictForListen(TcpSock sk) {
        BindBucket l = bindTable.get(sk.localPort);
        if (l == null) {
            return false;
        }
        for (Sock other : l) {
            if (other == sk) {
                continue;
            }
            if (other.localAddr != 0 && sk.localAddr != 0 && other.localAddr != sk.localAddr) {
                continue;
            }
            if (other instanceof TcpSock o && o.state == TcpState.LISTEN) {
                return true;
            }
            if (other instanceof TcpSock o && !(sk.reuseAddr && o.reuseAddr)) {
                return true;
            }
            if (other instanceof TimeWaitSock tw && !(sk.reuseAddr && tw.reuse)) {
                return true;
            }
        }
        return false;
    }

    /**
     * inet_stream_connect() + tcp_v4_connect(), non-blocking: -EINPROGRESS once the SYN is out, or an
     * error. Blocking callers wait for {@link #connectDone} to become true.
     */
    public int connect(TcpSock sk, int daddr, int dport) {
        switch (sk.state) {
            case SYN_SENT, SYN_RECV -> {
                // __inet_stream_connect(): a connect deferred by TCP_FASTOPEN_CONNECT counts as made.
                return sk.deferConnect ? Errno.EISCONN.neg() : Errno.EALREADY.neg();
            }
            case CLOSE -> {
                if (sk.hashed) {
                    return Errno.EISCONN.neg();
                }
            }
            default -> {
                return Errno.EISCONN.neg();
            }
        }
        if (dport <= 0 || dport > 65535) {
            return Errno.ECONNREFUSED.neg();
        }
        if (sk.err != 0) {
            sk.err = 0;   // a new attempt forgets the last one's error
        }
        int saddr = sk.localAddr != 0 ? sk.localAddr : host.sourceAddressFor(daddr);
        if (saddr == 0) {
            return Errno.ENETUNREACH.neg();
        }
        sk.localAddr = saddr;
        sk.remoteAddr = daddr;
        sk.remotePort = dport;
        if (sk.localPort == 0) {
            int port = hashConnectPort(saddr, daddr, dport);
            if (port < 0) {
                sk.remoteAddr = 0;
                sk.remotePort = 0;
                return Errno.EADDRNOTAVAIL.neg();
            }
            sk.localPort = port;
            bindPort(sk, port);
        } else if (!tupleFree(saddr, sk.localPort, daddr, dport)) {
            sk.remoteAddr = 0;
            sk.remotePort = 0;
            return Errno.EADDRNOTAVAIL.neg();
        }
        sk.shutdown = 0;
        sk.done = false;
        setState(sk, TcpState.SYN_SENT, "tcp_v4_connect: active open");
        hash(sk);
        sk.iss = secureSeq(saddr, daddr, sk.localPort, dport);
        sk.tsOffset = tsOffset(saddr, daddr, sk.localPort, dport);
        sk.inetId = randomU16();
        boolean cookieRequest = sk.fastopenReq == null && sk.fastopenConnect;
        if (fastopen.deferConnect(sk)) {
            return 0;   // TCP_FASTOPEN_CONNECT with a cookie: the first write sends the SYN
        }
        output.connect(sk);
        if (cookieRequest) {
            sk.fastopenReq = null;   // its only use was the empty FO option of this SYN
        }
        return Errno.EINPROGRESS.neg();
    }

    /** ip tcp_metrics flush all: the Fast Open cookies, MSS and loss history cached per destination go. */
    public void flushMetrics() {
        fastopen.flushCache();
    }

    /** MSG_FASTOPEN (include/linux/socket.h). */
    public static final int MSG_FASTOPEN = 0x20000000;

    /** True while connect() is deferred to the first write (TCP_FASTOPEN_CONNECT with a cookie). */
    public boolean connectDeferred(TcpSock sk) {
        return sk.deferConnect;
    }

    /**
     * tcp_sendmsg_fastopen(), non-blocking: sendto(MSG_FASTOPEN) on an unconnected socket, or the first write
     * after a deferred connect: connect and put what fits of the data into the SYN. Returns the bytes that
     * went into the SYN, -EINPROGRESS when none did, or -errno (EOPNOTSUPP with tcp_fastopen's client bit
     * off, EALREADY during another attempt, EISCONN once connected). With {@code waitsForConnect} (a
     * blocking caller, which then waits for {@link #connectDone} and writes the rest) the writer counts as
     * pending (sk_write_pending) while data is left over, so the handshake's ACK waits for that data.
     */
    public int sendFastOpen(TcpSock sk, int daddr, int dport, byte[] data, int off, int len, boolean waitsForConnect) {
        return sendFastOpen(sk, daddr, dport, data, off, len, waitsForConnect, 0);
    }

    /**
     * As {@link #sendFastOpen(TcpSock, int, int, byte[], int, int, boolean)}, with the call's flags: MSG_ZEROCOPY on a
     * socket with SO_ZEROCOPY takes a notification id (tcp_sendmsg_locked() allocates the uarg before
     * tcp_sendmsg_fastopen()): the data in the SYN holds it and it completes once that data is acknowledged; a call
     * that put nothing in the SYN gives the id back (net_zcopy_put_abort()); a blocking caller that still has data to
     * write keeps it for the rest of the call, as a blocking sendmsg() does.
     */
    public int sendFastOpen(TcpSock sk, int daddr, int dport, byte[] data, int off, int len, boolean waitsForConnect, int flags) {
        if ((sysctl.get(SysctlKey.TCP_FASTOPEN) & TcpFastOpen.TFO_CLIENT_ENABLE) == 0) {
            return Errno.EOPNOTSUPP.neg();
        }
        if (sk.fastopenReq != null) {
            return Errno.EALREADY.neg();
        }
        TcpFastOpen.Request req = new TcpFastOpen.Request();
        req.data = data;
        req.off = off;
        req.size = len;
        req.cookie.len = 0;   // kzalloc(): no cookie yet, which asks for one
        boolean zerocopy = (flags & MSG_ZEROCOPY) != 0 && len > 0 && sk.zerocopy;
        int err;
        if (sk.deferConnect) {
            req.uarg = zerocopy ? newZcArg(sk, len) : null;
            sk.fastopenReq = req;
            output.connect(sk);
            err = Errno.EINPROGRESS.neg();
        } else if (sk.state == TcpState.CLOSE && !sk.hashed) {
            req.uarg = zerocopy ? newZcArg(sk, len) : null;
            sk.fastopenReq = req;
            err = connect(sk, daddr, dport);
        } else if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            err = Errno.EALREADY.neg();
        } else if (sk.state != TcpState.CLOSE && !sk.sockConnected) {
            // __inet_stream_connect(): a connection made since the socket went SS_CONNECTING is now
            // SS_CONNECTED and the call goes on as a plain send; from then on MSG_FASTOPEN gets EISCONN.
            sk.sockConnected = true;
            return send(sk, data, off, len, flags & MSG_ZEROCOPY);
        } else {
            err = Errno.EISCONN.neg();
        }
        int copied = sk.fastopenReq == req ? req.copied : 0;
        sk.fastopenReq = null;
        sk.deferConnect = false;
        if (req.uarg != null) {
            boolean inProgress = err == Errno.EINPROGRESS.neg();
            // once connected, a blocking call goes on with its range; else a call that put nothing in the SYN gives it back
            zerocopyCallStep(sk, req.uarg, inProgress && copied > 0, inProgress && waitsForConnect && copied < len);
        }
        if (err == Errno.EINPROGRESS.neg() && waitsForConnect && copied < len) {
            sk.writePending = true;
        }
        return err == Errno.EINPROGRESS.neg() && copied > 0 ? copied : err;
    }

    /** msg_zerocopy_realloc() for a send of len bytes: extends the write queue's tail range when it can. */
    private static ZcArg newZcArg(TcpSock sk, int len) {
        WriteSkb tail = sk.writeQueue.peekLast();
        return MsgZerocopy.realloc(sk, len, tail != null ? tail.zc : null);
    }

    /**
     * The end of one step of a MSG_ZEROCOPY call: a call that goes on (a blocking caller waiting for room or for its
     * connect) keeps its reference; otherwise the reference is put (net_zcopy_put()) if the call copied anything, and
     * aborted with its id given back (net_zcopy_put_abort()) if not.
     */
    private void zerocopyCallStep(TcpSock sk, ZcArg uarg, boolean copied, boolean callGoesOn) {
        if (callGoesOn) {
            sk.zcCall = uarg;
            sk.zcCallCopied = copied;
        } else if (copied) {
            MsgZerocopy.put(this, sk, uarg);
        } else {
            MsgZerocopy.abort(this, sk, uarg);
        }
    }

    /** For a blocking connect(): true once the attempt has succeeded or failed. */
    public boolean connectDone(TcpSock sk) {
        return sk.state != TcpState.SYN_SENT && sk.state != TcpState.SYN_RECV;
    }

    /** The result a blocking connect() returns once {@link #connectDone} (inet_wait_for_connect). */
    public int connectResult(TcpSock sk) {
        if (sk.state == TcpState.CLOSE) {
            int e = sockError(sk);
            return e != 0 ? e : Errno.ECONNABORTED.neg();
        }
        return 0;
    }

    /** inet_accept(): the head of the accept queue, or null with -EAGAIN / -EINVAL in {@code err[0]}. */
    public TcpSock accept(TcpSock listener, int[] err) {
        if (listener.state != TcpState.LISTEN) {
            err[0] = Errno.EINVAL.neg();
            return null;
        }
        TcpSock child = listener.acceptQueue.pollFirst();
        if (child == null) {
            err[0] = Errno.EAGAIN.neg();
            return null;
        }
        child.parent = null;
        err[0] = 0;
        return child;
    }

    /** Children waiting in the accept queue. */
    public int acceptQueueLength(TcpSock listener) {
        return listener.acceptQueue == null ? 0 : listener.acceptQueue.size();
    }

    /** sock_error(): report and clear a pending hard error (-errno), or 0. */
    int sockError(TcpSock sk) {
        int e = sk.err;
        if (e == 0) {
            return 0;
        }
        sk.err = 0;
        return -e;
    }

    /**
     * tcp_sendmsg(), non-blocking: bytes accepted (possibly fewer than len), or -EAGAIN when the send
     * buffer is full, or -EPIPE / -ECONNRESET / ... Blocking callers retry when {@link #writable} says so.
     */
    public int send(TcpSock sk, byte[] data, int off, int len, boolean oob) {
        return send(sk, data, off, len, oob ? MSG_OOB : 0);
    }

    /**
     * tcp_sendmsg() with flags ({@link #MSG_OOB}, {@link #MSG_MORE}, {@link #MSG_EOR}); they apply to the
     * end of the message, so a partial copy (the buffer filled up) is pushed as without them.
     */
    public int send(TcpSock sk, byte[] data, int off, int len, int flags) {
        if ((flags & (MSG_ZEROCOPY | MSG_SPLICE_PAGES)) != 0) {
            return sendmsg(sk, data, off, new int[] {len}, flags, false);
        }
        return send(sk, data, off, len, flags, null, null, false);
    }

    /**
     * tcp_sendmsg() of an iovec: the iovecs' bytes lie one after another in data from off. With
     * {@link #MSG_ZEROCOPY} on a socket with SO_ZEROCOPY the bytes go in as pages and a completion comes on
     * the error queue (without SO_ZEROCOPY the flag is ignored, as Linux does); {@link #MSG_SPLICE_PAGES}
     * adds pages without completions. callContinues: the caller blocks and sends the rest in the same call
     * (a blocking send()), so a zerocopy range stays held, not completed or aborted, until the call ends.
     */
    public int sendmsg(TcpSock sk, byte[] data, int off, int[] iov, int flags, boolean callContinues) {
        long total = 0;
        for (int l : iov) {
            total += l;
        }
        int size = (int) Math.min(total, Integer.MAX_VALUE);
        ZcArg uarg = null;
        boolean copiedBefore = false;
        PageIter pages = null;
        if ((flags & MSG_ZEROCOPY) != 0 && size > 0) {
            if (sk.zerocopy) {
                uarg = sk.zcCall;   // a blocking call goes on with its range
                copiedBefore = sk.zcCallCopied;
                sk.zcCall = null;
                sk.zcCallCopied = false;
                if (uarg == null) {
                    uarg = newZcArg(sk, size);
                }
                pages = new PageIter(iov);
            }
        } else if ((flags & MSG_SPLICE_PAGES) != 0 && size > 0) {
            pages = new PageIter(iov);
        }
        int r = send(sk, data, off, size, flags & ~(MSG_ZEROCOPY | MSG_SPLICE_PAGES), pages, uarg, callContinues);
        if (uarg != null) {
            // a blocking call that waits for room goes on with its range
            zerocopyCallStep(sk, uarg, copiedBefore || r > 0, callContinues && (r == Errno.EAGAIN.neg() || (r > 0 && r < size)));
        }
        return r;
    }

    private int send(TcpSock sk, byte[] data, int off, int len, int flags, PageIter pages, ZcArg uarg, boolean callContinues) {
        TcpState st = sk.state;
        if (st != TcpState.ESTABLISHED && st != TcpState.CLOSE_WAIT && !passiveFastOpen(sk)) {
            // sk_stream_wait_connect()
            if (sk.err != 0) {
                return sockError(sk);
            }
            if (st != TcpState.SYN_SENT && st != TcpState.SYN_RECV) {
                return streamError(sk, Errno.EPIPE.neg());
            }
            return Errno.EAGAIN.neg();
        }
        if (sk.err != 0 || (sk.shutdown & TcpSock.SEND_SHUTDOWN) != 0) {
            return streamError(sk, Errno.EPIPE.neg());
        }
        if (len == 0) {
            return 0;
        }
        // The send buffer is checked only when a new skb is needed (sk_stream_memory_free()), so a write
        // fills the tail skb up to the size goal even past SO_SNDBUF, as Linux's does.
        int copied = output.queueData(sk, data, off, len, flags, pages, uarg, callContinues, true);
        if (copied == 0) {
            sk.noSpace = true;   // wait_for_space: set_bit(SOCK_NOSPACE)
            return Errno.EAGAIN.neg();
        }
        return copied;
    }

    /**
     * tcp_check_space() after an ACK: a writer that found no room is woken once the socket is writable
     * again, with a third of the buffer free (sk_stream_write_space() clears SOCK_NOSPACE), which ends the
     * sndbuf-limited clock.
     */
    void checkSpace(TcpSock sk) {
        if (sk.noSpace && writeReady(sk)) {   // __sk_stream_is_writeable(): a third of the buffer is free
            sk.noSpace = false;
            output.chronoStop(sk, TcpSock.CHRONO_SNDBUF_LIMITED);
        }
        wake(sk);   // sk_write_space(): a blocked writer checks again (writeReady() says whether it may go)
    }

    /** sk_stream_error(): EPIPE becomes the pending error if there is one. */
    private int streamError(TcpSock sk, int err) {
        if (err == Errno.EPIPE.neg()) {
            int e = sockError(sk);
            return e != 0 ? e : err;
        }
        return err;
    }

    /** tcp_passive_fastopen(): a TFO child still in SYN_RECV, which may already read and write. */
    static boolean passiveFastOpen(TcpSock sk) {
        return sk.state == TcpState.SYN_RECV && sk.fastopenRsk != null;
    }

    /** Free send-buffer space in bytes of truesize (sk_stream_wspace); negative once a write overshot. */
    int sendSpace(TcpSock sk) {
        return sk.sndBuf - sk.sndQueued();
    }

    /** True when a blocking send would make progress or fail at once (sk_stream_is_writeable or an error). */
    public boolean writable(TcpSock sk) {
        if (sk.err != 0 || (sk.shutdown & TcpSock.SEND_SHUTDOWN) != 0) {
            return true;
        }
        TcpState st = sk.state;
        boolean passiveTfo = passiveFastOpen(sk);
        if ((st == TcpState.SYN_SENT || st == TcpState.SYN_RECV) && !passiveTfo) {
            return false;
        }
        if (st != TcpState.ESTABLISHED && st != TcpState.CLOSE_WAIT && !passiveTfo) {
            return true;
        }
        // sk_stream_is_writeable() with tcp_stream_memory_free(wake = 1): unsent bytes under half the low mark
        return sendSpace(sk) > 0 && output.streamMemoryFree(sk, 1);
    }

    /**
     * tcp_poll()'s EPOLLOUT and sk_stream_write_space()'s wake-up: writable, and for a connection that
     * can send, free space of at least half what is queued (__sk_stream_is_writeable: wspace >= min_wspace),
     * so that a blocked writer is woken for a worthwhile amount, not for every byte acknowledged.
     */
    public boolean writeReady(TcpSock sk) {
        if (!writable(sk)) {
            return false;
        }
        TcpState st = sk.state;
        if (sk.err != 0 || (sk.shutdown & TcpSock.SEND_SHUTDOWN) != 0
                || (st != TcpState.ESTABLISHED && st != TcpState.CLOSE_WAIT && !passiveFastOpen(sk))) {
            return true;
        }
        return sendSpace(sk) >= (sk.sndQueued() >> 1);
    }

    /** True when a blocking read would return at once (data, end of stream, an error). */
    public boolean readable(TcpSock sk) {
        if (sk.state == TcpState.LISTEN) {
            return sk.acceptQueue != null && !sk.acceptQueue.isEmpty();
        }
        if (sk.readable() > 0 || sk.done || sk.err != 0 || (sk.shutdown & TcpSock.RCV_SHUTDOWN) != 0) {
            return true;
        }
        return sk.state == TcpState.CLOSE;
    }

    /** An urgent byte is waiting to be read with MSG_OOB. */
    public boolean urgentPending(TcpSock sk) {
        return (sk.urgData & TcpConstants.TCP_URG_VALID) != 0;
    }

    /**
     * tcp_recvmsg(), non-blocking: bytes read into buf, 0 at end of stream, -EAGAIN when nothing is
     * there yet, or -errno. With {@link #MSG_OOB}, reads the urgent byte (tcp_recv_urg).
     */
    public int recv(TcpSock sk, byte[] buf, int off, int len, int flags) {
        if (sk.state == TcpState.LISTEN) {
            return Errno.ENOTCONN.neg();
        }
        if ((flags & MSG_OOB) != 0) {
            return recvUrgent(sk, buf, off, len, flags);
        }
        int copied = 0;
        boolean peek = (flags & MSG_PEEK) != 0;
        int seq = sk.copiedSeq;
        while (copied < len) {
            // Stop at the urgent mark: a read never runs across it (tcp_recvmsg_locked()).
            if (sk.urgData != 0 && sk.urgSeq == seq && copied > 0) {
                break;
            }
            int avail = sk.rcvDataEnd() - seq;
            if (avail <= 0) {
                break;
            }
            int used = Math.min(avail, len - copied);
            if (sk.urgData != 0) {
                int urgOffset = sk.urgSeq - seq;
                if (urgOffset >= 0 && urgOffset < used) {
                    if (urgOffset == 0) {
                        if (!sk.oobInline) {
                            // Skip the urgent byte: it is read out of band.
                            seq++;
                            if (!peek) {
                                sk.copiedSeq = seq;
                                sk.copiedPos++;
                            }
                            continue;
                        }
                    } else {
                        used = urgOffset;
                    }
                }
            }
            long pos = sk.copiedPos + (seq - sk.copiedSeq);
            sk.recvBuf.copy(pos, buf, off + copied, used);
            copied += used;
            seq += used;
            if (!peek) {
                sk.copiedSeq = seq;
                sk.copiedPos += used;
            }
            if (sk.urgData != 0 && Seq.gt(seq, sk.urgSeq) && !peek) {
                // tcp_urg_data cleared once the application has read past the mark.
                sk.urgData = 0;
            }
            if (sk.urgData != 0 && sk.urgSeq == seq) {
                break;
            }
        }
        if (copied > 0) {
            if (!peek) {
                // A read with room left that reaches the FIN consumes it too (found_fin_ok).
                if (copied < len && sk.finReceived && sk.copiedSeq == sk.rcvDataEnd()) {
                    sk.finConsumed = true;
                }
                sk.recvBuf.consumeTo(sk.copiedPos);
                input.rcvSpaceAdjust(sk);
                input.cleanupRbuf(sk, copied);
            }
            return copied;
        }
        if (sk.finReceived && !peek) {
            sk.finConsumed = true;
        }
        return readNothing(sk);
    }

    /** What a read that found nothing returns: 0 at end of stream, the pending error, ENOTCONN, or -EAGAIN (it would wait). */
    private int readNothing(TcpSock sk) {
        if (sk.done) {
            return 0;
        }
        if (sk.err != 0) {
            return sockError(sk);
        }
        if ((sk.shutdown & TcpSock.RCV_SHUTDOWN) != 0) {
            return 0;
        }
        if (sk.state == TcpState.CLOSE) {
            return Errno.ENOTCONN.neg();
        }
        return Errno.EAGAIN.neg();
    }

    /** tcp_recv_urg(). */
    private int recvUrgent(TcpSock sk, byte[] buf, int off, int len, int flags) {
        if (sk.oobInline || sk.urgData == 0 || (sk.urgData & TcpConstants.TCP_URG_READ) != 0) {
            return Errno.EINVAL.neg();
        }
        if ((sk.urgData & TcpConstants.TCP_URG_VALID) != 0) {
            int c = sk.urgData & 0xff;
            if ((flags & MSG_PEEK) == 0) {
                sk.urgData = TcpConstants.TCP_URG_READ;
            }
            if (len > 0) {
                buf[off] = (byte) c;
                return 1;
            }
            return 0;
        }
        if (sk.state == TcpState.CLOSE || (sk.shutdown & TcpSock.RCV_SHUTDOWN) != 0) {
            return 0;
        }
        return Errno.EAGAIN.neg();
    }

    /** recvmsg(MSG_ERRQUEUE) (ip_recv_error()): the oldest error-queue entry, or null (EAGAIN: it never waits). */
    public ErrQueueEntry recvErrQueue(TcpSock sk) {
        return MsgZerocopy.dequeue(this, sk);
    }

    /** tcp_poll()'s EPOLLERR: a pending error or an entry on the error queue. */
    public boolean pollError(TcpSock sk) {
        return sk.err != 0 || (sk.errQueue != null && !sk.errQueue.isEmpty());
    }

    /** sk_shutdown: {@link #RCV_SHUTDOWN} and {@link #SEND_SHUTDOWN} bits (both once the connection is done). */
    public int shutdownMask(TcpSock sk) {
        return sk.shutdown;
    }

    /** sk_shutdown bits, as Linux's. */
    public static final int RCV_SHUTDOWN = TcpSock.RCV_SHUTDOWN;
    public static final int SEND_SHUTDOWN = TcpSock.SEND_SHUTDOWN;

    /**
     * tcp_splice_read(): up to len in-order bytes for a pipe. Unlike recv() it stops at the urgent mark and
     * does not skip the urgent byte (tcp_read_sock()), so a read at the mark gets nothing: 0 for a blocking
     * call (data is queued, so it does not wait), -EAGAIN for a non-blocking one. -EAGAIN with nothing
     * queued: a blocking caller waits for data.
     */
    public int spliceRead(TcpSock sk, byte[] buf, int off, int len, boolean nonblock) {
        if (sk.state == TcpState.LISTEN) {
            return Errno.ENOTCONN.neg();
        }
        int n = readSock(sk, buf, off, len);
        if (n > 0) {
            return n;
        }
        int r = readNothing(sk);
        if (r != Errno.EAGAIN.neg() || nonblock) {
            return r;
        }
        // tcp_splice_read(): nothing read while the receive queue holds data (urgent data): do not loop
        return sk.rcvDataEnd() != sk.copiedSeq ? 0 : r;
    }

    /** tcp_read_sock(): in-order bytes up to len, never past the urgent mark; a FIN reached is consumed. */
    private int readSock(TcpSock sk, byte[] buf, int off, int len) {
        int seq = sk.copiedSeq;
        int copied = 0;
        while (copied < len) {
            int n = Math.min(sk.rcvDataEnd() - seq, len - copied);
            if (n <= 0) {
                break;
            }
            if (sk.urgData != 0 && Integer.compareUnsigned(sk.urgSeq - seq, n) < 0) {
                n = sk.urgSeq - seq;   // stop reading at a patch of urgent data
                if (n == 0) {
                    break;
                }
            }
            sk.recvBuf.copy(sk.copiedPos + (seq - sk.copiedSeq), buf, off + copied, n);
            copied += n;
            seq += n;
        }
        if (seq == sk.rcvDataEnd() && sk.finReceived) {
            sk.finConsumed = true;
        }
        if (copied > 0) {
            sk.copiedSeq = seq;
            sk.copiedPos += copied;
            sk.recvBuf.consumeTo(sk.copiedPos);
            input.rcvSpaceAdjust(sk);
            input.cleanupRbuf(sk, copied);
        }
        return copied;
    }

    /** inet_shutdown() + tcp_shutdown(). how: SHUT_RD, SHUT_WR, SHUT_RDWR. */
    public int shutdown(TcpSock sk, int how) {
        if (how < SHUT_RD || how > SHUT_RDWR) {
            return Errno.EINVAL.neg();
        }
        int bits = how + 1;
        int err = 0;
        switch (sk.state) {
            case CLOSE -> {
                err = Errno.ENOTCONN.neg();
                sk.shutdown |= bits;
            }
            case LISTEN -> {
                if ((bits & TcpSock.RCV_SHUTDOWN) != 0) {
                    disconnect(sk);
                }
            }
            case SYN_SENT -> disconnect(sk);
            default -> {
                sk.shutdown |= bits;
                if ((bits & TcpSock.SEND_SHUTDOWN) != 0) {
                    TcpState st = sk.state;
                    if (st == TcpState.ESTABLISHED || st == TcpState.SYN_RECV || st == TcpState.CLOSE_WAIT) {
                        if (closeState(sk, "shutdown(SHUT_WR): our direction is closed, FIN queued")) {
                            output.sendFin(sk);
                        }
                    }
                }
            }
        }
        wake(sk);
        return err;
    }

    /**
     * tcp_close_state(): the transition a close or shutdown makes; true when a FIN must be sent
     * (ESTABLISHED -> FIN_WAIT1, CLOSE_WAIT -> LAST_ACK, SYN_RECV -> FIN_WAIT1).
     */
    boolean closeState(TcpSock sk, String why) {
        switch (sk.state) {
            case ESTABLISHED, SYN_RECV -> {
                setState(sk, TcpState.FIN_WAIT1, why);
                return true;
            }
            case CLOSE_WAIT -> {
                setState(sk, TcpState.LAST_ACK, why);
                return true;
            }
            case SYN_SENT, LISTEN -> {
                setState(sk, TcpState.CLOSE, why);
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    /** tcp_need_reset(). */
    private static boolean needReset(TcpState st) {
        return st == TcpState.ESTABLISHED || st == TcpState.CLOSE_WAIT || st == TcpState.FIN_WAIT1
                || st == TcpState.FIN_WAIT2 || st == TcpState.SYN_RECV;
    }

    /** tcp_disconnect(): RFC 9293's ABORT. */
    void disconnect(TcpSock sk) {
        TcpState old = sk.state;
        if (old != TcpState.CLOSE) {
            setState(sk, TcpState.CLOSE, old == TcpState.LISTEN ? "close() of a listener"
                    : "tcp_disconnect: connection aborted by the application");
        }
        if (old == TcpState.LISTEN) {
            listenStop(sk);
        } else if (needReset(old) || (sk.sndNxt != sk.writeSeq && (old == TcpState.CLOSING || old == TcpState.LAST_ACK))) {
            output.sendActiveReset(sk, "tcp_disconnect: abort sends RST (RFC 9293 3.10.4 ABORT)");
            sk.err = Errno.ECONNRESET.code;
        } else if (old == TcpState.SYN_SENT) {
            sk.err = Errno.ECONNRESET.code;
        }
        timers.clearXmitTimers(sk);
        output.writeQueuePurge(sk);
        purgeReceive(sk);
        sk.fastopenReq = null;   // tcp_free_fastopen_req()
        sk.deferConnect = false;
        sk.shutdown = 0;
        sk.done = false;
        sk.urgData = 0;
        wake(sk);
    }

    private void purgeReceive(TcpSock sk) {
        sk.recvBuf.consumeTo(sk.recvBuf.tail());
        sk.copiedPos = sk.recvBuf.tail();
        sk.copiedSeq = sk.rcvDataEnd();
        sk.ofoQueue.clear();
        sk.numSacks = 0;
        sk.dsack = false;
    }

    /** inet_csk_listen_stop(): children never accepted are aborted, requests dropped. */
    private void listenStop(TcpSock listener) {
        List<TcpSock> l = listeners.get(listener.localPort);
        if (l != null) {
            l.remove(listener);
            if (l.isEmpty()) {
                listeners.remove(listener.localPort);
            }
        }
        if (listener.acceptQueue != null) {
            TcpSock child;
            while ((child = listener.acceptQueue.pollFirst()) != null) {
                child.parent = null;
                child.orphan = true;
                if (child.fastopenRsk != null) {
                    // inet_child_forget(): the TFO child lets go of its request (an RST follows).
                    child.fastopenRsk = null;
                    listener.fastopenQlen--;
                }
                disconnect(child);
                destroy(child);
            }
        }
        for (Sock s : ehash.values()) {
            if (s instanceof RequestSock req && req.listener == listener) {
                mini.dropRequest(req, "listener closed: half-open request dropped");
            }
        }
        listener.synQueueLen = 0;
        listener.fastopenRstExpiry = null;   // the held-back reset TFO requests go too
        listener.fastopenQlen = 0;
    }

    /** tcp_close(): the application lets go of the socket. */
    public int close(TcpSock sk) {
        sk.shutdown = TcpSock.SHUTDOWN_MASK;
        if (sk.state == TcpState.LISTEN) {
            setState(sk, TcpState.CLOSE, "close() of a listener");
            listenStop(sk);
            orphanAndJudge(sk, TcpState.CLOSE);
            return 0;
        }
        // Flush what the application never read; it decides between FIN and RST (RFC 2525 2.17).
        int unread = sk.readable();
        if (sk.urgData != 0 && !sk.oobInline && Seq.ge(sk.urgSeq, sk.copiedSeq) && Seq.lt(sk.urgSeq, sk.rcvNxt)) {
            unread--;   // the out-of-band byte is not stream data
        }
        unread = Math.max(0, unread);
        purgeReceive(sk);
        if (sk.state == TcpState.CLOSE) {
            orphanAndJudge(sk, TcpState.CLOSE);
            return 0;
        }
        if (unread > 0) {
            mib.inc(Mib.TcpExtTCPAbortOnClose);
            setState(sk, TcpState.CLOSE, "tcp_close: " + unread + " unread bytes discarded, connection reset (RFC 2525 2.17)");
            output.sendActiveReset(sk, "tcp_close with unread data: RST instead of FIN (RFC 2525 2.17)");
        } else if (sk.lingerOn && sk.lingerSeconds == 0) {
            disconnect(sk);
            mib.inc(Mib.TcpExtTCPAbortOnData);
        } else if (closeState(sk, "close(): FIN queued, socket orphaned")) {
            output.sendFin(sk);
        }
        orphanAndJudge(sk, sk.state);
        return 0;
    }

    /** The tail of __tcp_close(): orphan the socket, then decide how long it lives. */
    private void orphanAndJudge(TcpSock sk, TcpState stateAtClose) {
        sk.orphan = true;
        if (sk.state == TcpState.FIN_WAIT2) {
            if (sk.linger2 < 0) {
                setState(sk, TcpState.CLOSE, "TCP_LINGER2 < 0: FIN_WAIT2 aborted");
                output.sendActiveReset(sk, "TCP_LINGER2 < 0: abort from FIN_WAIT2");
                mib.inc(Mib.TcpExtTCPAbortOnLinger);
            } else {
                long tmo = timers.finTimeNs(sk);
                if (tmo > TcpConstants.TCP_TIMEWAIT_LEN_NS) {
                    timers.resetKeepaliveTimer(sk, TcpSock.SKT_FIN_WAIT2, tmo - TcpConstants.TCP_TIMEWAIT_LEN_NS,
                            "orphaned FIN_WAIT2: tcp_fin_timeout exceeds TIME_WAIT length");
                } else {
                    mini.timeWait(sk, TcpState.FIN_WAIT2, tmo);
                    return;
                }
            }
        }
        if (sk.state == TcpState.CLOSE) {
            destroy(sk);
        }
    }

    /** setsockopt(): 0, or -EINVAL / -ENOPROTOOPT. */
    public int setOption(TcpSock sk, SockOpt opt, int... v) {
        if (v.length == 0) {
            return Errno.EINVAL.neg();
        }
        int val = v[0];
        switch (opt) {
            case SO_REUSEADDR -> sk.reuseAddr = val != 0;
            case SO_ZEROCOPY -> {
                if (val < 0 || val > 1) {
                    return Errno.EINVAL.neg();
                }
                sk.zerocopy = val == 1;
            }
            case SO_MARK -> sk.mark = val;
            case SO_TIMESTAMPING -> {
                return TxTimestamps.set(sk, val);
            }
            case IP_FREEBIND -> sk.freebind = val != 0;
            case SO_KEEPALIVE -> timers.setKeepalive(sk, val != 0);
            case SO_OOBINLINE -> sk.oobInline = val != 0;
            case SO_LINGER -> {
                if (v.length < 2) {
                    return Errno.EINVAL.neg();
                }
                sk.lingerOn = v[0] != 0;
                sk.lingerSeconds = Math.max(0, v[1]);
            }
            case SO_SNDBUF -> {
                // sock_setsockopt(): the kernel doubles the value to allow for bookkeeping overhead.
                int max = sysctl.get(SysctlKey.CORE_WMEM_MAX);
                sk.sndBuf = Math.max(4608, Math.min(val, max) * 2);
                sk.userSndBuf = true;
            }
            case SO_RCVBUF -> {
                int max = sysctl.get(SysctlKey.CORE_RMEM_MAX);
                sk.rcvBuf = Math.max(2304, Math.min(val, max) * 2);
                sk.userRcvBuf = true;
            }
            case TCP_NODELAY -> {
                sk.noDelay = val != 0;
                if (sk.noDelay) {
                    sk.naglePush = true;   // __tcp_sock_set_nodelay(): TCP_NAGLE_OFF | TCP_NAGLE_PUSH
                    output.pushPendingFrames(sk, "TCP_NODELAY set: pending data pushed");
                }
            }
            case TCP_CORK -> {
                sk.cork = val != 0;
                if (!sk.cork) {
                    if (sk.noDelay) {
                        sk.naglePush = true;   // __tcp_sock_set_cork()
                    }
                    output.pushPendingFrames(sk, "TCP_CORK cleared: pending data pushed");
                }
            }
            case TCP_MAXSEG -> {
                if (val != 0 && (val < TcpConstants.TCP_MIN_MSS || val > 65535 - 40)) {
                    return Errno.EINVAL.neg();
                }
                sk.userMss = val;
            }
            case TCP_KEEPIDLE -> {
                if (val < 1 || val > 32767) {
                    return Errno.EINVAL.neg();
                }
                sk.keepIdleSec = val;
                timers.keepaliveSettingsChanged(sk);
            }
            case TCP_KEEPINTVL -> {
                if (val < 1 || val > 32767) {
                    return Errno.EINVAL.neg();
                }
                sk.keepIntvlSec = val;
            }
            case TCP_KEEPCNT -> {
                if (val < 1 || val > 127) {
                    return Errno.EINVAL.neg();
                }
                sk.keepCnt = val;
            }
            case TCP_SYNCNT -> {
                if (val < 1 || val > 127) {
                    return Errno.EINVAL.neg();
                }
                sk.synRetries = val;
            }
            case TCP_LINGER2 -> sk.linger2 = val < 0 ? -1 : Math.min(val, 120);
            case TCP_USER_TIMEOUT -> {
                if (val < 0) {
                    return Errno.EINVAL.neg();
                }
                sk.userTimeoutMs = val;
            }
            case TCP_INQ -> {
                if (val < 0 || val > 1) {
                    return Errno.EINVAL.neg();
                }
                sk.recvmsgInq = val == 1;
            }
            case TCP_NOTSENT_LOWAT -> {
                sk.notsentLowat = val;
                wake(sk);   // sk->sk_write_space(): writers may go on now
            }
            case TCP_QUICKACK -> {
                if (val != 0) {
                    input.enterQuickackMode(sk, TcpConstants.TCP_MAX_QUICKACKS);
                    if ((sk.ackPending & TcpSock.ACK_SCHED) != 0 && sk.state.synchronizedState()) {
                        output.sendAck(sk, "TCP_QUICKACK: pending ACK sent now");
                    }
                } else {
                    sk.pingpong = Math.max(sk.pingpong, sysctl.get(SysctlKey.TCP_PINGPONG_THRESH));
                }
            }
            case TCP_FASTOPEN -> {
                if (val < 0 || (sk.state != TcpState.CLOSE && sk.state != TcpState.LISTEN)) {
                    return Errno.EINVAL.neg();
                }
                fastopen.initKeyOnce();
                fastopen.queueTune(sk, val);
            }
            case TCP_FASTOPEN_CONNECT -> {
                if (val < 0 || val > 1) {
                    return Errno.EINVAL.neg();
                }
                if ((sysctl.get(SysctlKey.TCP_FASTOPEN) & TcpFastOpen.TFO_CLIENT_ENABLE) == 0) {
                    return Errno.EOPNOTSUPP.neg();
                }
                if (sk.state != TcpState.CLOSE) {
                    return Errno.EINVAL.neg();
                }
                sk.fastopenConnect = val == 1;
            }
            case TCP_FASTOPEN_NO_COOKIE -> {
                if (val < 0 || val > 1 || (sk.state != TcpState.CLOSE && sk.state != TcpState.LISTEN)) {
                    return Errno.EINVAL.neg();
                }
                sk.fastopenNoCookie = val == 1;
            }
            case SO_ERROR -> {
                return Errno.ENOPROTOOPT.neg();
            }
            case TCP_CONGESTION -> {
                return Errno.EINVAL.neg();   // takes a name: see setCongestion()
            }
            case IP_TOS -> {
                // __ip_sock_set_tos(): a stream socket keeps its own ECN bits; a change drops the cached route.
                int tos = (val & 0xff & ~Ipv4Header.ECN_MASK) | (sk.tos & Ipv4Header.ECN_MASK);   // INET_ECN_MASK: ECN stays TCP's
                if (tos != sk.tos) {
                    sk.tos = tos;
                    sk.dstSet = false;   // sk_dst_reset()
                }
            }
            case IP_MTU_DISCOVER -> {
                if (val < IP_PMTUDISC_DONT || val > IP_PMTUDISC_OMIT) {
                    return Errno.EINVAL.neg();   // ip_sock_set_mtu_discover()
                }
                sk.pmtudisc = val;
            }
        }
        return 0;
    }

    /** setsockopt(TCP_CONGESTION): 0, or -ENOENT for an algorithm jtcp does not have (tcp_set_congestion_control()). */
    public int setCongestion(TcpSock sk, String name) {
        return TcpCong.set(this, sk, name);
    }

    /** getsockopt(TCP_CONGESTION): the name of the socket's congestion control. */
    public String congestion(TcpSock sk) {
        return sk.ca.name();
    }

    /** getsockopt() for integer options; SO_ERROR reports and clears the pending error. */
    public int getOption(TcpSock sk, SockOpt opt) {
        return switch (opt) {
            case SO_REUSEADDR -> sk.reuseAddr ? 1 : 0;
            case SO_ZEROCOPY -> sk.zerocopy ? 1 : 0;
            case SO_MARK -> sk.mark;
            case SO_TIMESTAMPING -> sk.tsflags;
            case IP_FREEBIND -> sk.freebind ? 1 : 0;
            case SO_KEEPALIVE -> sk.keepAliveOn ? 1 : 0;
            case SO_OOBINLINE -> sk.oobInline ? 1 : 0;
            case SO_LINGER -> sk.lingerOn ? 1 : 0;
            case SO_SNDBUF -> sk.sndBuf;
            case SO_RCVBUF -> sk.rcvBuf;
            case SO_ERROR -> {
                int e = sk.err;
                sk.err = 0;
                yield e;
            }
            case TCP_NODELAY -> sk.noDelay ? 1 : 0;
            case TCP_CORK -> sk.cork ? 1 : 0;
            case TCP_MAXSEG -> sk.mssCache != 0 ? sk.mssCache : (sk.userMss != 0 ? sk.userMss : TcpConstants.TCP_MSS_DEFAULT);
            case TCP_KEEPIDLE -> timers.keepIdleSec(sk);
            case TCP_KEEPINTVL -> timers.keepIntvlSec(sk);
            case TCP_KEEPCNT -> timers.keepCnt(sk);
            case TCP_SYNCNT -> sk.synRetries != 0 ? sk.synRetries : sysctl.get(SysctlKey.TCP_SYN_RETRIES);
            case TCP_LINGER2 -> sk.linger2 < 0 ? -1 : (sk.linger2 != 0 ? sk.linger2 : sysctl.get(SysctlKey.TCP_FIN_TIMEOUT));
            case TCP_QUICKACK -> (sk.ackQuick > 0 && !sk.inPingpong(sysctl.get(SysctlKey.TCP_PINGPONG_THRESH))) ? 1 : 0;
            case TCP_USER_TIMEOUT -> sk.userTimeoutMs;
            case TCP_CONGESTION -> Errno.EINVAL.neg();   // a string: see congestion()
            case TCP_INQ -> sk.recvmsgInq ? 1 : 0;
            case TCP_NOTSENT_LOWAT -> sk.notsentLowat;
            case IP_TOS -> sk.tos;
            case IP_MTU_DISCOVER -> sk.pmtudisc;
            case TCP_FASTOPEN -> sk.fastopenMaxQlen;
            case TCP_FASTOPEN_CONNECT -> sk.fastopenConnect ? 1 : 0;
            case TCP_FASTOPEN_NO_COOKIE -> sk.fastopenNoCookie ? 1 : 0;
        };
    }

    /**
     * tcp_inq() (ioctl SIOCINQ / FIONREAD): in-order bytes not read yet, stopping at pending urgent data;
     * a received FIN is not counted. -EINVAL on a listener.
     */
    public int inq(TcpSock sk) {
        if (sk.state == TcpState.LISTEN) {
            return Errno.EINVAL.neg();
        }
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            return 0;
        }
        if (sk.oobInline || sk.urgData == 0 || Seq.lt(sk.urgSeq, sk.copiedSeq) || !Seq.lt(sk.urgSeq, sk.rcvNxt)) {
            int answ = sk.rcvNxt - sk.copiedSeq;
            return answ != 0 && sk.done ? answ - 1 : answ;
        }
        return sk.urgSeq - sk.copiedSeq;
    }

    /**
     * tcp_inq_hint(): what recvmsg() reports under TCP_INQ (TCP_CM_INQ), or -1 when TCP_INQ is off: the
     * bytes between copied_seq and rcv_nxt, and 1 at the end of the stream so that the reader reads on.
     */
    public int inqHint(TcpSock sk) {
        if (!sk.recvmsgInq) {
            return -1;
        }
        int inq = sk.rcvNxt - sk.copiedSeq;
        return inq == 0 && sk.done ? 1 : inq;
    }

    /** A snapshot of a socket's protocol state, named as Linux's struct tcp_info. */
    public TcpInfo info(TcpSock sk) {
        return TcpInfo.of(this, sk);
    }

    // ================================================================ input entry point

    /** What an arriving segment will be delivered to, for the trace. */
    public String describeDemux(int localAddr, int localPort, int remoteAddr, int remotePort) {
        Sock s = lookupEstablished(localAddr, localPort, remoteAddr, remotePort);
        if (s != null) {
            return "for the " + s.state() + " connection " + s.conn();
        }
        TcpSock l = lookupListener(localAddr, localPort);
        if (l != null) {
            return "for the listener on port " + localPort;
        }
        return "no socket for " + dev.jtcp.wire.Ipv4Addr.format(localAddr) + ":" + localPort;
    }

    /** tcp_v4_rcv(): one TCP segment for this host, with the TOS byte of its IP header (ip_dsfield). */
    public void receive(int srcAddr, int dstAddr, int tos, dev.jtcp.wire.TcpHeader th, byte[] buf, int payloadOff,
            int payloadLen) {
        receive(srcAddr, dstAddr, tos, th, buf, payloadOff, payloadLen, false);
    }

    /**
     * tcp_v4_rcv() of a segment whose buffer the driver handed over ({@code skbGiven}): the receive queue
     * may keep the buffer itself instead of copying the payload, and then returns true (the buffer goes
     * back through {@link TcpHost#releasePacket} once read). False: nothing refers to the buffer.
     */
    public boolean receive(int srcAddr, int dstAddr, int tos, dev.jtcp.wire.TcpHeader th, byte[] buf, int payloadOff,
            int payloadLen, boolean skbGiven) {
        boolean kept = input.v4Rcv(srcAddr, dstAddr, tos, th, buf, payloadOff, payloadLen, skbGiven);
        flushTrace();
        return kept;
    }

    /**
     * tcp_v4_err(): an ICMP error (type, code, and for fragmentation-needed the MTU in info) quoting a
     * segment this host sent from localAddr:localPort to remoteAddr:remotePort with sequence number seq.
     * False when no connection matches.
     */
    public boolean icmpError(int type, int code, int info, int localAddr, int localPort, int remoteAddr, int remotePort, int seq) {
        boolean found = icmp.v4Err(type, code, info, localAddr, localPort, remoteAddr, remotePort, seq);
        flushTrace();
        return found;
    }

    /** The listener for a request, and the accept-queue bookkeeping when a child is born. */
    void childBorn(TcpSock listener, TcpSock child) {
        sockets.add(child);
        listener.acceptQueue.addLast(child);
        child.parent = listener;
        wake(listener);
    }

    int newSockId() {
        return nextSockId++;
    }

    void register(TcpSock sk) {
        sockets.add(sk);
    }

    void bindChildPort(TcpSock child) {
        bindPort(child, child.localPort);
    }
}
