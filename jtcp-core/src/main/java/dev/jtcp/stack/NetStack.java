package dev.jtcp.stack;

import dev.jtcp.sys.Mib;
import dev.jtcp.sys.MibCounters;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.tcp.Jiffies;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.tcp.TcpHost;
import dev.jtcp.tcp.TcpSock;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Rng;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.Tracer;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.Ipv4Parse;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpParse;
import dev.jtcp.wire.WireError;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One host's TCP/IP stack, sans IO: the driver hands it packets ({@link #onPacket}) and the time
 * ({@link #advanceTo}), asks when it next needs the time ({@link #nextDeadlineNs}), and receives what it
 * transmits through a {@link PacketSink}. It never reads a clock, sleeps or starts a thread, so the
 * simulator, a TUN device loop and the packetdrill runner drive the same code.
 */
public final class NetStack implements TcpHost {
    /** CONFIG_HZ of the kernels jtcp is compared with (Debian/Ubuntu builds). */
    public static final int DEFAULT_HZ = 250;

    /**
     * Where transmitted IPv4 packets go; the array is the caller's to keep. It is exactly the packet,
     * except for a stack built with a {@link PacketPool}: then it is a pooled buffer that may be longer,
     * the IPv4 total length gives the packet's length, and the driver gives it back to the pool once
     * nothing refers to it.
     */
    @FunctionalInterface
    public interface PacketSink {
        void transmit(NetStack from, byte[] packet);

        /**
         * A TCP packet for a device with checksum and segmentation offload (a stack built with
         * {@link Builder#tsoOffload}): its TCP checksum field holds only the pseudo-header sum (Linux's
         * CHECKSUM_PARTIAL: the device completes the sum from the TCP header on and stores it at offset 16
         * of it). gsoSize &gt; 0 marks a TSO packet (SKB_GSO_TCPV4) the device cuts into segments of
         * gsoSize payload bytes; 0 is a single segment. The packet is buf[off, off + len), after the
         * {@link Builder#neededHeadroom} bytes left free for the device's own header; buf is a buffer the stack
         * reuses, valid during the call only (copy what is kept).
         */
        default void transmitOffload(NetStack from, byte[] buf, int off, int len, int gsoSize) {
            throw new UnsupportedOperationException("a stack built with tsoOffload(true) needs a sink that takes offloaded packets");
        }
    }

    private final String name;
    private final int[] addresses;
    private final Sysctl sysctl;
    private final MibCounters mib = new MibCounters();
    private final Tracer tracer;
    private final PacketSink sink;
    private final long[] secrets = new long[4];
    private final long isnEpochNs;
    private final long bootOffsetNs;
    private final Tcp tcp;
    private final Icmp icmp;
    /** Path MTUs learned from ICMP (the route's next-hop exceptions, fnhe): destination -> {mtu, expiry}. */
    private final java.util.HashMap<Integer, long[]> pmtuExceptions = new java.util.HashMap<>();
    private final Jiffies jiffies;
    private final List<Route> routes = new ArrayList<>();
    /** rt_genid: bumped when a route changes, so that sockets' cached routes go stale (__sk_dst_check). */
    private int routeGeneration;
    private int defaultMtu = 1500;
    /** The device's egress queue (a pfifo qdisc): its packet limit, or -1 for none (the default). */
    private int qdiscLimit = -1;
    private long qdiscDrops;
    private final boolean checksumOffload;
    /** Recycled packet buffers (null: every packet is a new array). */
    private final PacketPool packetPool;
    /** The fast receive path's flyweights (see {@link #tcpFastRcv}); in use while receiving is true. */
    private final TcpHeader rxHeader = TcpHeader.reusable();
    private final dev.jtcp.wire.TcpOptions rxOptions = dev.jtcp.wire.TcpOptions.reusable();
    private boolean receiving;
    /** The packet on the fast path was handed over by {@link #receiveSkb}, and the receive queue kept it. */
    private boolean skbGiven;
    private boolean skbKept;
    private final boolean tsoOffload;
    private final int neededHeadroom;
    /** The one packet buffer of offloaded output (a device with offloads copies each packet as it takes it). */
    private byte[] offloadBuf;
    /** With offloads, what {@link #allocPacket} hands out: TCP's payload staged before ipOutputGso() copies it. */
    private byte[] offloadStage;
    private long nowNs;
    private Consumer<TcpSock> wakeListener = s -> { };

    /**
     * A route: destinations matching prefix/len leave from source with these metrics (0: unset): the MTU
     * (else the device's), whether it is locked ({@code mtu lock}: ICMP cannot lower it and DF is not set
     * under IP_PMTUDISC_WANT), the MSS to advertise ({@code advmss}) and the initial cwnd ({@code initcwnd}).
     */
    private record Route(int prefix, int len, int mtu, int source, boolean mtuLocked, int advmss, int initcwnd) {
        boolean matches(int addr) {
            if (len == 0) {
                return true;
            }
            int mask = len == 32 ? -1 : ~(-1 >>> len);
            return (addr & mask) == (prefix & mask);
        }
    }

    private NetStack(Builder b) {
        this.name = b.name;
        this.addresses = b.addresses.stream().mapToInt(Integer::intValue).toArray();
        this.sysctl = b.sysctl.copy();
        this.tracer = b.tracer;
        this.sink = b.sink;
        Rng rng = new Rng(b.seed).split("host:" + b.name);
        for (int i = 0; i < secrets.length; i++) {
            secrets[i] = rng.nextLong();
        }
        // A wall-clock epoch for the ISN clock and an uptime for the timestamp clock, both seeded.
        this.isnEpochNs = (1_700_000_000L + (rng.nextLong() >>> 40)) * 1_000_000_000L;
        this.bootOffsetNs = (1000L + (rng.nextLong() >>> 50)) * 1_000_000_000L;
        this.defaultMtu = b.mtu;
        this.checksumOffload = b.checksumOffload;
        this.packetPool = b.packetPool;
        this.tsoOffload = b.tsoOffload;
        this.neededHeadroom = b.neededHeadroom;
        this.jiffies = new Jiffies(b.hz, b.timerWheel, b.tickPhaseNs);
        this.tcp = new Tcp(this);
        this.icmp = new Icmp(this, (int) secrets[2]);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a {@link NetStack}. */
    public static final class Builder {
        private final String name;
        private final List<Integer> addresses = new ArrayList<>();
        private Sysctl sysctl = new Sysctl();
        private Tracer tracer = Tracer.NONE;
        private PacketSink sink = (from, p) -> { };
        private long seed;
        private int mtu = 1500;
        private int hz = DEFAULT_HZ;
        private boolean timerWheel = true;
        private long tickPhaseNs;
        private boolean checksumOffload;
        private PacketPool packetPool;
        private boolean tsoOffload;
        private int neededHeadroom;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder address(String dotted) {
            addresses.add(Ipv4Addr.parse(dotted));
            return this;
        }

        public Builder address(int addr) {
            addresses.add(addr);
            return this;
        }

        public Builder sysctl(Sysctl s) {
            this.sysctl = Objects.requireNonNull(s);
            return this;
        }

        public Builder tracer(Tracer t) {
            this.tracer = Objects.requireNonNull(t);
            return this;
        }

        public Builder sink(PacketSink s) {
            this.sink = Objects.requireNonNull(s);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder mtu(int mtu) {
            if (mtu < IPV4_MIN_MTU || mtu > LOOPBACK_MTU) {
                // 65536 is Linux's loopback MTU (no IPv4 packet can use all of it: the length field stops at 65535).
                throw new IllegalArgumentException("mtu must be in 68..65536, got " + mtu);
            }
            this.mtu = mtu;
            return this;
        }

        /**
         * The kernel tick rate TCP's timers run on (CONFIG_HZ; Debian and Ubuntu kernels use 250, the
         * default here). Accepted: 100..1000.
         */
        public Builder hz(int hz) {
            new Jiffies(hz, true);   // validates
            this.hz = hz;
            return this;
        }

        /**
         * Whether timers are placed on Linux's timer wheel, which rounds expiries up to the wheel level's
         * granularity (a 1 s timer fires after 1.000-1.032 s at HZ=250). Off: timers fire at their
         * nominal instant (the textbook schedule).
         */
        public Builder timerWheel(boolean on) {
            this.timerWheel = on;
            return this;
        }

        /**
         * How far into a kernel tick virtual time 0 falls (default 0: time 0 is a tick). A real kernel's
         * ticks are not aligned with anything a connection does; a driver replaying a script written for
         * real time sets where its time 0 falls. Accepted: 0 to one jiffy at the chosen HZ (exclusive).
         */
        public Builder tickPhase(long ns) {
            this.tickPhaseNs = ns;
            return this;
        }

        /**
         * The device computes and checks TCP checksums itself, as Linux's loopback device does (and a TUN
         * device with offloads): the stack leaves the TCP checksum out on transmit and trusts it on
         * receive. Off by default: simulated links carry, and check, real checksums.
         */
        public Builder checksumOffload(boolean on) {
            this.checksumOffload = on;
            return this;
        }

        /**
         * Packet buffers are taken from this pool (shared by the stacks of one driver), which the driver
         * refills with the packets it has delivered; see {@link PacketPool} for when that is safe. Without
         * one, every packet is a new array.
         */
        public Builder packetPool(PacketPool pool) {
            this.packetPool = Objects.requireNonNull(pool);
            return this;
        }

        /**
         * The device segments and checksums TCP itself (Linux's NETIF_F_TSO | NETIF_F_HW_CSUM, gso_max_size
         * GSO_LEGACY_MAX_SIZE: a TUN device with IFF_VNET_HDR and TUNSETOFFLOAD): every TCP packet leaves
         * through {@link PacketSink#transmitOffload} with a partial checksum, and a TSO packet of several
         * segments leaves as one packet instead of one per MSS (sk_can_gso()). Receiving is unchanged:
         * {@link #onPacket(long, byte[], int, int, boolean)} says per packet whether its checksum is known
         * good. Off by default.
         */
        public Builder tsoOffload(boolean on) {
            this.tsoOffload = on;
            return this;
        }

        /**
         * dev-&gt;needed_headroom: bytes left free before each offloaded packet for the device's own header (a TUN
         * device's virtio_net_hdr), so that it sends the packet without copying it. 0 by default.
         */
        public Builder neededHeadroom(int bytes) {
            if (bytes < 0 || bytes > 0xffff) {
                throw new IllegalArgumentException("headroom must be 0..65535 bytes (needed_headroom is an unsigned short), got " + bytes);
            }
            this.neededHeadroom = bytes;
            return this;
        }

        public NetStack build() {
            if (addresses.isEmpty()) {
                throw new IllegalStateException("host " + name + " needs at least one address");
            }
            return new NetStack(this);
        }
    }

    // ================================================================ driver side

    /** Sets the clock to nowNs (never backwards) and runs every timer due by then. */
    public void advanceTo(long nowNs) {
        if (nowNs > this.nowNs) {
            this.nowNs = nowNs;
        }
        tcp.runTimers(this.nowNs);
    }

    /** The next instant this stack needs {@link #advanceTo}, or {@link Deadline#NONE}. */
    public long nextDeadlineNs() {
        return tcp.nextDeadlineNs();
    }

    /** Adds a route to a prefix with its MTU (the first matching route wins; the default is the host MTU). */
    public void addRoute(String cidr, int mtu) {
        int slash = cidr.indexOf('/');
        int prefix = Ipv4Addr.parse(slash < 0 ? cidr : cidr.substring(0, slash));
        int len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        routes.add(new Route(prefix, len, mtu, addresses[0], false, 0, 0));
        routeGeneration++;
    }

    /**
     * {@code ip route replace CIDR [mtu [lock] N] [advmss N] [initcwnd N]}: the route to exactly this prefix
     * gets these metrics (0: unset, the device MTU / the MSS from the MTU / TCP_INIT_CWND), or is added
     * in front of the others. Sockets notice at their next transmission, as Linux's cached routes go
     * stale (rt_genid) and are looked up again by __sk_dst_check().
     */
    public void changeRoute(String cidr, int mtu, boolean mtuLocked, int advmss, int initcwnd) {
        if (mtu != 0 && (mtu < IPV4_MIN_MTU || mtu > LOOPBACK_MTU)) {
            throw new IllegalArgumentException("mtu must be in 68..65536, got " + mtu);
        }
        if (advmss < 0 || advmss > 65535 || initcwnd < 0) {
            throw new IllegalArgumentException("advmss must be in 0..65535 and initcwnd at least 0");
        }
        int slash = cidr.indexOf('/');
        int prefix = Ipv4Addr.parse(slash < 0 ? cidr : cidr.substring(0, slash));
        int len = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        Route r = new Route(prefix, len, mtu, addresses[0], mtuLocked, advmss, initcwnd);
        routes.removeIf(o -> o.prefix == prefix && o.len == len);
        routes.addFirst(r);
        routeGeneration++;
    }

    /**
     * The device's egress queue discipline, a pfifo of at most {@code limit} packets ({@code tc qdisc ...
     * pfifo limit N}); -1 removes it (the default: nothing is queued). The device takes each packet at
     * once, so the queue is always empty and only a limit of 0 drops: then every packet is dropped
     * (pfifo_enqueue(): qdisc_drop) and NET_XMIT_DROP goes back to the sender, as Linux's qdiscs report
     * it to TCP.
     */
    public void setQdiscLimit(int limit) {
        if (limit < -1) {
            throw new IllegalArgumentException("qdisc limit must be -1 (none) or at least 0, got " + limit);
        }
        this.qdiscLimit = limit;
    }

    /** Packets the egress queue dropped ({@code tc -s qdisc}'s "dropped"; not an SNMP counter in Linux). */
    public long qdiscDrops() {
        return qdiscDrops;
    }

    private Route routeFor(int dstAddr) {
        for (Route r : routes) {
            if (r.matches(dstAddr)) {
                return r;
            }
        }
        return null;
    }

    /** Called with a socket whose readiness may have changed (after the stack's work for one input is done). */
    public void onWake(Consumer<TcpSock> listener) {
        this.wakeListener = Objects.requireNonNull(listener);
    }

    /**
     * ip_rcv(): one IPv4 packet arrived. Malformed packets are dropped and counted under Linux's MIB
     * names; nothing here throws for bad input.
     */
    public void onPacket(long nowNs, byte[] buf, int off, int len) {
        ipRcv(nowNs, buf, off, len, false, false);
    }

    /**
     * As {@link #onPacket(long, byte[], int, int)}, from a device that may vouch for the packet's TCP
     * checksum: csumValid is Linux's CHECKSUM_PARTIAL (a packet a local stack sent through the device,
     * VIRTIO_NET_HDR_F_NEEDS_CSUM) or CHECKSUM_UNNECESSARY (VIRTIO_NET_HDR_F_DATA_VALID), which
     * tcp_v4_rcv() does not verify. Such a packet may be larger than the MTU (a GRO or TSO packet).
     */
    public void onPacket(long nowNs, byte[] buf, int off, int len, boolean csumValid) {
        ipRcv(nowNs, buf, off, len, csumValid, false);
    }

    /**
     * netif_receive_skb(): as {@link #onPacket}, for a packet buffer taken from this stack's
     * {@link PacketPool} that the driver hands over: the stack gives it back to the pool once done with
     * it, at once or, when the receive queue keeps the payload in it (as Linux queues the skb instead of
     * copying), after the application has read that payload. The driver must not touch it afterwards.
     */
    public void receiveSkb(long nowNs, byte[] packet) {
        receiveSkb(nowNs, packet, 0, packet.length, false);
    }

    /**
     * As {@link #receiveSkb(long, byte[])}, for a packet at packet[off, off + len) of a pooled buffer (a device's
     * own header before it), with csumValid as in {@link #onPacket(long, byte[], int, int, boolean)}: what a
     * device driver that reads straight into pooled buffers hands over (netif_receive_skb() of the skb it filled).
     */
    public void receiveSkb(long nowNs, byte[] packet, int off, int len, boolean csumValid) {
        if (!ipRcv(nowNs, packet, off, len, csumValid, packetPool != null) && packetPool != null) {
            packetPool.release(packet);
        }
    }

    /** ip_rcv(). Returns whether the receive queue kept the buffer (only when skbGiven). */
    private boolean ipRcv(long nowNs, byte[] buf, int off, int len, boolean csumValid, boolean skbGiven) {
        advanceTo(nowNs);
        mib.inc(Mib.IpInReceives);
        countEcn(buf, off, len);
        if (!receiving && !tracer.enabled()) {
            this.skbGiven = skbGiven;
            this.skbKept = false;
            if (tcpFastRcv(buf, off, len, csumValid)) {
                return skbKept;
            }
        }
        switch (Ipv4Header.parse(buf, off, len, true)) {
            case Ipv4Parse.Bad bad -> {
                for (String m : bad.error().linuxMibs()) {
                    mib.inc(Mib.valueOf(m));
                }
                traceBadPacket(buf, off, len, null, bad.error(), bad.detail());
            }
            case Ipv4Parse.Ok ok -> ipLocalDeliver(ok.header(), buf, ok.payloadOffset(), ok.payloadLength(), csumValid);
        }
        return false;
    }

    /**
     * ip_rcv_core(): every packet with a version-4 header of at least five words counts under its ECN
     * codepoint (IpExtInNoECTPkts, InECT1Pkts, InECT0Pkts, InCEPkts), before its length and checksum are checked.
     */
    private void countEcn(byte[] buf, int off, int len) {
        if (len < Ipv4Header.MIN_HEADER_LENGTH) {
            return;
        }
        int versionIhl = buf[off] & 0xff;
        if ((versionIhl >>> 4) != Ipv4Header.VERSION || (versionIhl & 0x0f) < Ipv4Header.MIN_HEADER_LENGTH / 4) {
            return;
        }
        mib.inc(ECN_MIBS[buf[off + Ipv4Header.TOS_OFFSET] & Ipv4Header.ECN_MASK]);
    }

    private static final Mib[] ECN_MIBS = {Mib.IpExtInNoECTPkts, Mib.IpExtInECT1Pkts, Mib.IpExtInECT0Pkts, Mib.IpExtInCEPkts};

    /**
     * The common case of ip_rcv() and ip_local_deliver() without building a header value: a well-formed,
     * unfragmented TCP segment for this host, read into the reusable header (valid during this call only,
     * so not while tracing: trace events keep headers). False, with nothing counted, for anything else,
     * which takes the full path.
     */
    private boolean tcpFastRcv(byte[] buf, int off, int len, boolean csumValid) {
        if (Ipv4Header.check(buf, off, len, true) != null) {
            return false;
        }
        int src = Ipv4Header.srcOf(buf, off);
        int dst = Ipv4Header.dstOf(buf, off);
        if (Ipv4Header.protocolOf(buf, off) != Ipv4Header.PROTO_TCP || Ipv4Header.isFragmentOf(buf, off)
                || !isLocalAddress(dst)) {
            return false;
        }
        int tcpOff = off + Ipv4Header.headerLengthOf(buf, off);
        int tcpLen = off + Ipv4Header.totalLengthOf(buf, off) - tcpOff;
        if (TcpHeader.check(buf, tcpOff, tcpLen, src, dst, !checksumOffload && !csumValid) != null) {
            return false;
        }
        mib.inc(Mib.IpInDelivers);
        mib.inc(Mib.TcpInSegs);   // tcp_v4_rcv(): "Count it even if it's bad"
        TcpHeader th = rxHeader.readFrom(buf, tcpOff, rxOptions);
        int headerLength = TcpHeader.wireHeaderLength(buf, tcpOff);
        receiving = true;
        try {
            skbKept = tcp.receive(src, dst, buf[off + Ipv4Header.TOS_OFFSET] & 0xff, th, buf, tcpOff + headerLength, tcpLen - headerLength,
                    skbGiven);
        } finally {
            receiving = false;
        }
        return true;
    }

    private void ipLocalDeliver(Ipv4Header ip, byte[] buf, int off, int len, boolean csumValid) {
        if (!isLocalAddress(ip.dst())) {
            mib.inc(Mib.IpInAddrErrors);
            traceIpDrop(ip, "destination " + Ipv4Addr.format(ip.dst()) + " is not this host's, and forwarding is off");
            return;
        }
        if (ip.isFragment()) {
            mib.inc(Mib.IpReasmFails);
            traceIpDrop(ip, "IP fragment: reassembly is not implemented, fragment dropped");
            return;
        }
        if (ip.protocol() != Ipv4Header.PROTO_TCP) {
            if (ip.protocol() == Ipv4Header.PROTO_ICMP) {
                mib.inc(Mib.IpInDelivers);
                icmp.receive(ip, buf, off, len);
            } else {
                mib.inc(Mib.IpInUnknownProtos);
                traceIpDrop(ip, "no handler for IP protocol " + ip.protocol());
            }
            return;
        }
        mib.inc(Mib.IpInDelivers);
        mib.inc(Mib.TcpInSegs);   // tcp_v4_rcv(): "Count it even if it's bad"
        switch (TcpHeader.parse(buf, off, len, ip.src(), ip.dst(), !checksumOffload && !csumValid)) {
            case TcpParse.Bad bad -> {
                for (String m : bad.error().linuxMibs()) {
                    mib.inc(Mib.valueOf(m));
                }
                TcpHeader h = bad.error() == WireError.TCP_BAD_CHECKSUM
                        ? headerIgnoringChecksum(buf, off, len, ip) : null;
                traceBadPacket(buf, off - ip.headerLength(), ip.totalLength(), h, bad.error(), bad.detail());
            }
            case TcpParse.Ok ok -> {
                TcpHeader th = ok.header();
                if (tracer.enabled()) {
                    String why = "tcp_v4_rcv: " + tcp.describeDemux(ip.dst(), th.dstPort(), ip.src(), th.srcPort())
                            + (ok.optionError() != null ? " (options malformed: parsing stopped there, as Linux does)" : "")
                            + ((ip.tos() & Ipv4Header.ECN_MASK) == Ipv4Header.ECN_CE ? "; marked CE (congestion experienced) on the way" : "");
                    tracer.emit(new SegmentEvent(nowNs, name, SegmentEvent.Kind.RECV, new Endpoint(ip.src(), th.srcPort()),
                            new Endpoint(ip.dst(), th.dstPort()), th, ok.payloadLength(), null, why, null));
                }
                tcp.receive(ip.src(), ip.dst(), ip.tos(), th, buf, ok.payloadOffset(), ok.payloadLength());
            }
        }
    }

    /** An ICMP message this host sends (built whole by {@link Icmp}). */
    void icmpOutput(byte[] packet) {
        mib.inc(Mib.IpOutRequests);
        if (qdiscLimit == 0) {
            qdiscDrops++;   // the egress queue drops it; ICMP replies are not retried
            return;
        }
        sink.transmit(this, packet);
    }

    private static TcpHeader headerIgnoringChecksum(byte[] buf, int off, int len, Ipv4Header ip) {
        return TcpHeader.parse(buf, off, len, ip.src(), ip.dst(), false) instanceof TcpParse.Ok ok ? ok.header() : null;
    }

    /** A packet dropped at the IP layer (or by ICMP), with the reason, in the trace. */
    void traceIpDrop(Ipv4Header ip, String why) {
        if (tracer.enabled()) {
            tracer.emit(new SegmentEvent(nowNs, name, SegmentEvent.Kind.DROP, new Endpoint(ip.src(), 0),
                    new Endpoint(ip.dst(), 0), null, 0, name, why, null));
        }
    }

    private void traceBadPacket(byte[] buf, int off, int len, TcpHeader h, WireError err, String detail) {
        if (!tracer.enabled()) {
            return;
        }
        Endpoint src = new Endpoint(0, 0);
        Endpoint dst = new Endpoint(0, 0);
        if (len >= 20) {
            int s = ((buf[off + 12] & 0xff) << 24) | ((buf[off + 13] & 0xff) << 16) | ((buf[off + 14] & 0xff) << 8) | (buf[off + 15] & 0xff);
            int d = ((buf[off + 16] & 0xff) << 24) | ((buf[off + 17] & 0xff) << 16) | ((buf[off + 18] & 0xff) << 8) | (buf[off + 19] & 0xff);
            src = new Endpoint(s, h != null ? h.srcPort() : 0);
            dst = new Endpoint(d, h != null ? h.dstPort() : 0);
        }
        String why = "malformed: " + err + " (" + detail + "); counted as " + String.join(", ", err.linuxMibs());
        byte[] copy = new byte[Math.max(0, Math.min(len, buf.length - off))];
        System.arraycopy(buf, off, copy, 0, copy.length);
        tracer.emit(new SegmentEvent(nowNs, name, SegmentEvent.Kind.DROP, src, dst, h, 0, name, why, copy));
    }

    // ================================================================ TcpHost

    @Override
    public long nowNs() {
        return nowNs;
    }

    @Override
    public Sysctl sysctl() {
        return sysctl;
    }

    @Override
    public MibCounters mib() {
        return mib;
    }

    @Override
    public Tracer tracer() {
        return tracer;
    }

    @Override
    public String hostName() {
        return name;
    }

    @Override
    public int ipOutput(int srcAddr, int dstAddr, int ipId, int tos, boolean df, TcpHeader tcpHeader, byte[] payload,
            int off, int len, String why) {
        if (tsoOffload) {
            return ipOutputGso(srcAddr, dstAddr, ipId, tos, df, tcpHeader, payload, off, len, 0, why);
        }
        byte[] packet = allocPacket(PacketBuilder.totalLength(tcpHeader, len));
        if (len > 0) {
            System.arraycopy(payload, off, packet, Ipv4Header.MIN_HEADER_LENGTH + tcpHeader.headerLength(), len);
        }
        return ipQueueXmit(srcAddr, dstAddr, ipId, tos, df, tcpHeader, packet, len, why);
    }

    @Override
    public void releasePacket(byte[] packet) {
        if (packetPool != null) {
            packetPool.release(packet);
        }
    }

    @Override
    public byte[] allocPacket(int length) {
        if (tsoOffload) {
            // ipOutputGso() copies every packet into the device buffer: one staging buffer does.
            if (offloadStage == null || offloadStage.length < length) {
                offloadStage = new byte[Math.max(length, 2048)];
            }
            return offloadStage;
        }
        // While tracing, trace events keep packets: those are never pooled.
        return packetPool != null && !tracer.enabled() ? packetPool.take(length) : new byte[length];
    }

    @Override
    public int ipQueueXmit(int srcAddr, int dstAddr, int ipId, int tos, boolean df, TcpHeader tcpHeader, byte[] packet, int len,
            String why) {
        if (tsoOffload) {
            return ipOutputGso(srcAddr, dstAddr, ipId, tos, df, tcpHeader, packet,
                    Ipv4Header.MIN_HEADER_LENGTH + tcpHeader.headerLength(), len, 0, why);
        }
        mib.inc(Mib.IpOutRequests);   // __ip_local_out(): counted before the device queue
        int ttl = sysctl.get(SysctlKey.IP_DEFAULT_TTL);
        int total = PacketBuilder.writeHeaders(packet, 0, srcAddr, dstAddr, tos, df, ttl, ipId & 0xffff, tcpHeader, len,
                !checksumOffload);
        if (qdiscDrop(srcAddr, dstAddr, tcpHeader, len, packet, 0, total)) {
            releasePacket(packet);
            return NET_XMIT_DROP;
        }
        if (tracer.enabled()) {
            // The header as sent (with its checksum) is what the trace shows.
            TcpHeader sent = TcpHeader.parse(packet, 20, total - 20, srcAddr, dstAddr, false) instanceof TcpParse.Ok ok
                    ? ok.header() : tcpHeader.value();
            tracer.emit(new SegmentEvent(nowNs, name, SegmentEvent.Kind.SEND, new Endpoint(srcAddr, tcpHeader.srcPort()),
                    new Endpoint(dstAddr, tcpHeader.dstPort()), sent, len, null, why, packet));
        }
        sink.transmit(this, packet);
        return NET_XMIT_SUCCESS;
    }

    @Override
    public boolean canGso() {
        return tsoOffload;
    }

    /**
     * pfifo_enqueue() over its limit: qdisc_drop(), and dev_queue_xmit() returns NET_XMIT_DROP. The
     * device takes every packet at once, so only a limit of 0 drops.
     */
    private boolean qdiscDrop(int srcAddr, int dstAddr, TcpHeader tcpHeader, int len, byte[] packet, int off, int total) {
        if (qdiscLimit != 0) {
            return false;
        }
        qdiscDrops++;
        if (tracer.enabled()) {
            // The trace keeps the packet: a copy of the bytes, since the buffer is reused or pooled.
            tracer.emit(new SegmentEvent(nowNs, name, SegmentEvent.Kind.DROP, new Endpoint(srcAddr, tcpHeader.srcPort()),
                    new Endpoint(dstAddr, tcpHeader.dstPort()), tcpHeader.value(), len, name,
                    "local qdisc (pfifo limit 0) dropped the packet: NET_XMIT_DROP reported back to TCP",
                    java.util.Arrays.copyOfRange(packet, off, off + total)));
        }
        return true;
    }

    @Override
    public int ipOutputGso(int srcAddr, int dstAddr, int ipId, int tos, boolean df, TcpHeader tcpHeader, byte[] payload, int off,
            int len, int gsoSize, String why) {
        mib.inc(Mib.IpOutRequests);   // __ip_local_out(): counted before the device queue
        int ttl = sysctl.get(SysctlKey.IP_DEFAULT_TTL);
        int total = PacketBuilder.totalLength(tcpHeader, len);
        int at = neededHeadroom;
        if (offloadBuf == null || offloadBuf.length < at + total) {
            offloadBuf = new byte[Math.max(at + total, 2048)];
        }
        byte[] packet = offloadBuf;
        PacketBuilder.writeIpv4Tcp(packet, at, srcAddr, dstAddr, tos, df, ttl, ipId & 0xffff, tcpHeader, payload, off, len, false);
        // __tcp_v4_send_check(): CHECKSUM_PARTIAL, the field holds the pseudo-header sum for the device to complete.
        int tcpLen = total - Ipv4Header.MIN_HEADER_LENGTH;
        int partial = ~Checksum.fold(Checksum.pseudoHeaderSum(srcAddr, dstAddr, Ipv4Header.PROTO_TCP, tcpLen)) & 0xffff;
        packet[at + Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.CHECKSUM_OFFSET] = (byte) (partial >>> 8);
        packet[at + Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.CHECKSUM_OFFSET + 1] = (byte) partial;
        if (tracer.enabled()) {
            String what = gsoSize > 0 ? why + " (one TSO packet, " + gsoSize + " bytes per segment)" : why;
            tracer.emit(new SegmentEvent(nowNs, name, SegmentEvent.Kind.SEND, new Endpoint(srcAddr, tcpHeader.srcPort()),
                    new Endpoint(dstAddr, tcpHeader.dstPort()), tcpHeader.value(), len, null, what,
                    java.util.Arrays.copyOfRange(packet, at, at + total)));
        }
        if (qdiscDrop(srcAddr, dstAddr, tcpHeader, len, packet, at, total)) {
            return NET_XMIT_DROP;
        }
        sink.transmitOffload(this, packet, at, total, gsoSize);
        return NET_XMIT_SUCCESS;
    }

    /**
     * A raw IPv4/TCP packet built by the application, as from a SOCK_RAW socket with IP_HDRINCL: any
     * source address (spoofing included), any header. It bypasses TCP entirely (no socket, no counters
     * other than IpOutRequests) and is traced as a send with {@code why}. Used to inject floods, forged
     * cookies and old duplicates in scenarios.
     */
    public void sendRaw(long nowNs, int srcAddr, int dstAddr, int ipId, TcpHeader tcpHeader, byte[] payload, String why) {
        advanceTo(nowNs);
        ipOutput(srcAddr, dstAddr, ipId, 0, true, tcpHeader, payload, 0, payload == null ? 0 : payload.length, why);
    }

    /** The loopback device's MTU (Linux's lo): what a host's traffic to itself is sized by. */
    public static final int LOOPBACK_MTU = 65536;
    /** The smallest MTU IPv4 allows (RFC 791: every host must take 68-byte datagrams unfragmented). */
    static final int IPV4_MIN_MTU = 68;

    private static boolean isLoopbackNet(int addr) {
        return (addr >>> 24) == 127;
    }

    /** Its own addresses and 127.0.0.0/8 (the lo device). */
    @Override
    public boolean isLocalAddress(int addr) {
        if (isLoopbackNet(addr)) {
            return true;
        }
        for (int a : addresses) {
            if (a == addr) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int sourceAddressFor(int dstAddr) {
        if (isLocalAddress(dstAddr)) {
            return dstAddr;   // the local route: a host talks to itself from the address it calls
        }
        Route r = routeFor(dstAddr);
        return r != null ? r.source : addresses[0];
    }

    @Override
    public int mtuTo(int dstAddr) {
        if (isLocalAddress(dstAddr)) {
            return LOOPBACK_MTU;   // the local table routes a host's own addresses through lo
        }
        Route r = routeFor(dstAddr);
        int routeMtu = r != null && r.mtu != 0 ? r.mtu : defaultMtu;
        if (r != null && r.mtuLocked) {
            return routeMtu;   // a locked MTU takes no exceptions (ip_mtu_locked())
        }
        long[] e = pmtuExceptions.isEmpty() ? null : pmtuExceptions.get(dstAddr);
        if (e != null) {
            if (nowNs < e[1]) {
                return (int) Math.min(e[0], routeMtu);
            }
            pmtuExceptions.remove(dstAddr);   // expired (route.mtu_expires): the device MTU again
        }
        return routeMtu;
    }

    /**
     * __ip_rt_update_pmtu(): a lower path MTU towards dst, learned from ICMP, kept for route.mtu_expires
     * seconds; an MTU below route.min_pmtu is raised to it (and then locked, as Linux does). Returns the
     * path MTU now in force.
     */
    @Override
    public int updatePmtu(int dstAddr, int mtu) {
        int old = mtuTo(dstAddr);
        if (isLocalAddress(dstAddr) || old < mtu || mtuLocked(dstAddr)) {
            return old;
        }
        int minPmtu = sysctl.get(SysctlKey.ROUTE_MIN_PMTU);
        if (mtu < minPmtu) {
            mtu = Math.min(old, minPmtu);
        }
        long expires = nowNs + sysctl.get(SysctlKey.ROUTE_MTU_EXPIRES) * 1_000_000_000L;
        pmtuExceptions.put(dstAddr, new long[] {mtu, expires});
        return mtu;
    }

    @Override
    public boolean mtuLocked(int dstAddr) {
        Route r = isLocalAddress(dstAddr) ? null : routeFor(dstAddr);
        return r != null && r.mtuLocked;
    }

    @Override
    public int advmssMetric(int dstAddr) {
        Route r = isLocalAddress(dstAddr) ? null : routeFor(dstAddr);
        return r != null ? r.advmss : 0;
    }

    @Override
    public int initcwndMetric(int dstAddr) {
        Route r = isLocalAddress(dstAddr) ? null : routeFor(dstAddr);
        return r != null ? r.initcwnd : 0;
    }

    @Override
    public int routeGeneration() {
        return routeGeneration;
    }

    @Override
    public void wake(TcpSock sock) {
        wakeListener.accept(sock);
    }

    @Override
    public long isnClockNs() {
        return isnEpochNs + nowNs;
    }

    @Override
    public long tsClockNs() {
        return bootOffsetNs + nowNs;
    }

    @Override
    public long[] secrets() {
        return secrets;
    }

    @Override
    public Jiffies jiffies() {
        return jiffies;
    }

    // ================================================================ application side

    public String name() {
        return name;
    }

    /** The host's first address. */
    public int address() {
        return addresses[0];
    }

    public int[] addresses() {
        return addresses.clone();
    }

    /** The TCP layer (connection tables, socket calls). */
    public Tcp tcp() {
        return tcp;
    }

    /** The host's sockets as {@code ss -tan} lists them (see {@link Ss#format} to print them). */
    public java.util.List<dev.jtcp.tcp.SocketEntry> ss() {
        return tcp.socketTable();
    }

    /** Records a socket call in the trace, stamped now (drivers call this when the call returns). */
    public void traceCall(int fd, String call, String args, long result, String detail, String why) {
        if (tracer.enabled()) {
            tracer.emit(new CallEvent(nowNs, name, fd, call, args, result, detail, why));
        }
    }
}
