package dev.jtcp.tcp;

import dev.jtcp.time.Nanos;

/**
 * Linux's fixed TCP constants (include/net/tcp.h). Tunable values are sysctls, not here. HZ is taken as
 * 1000, so Linux's jiffies are milliseconds.
 */
public final class TcpConstants {
    private TcpConstants() {}

    /** TCP_TIMEOUT_INIT: RFC 6298 2.1 initial RTO, 1 s. */
    public static final long TCP_TIMEOUT_INIT_NS = Nanos.ofSeconds(1);
    /** TCP_TIMEOUT_FALLBACK: RFC 6298 5.7 RTO after a handshake without an RTT sample, 3 s. */
    public static final long TCP_TIMEOUT_FALLBACK_NS = Nanos.ofSeconds(3);
    /** TCP_DELACK_MIN / TCP_ATO_MIN: 40 ms (HZ/25). */
    public static final long TCP_DELACK_MIN_NS = Nanos.ofMillis(40);
    public static final long TCP_ATO_MIN_NS = TCP_DELACK_MIN_NS;
    /** TCP_DELACK_MAX: 200 ms (HZ/5). */
    public static final long TCP_DELACK_MAX_NS = Nanos.ofMillis(200);
    /** Delayed-ACK ceiling outside ping-pong mode: HZ/2 in tcp_send_delayed_ack(). */
    public static final long TCP_DELACK_HALF_SECOND_NS = Nanos.ofMillis(500);
    /** TCP_TIMEWAIT_LEN: 2MSL, 60 s. */
    public static final long TCP_TIMEWAIT_LEN_NS = Nanos.ofSeconds(60);
    /** TCP_RESOURCE_PROBE_INTERVAL: 500 ms, the persist timer's retry when probes cannot be sent. */
    public static final long TCP_RESOURCE_PROBE_INTERVAL_NS = Nanos.ofMillis(500);
    /** TCP_TIMEOUT_MIN: 2 jiffies, the retransmit timer after an ignored RST/ACK in SYN_SENT. */
    public static final int TCP_TIMEOUT_MIN_JIFFIES = 2;
    /** TCP_TIMEOUT_MIN_US: 2 ms, added to 2*SRTT for a TLP with several packets in flight. */
    public static final long TCP_TIMEOUT_MIN_US = 2_000;

    /** TCP_MAX_QUICKACKS: quick ACKs granted at most when quick-ack mode starts. */
    public static final int TCP_MAX_QUICKACKS = 16;
    /** TCP_MSS_DEFAULT: RFC 1122 default MSS when the peer sends none, and the rcv_mss initial cap. */
    public static final int TCP_MSS_DEFAULT = 536;
    /** TCP_MIN_MSS. */
    public static final int TCP_MIN_MSS = 88;
    /** TCP_MAX_WSCALE: RFC 7323 2.3 maximum shift. */
    public static final int TCP_MAX_WSCALE = 14;
    /** TCP_INIT_CWND: RFC 6928 initial window, 10 segments. */
    public static final int TCP_INIT_CWND = 10;
    /** MAX_TCP_WINDOW: the largest window offered without scaling when working around signed-window peers. */
    public static final int MAX_TCP_WINDOW = 32767;
    /** Fixed TCP header length. */
    public static final int TCP_HEADER_LEN = 20;
    /** Aligned length of the timestamp option block (NOP,NOP,TS). */
    public static final int TCPOLEN_TSTAMP_ALIGNED = 12;
    /** IPv4 header without options. */
    public static final int IPV4_HEADER_LEN = 20;
    /** GSO_LEGACY_MAX_SIZE: the largest GSO/TSO packet of a device that does not raise it (tun, most NICs). */
    public static final int GSO_LEGACY_MAX_SIZE = 65536;
    /** GSO_MAX_SEGS: segments per GSO packet a device accepts by default. */
    public static final int GSO_MAX_SEGS = 65535;
    /** MAX_TCP_HEADER on x86-64 (L1_CACHE_ALIGN(128 + MAX_HEADER)): headroom sk_dst_gso_max_size() takes off. */
    public static final int MAX_TCP_HEADER = 320;
    /** SKB_DATA_ALIGN(sizeof(struct sk_buff)) on x86-64: the sk_buff itself, counted in every truesize. */
    public static final int SKB_STRUCT_TRUESIZE = 256;
    /** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64 (MAX_SKB_FRAGS = 17). */
    public static final int SKB_SHINFO_TRUESIZE = 320;
    /**
     * truesize of a write-queue skb before any payload: tcp_stream_alloc_skb() takes a head of
     * MAX_TCP_HEADER from the small-head cache, SKB_TRUESIZE(MAX_TCP_HEADER); payload copied into its page
     * fragments adds its length. sk_wmem_queued is the sum of these over the write and retransmit queues.
     */
    public static final int SKB_TX_HEAD_TRUESIZE = MAX_TCP_HEADER + SKB_SHINFO_TRUESIZE + SKB_STRUCT_TRUESIZE;
    /** SK_DEFAULT_PACING_SHIFT: TSO autosizing aims at one packet per 2^-10 s of the pacing rate. */
    public static final int SK_DEFAULT_PACING_SHIFT = 10;
    /** MAX_TCP_KEEPIDLE etc. are sysctl ranges. TCP_KEEPALIVE resource retry: */
    public static final int TCP_URG_VALID = 0x100;
    public static final int TCP_URG_NOTYET = 0x200;
    public static final int TCP_URG_READ = 0x400;
    /** MAX_SKB_FRAGS (and the net.core.max_skb_frags default): page fragments one skb can hold. */
    public static final int MAX_SKB_FRAGS = 17;
    /** PAGE_SIZE on x86-64. */
    public static final int PAGE_SIZE = 4096;
    /** msg_zerocopy_realloc(): a zerocopy range stops growing past this many bytes ("a few TSO"). */
    public static final int ZEROCOPY_BYTE_LIMIT = 1 << 19;
}
