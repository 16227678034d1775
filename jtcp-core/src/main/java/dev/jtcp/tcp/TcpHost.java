package dev.jtcp.tcp;

import dev.jtcp.sys.MibCounters;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.trace.Tracer;
import dev.jtcp.wire.TcpHeader;

/**
 * What TCP needs from the host around it (the IP layer, the clock handed in by the driver, settings,
 * counters, the trace). Implemented by the stack; TCP never reaches past this interface.
 */
public interface TcpHost {
    /** The current instant, as last handed in by the driver. */
    long nowNs();

    Sysctl sysctl();

    MibCounters mib();

    Tracer tracer();

    String hostName();

    /** dev_queue_xmit() took the packet. */
    int NET_XMIT_SUCCESS = 0;
    /** The device's egress queue dropped the packet (a qdisc over its limit); TCP sees it as a failed send. */
    int NET_XMIT_DROP = 1;

    /**
     * ip_queue_xmit(): wraps the segment in an IPv4 packet (the TOS byte, DF, the given IP ID) and hands it
     * to the device; traced as a send with {@code why}. Linux gives a connected socket's packets
     * consecutive IDs from a random start and sends packets without one (SYN-ACKs of requests, resets,
     * TIME_WAIT ACKs) with ID 0. Returns {@link #NET_XMIT_SUCCESS}, or {@link #NET_XMIT_DROP} when the
     * device's queue dropped it.
     */
    int ipOutput(int srcAddr, int dstAddr, int ipId, int tos, boolean df, TcpHeader tcp, byte[] payload, int payloadOff,
            int payloadLen, String why);

    /**
     * sk_stream_alloc_skb(): a packet buffer of at least {@code length} bytes (IPv4 header, TCP header,
     * payload) for {@link #ipQueueXmit} or {@link #ipOutputGso}; the caller copies the payload into place
     * behind the headers' room. Its content is stale until written. A host that offloads segmentation
     * ({@link #canGso}) copies every packet into its device buffer, so it may hand out one buffer again.
     */
    byte[] allocPacket(int length);

    /**
     * ip_queue_xmit() for a packet from {@link #allocPacket} whose payload of {@code payloadLen} bytes is
     * already in place: writes the IPv4 and TCP headers in front of it and sends it, as {@link #ipOutput}.
     */
    int ipQueueXmit(int srcAddr, int dstAddr, int ipId, int tos, boolean df, TcpHeader tcp, byte[] packet, int payloadLen,
            String why);

    /**
     * consume_skb(): a packet buffer the receive queue kept (a packet handed over by the driver) has been
     * read; it goes back to the host's pool.
     */
    void releasePacket(byte[] packet);

    /**
     * sk_can_gso(): the device takes TSO packets of several segments and completes their checksums, so
     * TCP hands it a TSO packet whole ({@link #ipOutputGso}) instead of one packet per MSS.
     */
    default boolean canGso() {
        return false;
    }

    /**
     * ip_queue_xmit() of a TSO packet (only when {@link #canGso}): the device cuts the payload into
     * segments of gsoSize bytes, giving them consecutive IP IDs from ipId (0: a single segment). Returns as
     * {@link #ipOutput}.
     */
    default int ipOutputGso(int srcAddr, int dstAddr, int ipId, int tos, boolean df, TcpHeader tcp, byte[] payload,
            int payloadOff, int payloadLen, int gsoSize, String why) {
        throw new UnsupportedOperationException("this host has no segmentation offload");
    }

    /** True when addr is one of this host's addresses. */
    boolean isLocalAddress(int addr);

    /** Source address for a connection to dst (route lookup), or 0 when there is no route. */
    int sourceAddressFor(int dstAddr);

    /** Path MTU towards dst (the device MTU until PMTU discovery lowers it). */
    int mtuTo(int dstAddr);

    /**
     * ip_rt_update_pmtu(): an ICMP fragmentation-needed reported mtu towards dst; returns the path MTU
     * the route now has. Hosts without PMTU discovery keep the device MTU.
     */
    default int updatePmtu(int dstAddr, int mtu) {
        return mtuTo(dstAddr);
    }

    /** dst_metric_locked(RTAX_MTU): the route's MTU is locked ({@code mtu lock N}). */
    default boolean mtuLocked(int dstAddr) {
        return false;
    }

    /** The route's RTAX_ADVMSS metric ({@code advmss N}), or 0 when unset. */
    default int advmssMetric(int dstAddr) {
        return 0;
    }

    /** The route's RTAX_INITCWND metric ({@code initcwnd N}), or 0 when unset. */
    default int initcwndMetric(int dstAddr) {
        return 0;
    }

    /** rt_genid: changes whenever a route changes, so that sockets look their cached route up again. */
    default int routeGeneration() {
        return 0;
    }

    /** The socket's readiness may have changed: wake whoever waits on it. */
    void wake(TcpSock sock);

    /** Wall-clock nanoseconds for the ISN clock (RFC 6528's M): the driver's epoch plus now. */
    long isnClockNs();

    /** Monotonic milliseconds-since-boot clock for TCP timestamps (tcp_clock_ms()), in nanoseconds. */
    long tsClockNs();

    /** Per-host secrets for ISN and timestamp offsets (net_secret, ts_secret), fixed at boot. */
    long[] secrets();

    /** The kernel's tick (HZ) and timer wheel that TCP's timers live on. */
    Jiffies jiffies();
}
