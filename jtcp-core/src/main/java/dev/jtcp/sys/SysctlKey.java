package dev.jtcp.sys;

/**
 * Every setting jtcp reads, by its Linux sysctl name, with Linux 6.18's default and the range the kernel's
 * proc handler accepts (Documentation/networking/ip-sysctl.rst, net/ipv4/sysctl_net_ipv4.c). Vector
 * settings (tcp_rmem, ip_local_port_range) hold several integers, written space-separated as in /proc.
 */
public enum SysctlKey {
    TCP_SYN_RETRIES("net.ipv4.tcp_syn_retries", "6", 1, 127,
            "SYN retransmissions (after the linear ones) before connect() fails with ETIMEDOUT"),
    TCP_SYN_LINEAR_TIMEOUTS("net.ipv4.tcp_syn_linear_timeouts", "4", 0, 127,
            "SYN timeouts that keep the initial RTO before exponential backoff starts (Linux 6.5+)"),
    TCP_SYNACK_RETRIES("net.ipv4.tcp_synack_retries", "5", 0, 255,
            "SYN-ACK retransmissions of a passive open before the request is dropped"),
    TCP_ORPHAN_RETRIES("net.ipv4.tcp_orphan_retries", "0", 0, Integer.MAX_VALUE,
            "retry boundary of an orphaned (closed) socket; 0 means 8"),
    TCP_FIN_TIMEOUT("net.ipv4.tcp_fin_timeout", "60", 1, 2_147_483,
            "seconds an orphaned socket stays in FIN_WAIT2"),
    TCP_RETRIES1("net.ipv4.tcp_retries1", "3", 0, 255,
            "retransmissions before the route is doubted"),
    TCP_RETRIES2("net.ipv4.tcp_retries2", "15", 0, Integer.MAX_VALUE,
            "retry boundary before an established connection times out (ETIMEDOUT)"),
    TCP_KEEPALIVE_TIME("net.ipv4.tcp_keepalive_time", "7200", 1, 32767,
            "seconds idle before the first keepalive probe (SO_KEEPALIVE)"),
    TCP_KEEPALIVE_INTVL("net.ipv4.tcp_keepalive_intvl", "75", 1, 32767,
            "seconds between keepalive probes"),
    TCP_KEEPALIVE_PROBES("net.ipv4.tcp_keepalive_probes", "9", 1, 127,
            "unanswered keepalive probes before the connection is dropped"),
    TCP_TIMESTAMPS("net.ipv4.tcp_timestamps", "1", 0, 2,
            "RFC 7323 timestamps: 0 off, 1 on with a random per-connection offset, 2 on without offset"),
    TCP_SACK("net.ipv4.tcp_sack", "1", 0, 1, "RFC 2018 selective acknowledgements"),
    TCP_DSACK("net.ipv4.tcp_dsack", "1", 0, 1, "RFC 2883 duplicate SACKs"),
    TCP_WINDOW_SCALING("net.ipv4.tcp_window_scaling", "1", 0, 1, "RFC 7323 window scaling"),
    TCP_ECN("net.ipv4.tcp_ecn", "2", 0, 2,
            "RFC 3168 ECN: 0 off, 1 requested by outgoing connections and accepted on incoming ones, 2 accepted"
            + " only when the peer requests it (Linux's 3..5, Accurate ECN, are not implemented)"),
    TCP_ECN_FALLBACK("net.ipv4.tcp_ecn_fallback", "1", 0, 1,
            "a retransmitted SYN drops its ECN request (RFC 3168 6.1.1.1), in case a middlebox discards ECN SYNs"),
    TCP_RMEM("net.ipv4.tcp_rmem", "4096 131072 33554432", 1, Integer.MAX_VALUE,
            "receive buffer min, default, max (bytes)"),
    TCP_WMEM("net.ipv4.tcp_wmem", "4096 16384 4194304", 1, Integer.MAX_VALUE,
            "send buffer min, default, max (bytes)"),
    TCP_MODERATE_RCVBUF("net.ipv4.tcp_moderate_rcvbuf", "1", 0, 1,
            "receive-buffer auto-tuning (dynamic right-sizing) within tcp_rmem, unless SO_RCVBUF was set"),
    CORE_RMEM_MAX("net.core.rmem_max", "212992", 1, Integer.MAX_VALUE, "largest SO_RCVBUF (bytes)"),
    CORE_WMEM_MAX("net.core.wmem_max", "212992", 1, Integer.MAX_VALUE, "largest SO_SNDBUF (bytes)"),
    CORE_SOMAXCONN("net.core.somaxconn", "4096", 0, Integer.MAX_VALUE, "cap on a listen() backlog"),
    TCP_MAX_SYN_BACKLOG("net.ipv4.tcp_max_syn_backlog", "2048", 0, Integer.MAX_VALUE,
            "half-open requests per listener beyond which SYNs are dropped or answered with cookies"),
    TCP_SYNCOOKIES("net.ipv4.tcp_syncookies", "1", 0, 2,
            "SYN cookies: 0 never, 1 when the SYN queue overflows, 2 always"),
    TCP_ABORT_ON_OVERFLOW("net.ipv4.tcp_abort_on_overflow", "0", 0, 1,
            "answer a third ACK with RST when the accept queue is full"),
    TCP_CHALLENGE_ACK_LIMIT("net.ipv4.tcp_challenge_ack_limit", "2147483647", 0, Integer.MAX_VALUE,
            "RFC 5961 challenge ACKs per second, per network namespace"),
    TCP_INVALID_RATELIMIT("net.ipv4.tcp_invalid_ratelimit", "500", 0, Integer.MAX_VALUE,
            "minimum milliseconds between duplicate ACKs sent for out-of-window segments"),
    TCP_RFC1337("net.ipv4.tcp_rfc1337", "0", 0, 1,
            "1: ignore RST in TIME_WAIT (RFC 1337); 0: an RST ends TIME_WAIT at once (Linux default)"),
    TCP_TW_REUSE("net.ipv4.tcp_tw_reuse", "2", 0, 2,
            "reuse TIME_WAIT 4-tuples for new outgoing connections: 0 no, 1 yes, 2 loopback only"),
    TCP_MAX_TW_BUCKETS("net.ipv4.tcp_max_tw_buckets", "131072", 0, Integer.MAX_VALUE,
            "TIME_WAIT sockets kept at most; beyond that connections close without TIME_WAIT"),
    TCP_RTO_MIN_US("net.ipv4.tcp_rto_min_us", "200000", 1, Integer.MAX_VALUE,
            "minimum retransmission timeout, microseconds (TCP_RTO_MIN)"),
    TCP_RTO_MAX_MS("net.ipv4.tcp_rto_max_ms", "120000", 1000, 120000,
            "maximum retransmission timeout, milliseconds (TCP_RTO_MAX)"),
    TCP_PINGPONG_THRESH("net.ipv4.tcp_pingpong_thresh", "1", 1, 255,
            "replies within the ATO before delayed-ACK ping-pong (interactive) mode starts"),
    TCP_STDURG("net.ipv4.tcp_stdurg", "0", 0, 1,
            "1: urgent pointer points at the urgent byte (RFC 1122); 0: one past it (BSD, Linux default)"),
    TCP_EARLY_RETRANS("net.ipv4.tcp_early_retrans", "3", 0, 4,
            "tail loss probe (TLP): 3 or 4 enable it"),
    TCP_REORDERING("net.ipv4.tcp_reordering", "3", 1, 300, "initial reordering degree (duplicate ACK threshold)"),
    TCP_MAX_REORDERING("net.ipv4.tcp_max_reordering", "300", 1, Integer.MAX_VALUE,
            "largest reordering degree a connection may learn"),
    TCP_RECOVERY("net.ipv4.tcp_recovery", "1", 0, 7,
            "loss recovery bits: 1 RACK loss detection (RFC 8985), 2 static reordering window, 4 no dupthresh"),
    TCP_FRTO("net.ipv4.tcp_frto", "2", 0, 2, "F-RTO (RFC 5682) spurious RTO detection: 0 off, 1 or 2 on"),
    TCP_SLOW_START_AFTER_IDLE("net.ipv4.tcp_slow_start_after_idle", "1", 0, 1,
            "restart the congestion window after an idle period longer than the RTO"),
    TCP_RETRANS_COLLAPSE("net.ipv4.tcp_retrans_collapse", "1", 0, 1,
            "merge small segments into a retransmission up to one MSS"),
    TCP_NOTSENT_LOWAT("net.ipv4.tcp_notsent_lowat", "4294967295", 0, 4294967295L,
            "unsent bytes above which a socket stops taking writes and is not writable (TCP_NOTSENT_LOWAT)"),
    TCP_TSO_WIN_DIVISOR("net.ipv4.tcp_tso_win_divisor", "3", 0, 255,
            "a TSO packet is not deferred once 1/n of the window can go (tcp_tso_should_defer); 0: 3 segments"),
    TCP_MIN_TSO_SEGS("net.ipv4.tcp_min_tso_segs", "2", 1, 255,
            "fewest MSS-sized segments TSO autosizing puts in one packet (tcp_tso_autosize)"),
    TCP_TSO_RTT_LOG("net.ipv4.tcp_tso_rtt_log", "9", 0, 255,
            "TSO packets grow on paths with a min RTT under 2^n us (by gso_max_size >> (min_rtt >> n))"),
    TCP_PACING_SS_RATIO("net.ipv4.tcp_pacing_ss_ratio", "200", 0, 1000,
            "pacing rate in slow start, percent of cwnd * mss / srtt"),
    TCP_PACING_CA_RATIO("net.ipv4.tcp_pacing_ca_ratio", "120", 0, 1000,
            "pacing rate in congestion avoidance, percent of cwnd * mss / srtt"),
    TCP_MIN_SND_MSS("net.ipv4.tcp_min_snd_mss", "48", 48, 65535, "smallest MSS accepted from a peer"),
    TCP_MTU_PROBING("net.ipv4.tcp_mtu_probing", "0", 0, 255,
            "packetization-layer path MTU discovery (RFC 4821): 0 off, 1 after an ICMP black hole is detected, 2 always"),
    TCP_BASE_MSS("net.ipv4.tcp_base_mss", "1024", Integer.MIN_VALUE, Integer.MAX_VALUE,
            "MSS at the bottom of the MTU probing search (and the black-hole fallback)"),
    TCP_MTU_PROBE_FLOOR("net.ipv4.tcp_mtu_probe_floor", "48", 48, 65535,
            "lowest MSS black-hole detection may fall back to"),
    TCP_PROBE_THRESHOLD("net.ipv4.tcp_probe_threshold", "8", Integer.MIN_VALUE, Integer.MAX_VALUE,
            "MTU probing stops once the search range is narrower than this many bytes"),
    TCP_PROBE_INTERVAL("net.ipv4.tcp_probe_interval", "600", 0, 0xFFFFFFFFL / 250,   // UINT_MAX / HZ
            "seconds after which MTU probing searches again from the current MSS"),
    TCP_WORKAROUND_SIGNED_WINDOWS("net.ipv4.tcp_workaround_signed_windows", "0", 0, 1,
            "never offer more than 32767 bytes to a peer that did not send window scaling"),
    TCP_SHRINK_WINDOW("net.ipv4.tcp_shrink_window", "0", 0, 1, "allow the offered window to shrink"),
    TCP_FASTOPEN("net.ipv4.tcp_fastopen", "1", Integer.MIN_VALUE, Integer.MAX_VALUE,
            "TCP Fast Open (RFC 7413) bits: 0x1 client, 0x2 server, 0x4 client without cookie, 0x200 server"
                    + " without cookie, 0x400 server listeners without TCP_FASTOPEN"),
    /**
     * The TFO server keys: a primary and an optional backup, each four 32-bit words in hex joined by dashes
     * ("a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4[,...]"); held as 9 integers: the 8 words, then the key count.
     */
    TCP_FASTOPEN_KEY("net.ipv4.tcp_fastopen_key", "0 0 0 0 0 0 0 0 0", Integer.MIN_VALUE, Integer.MAX_VALUE,
            "TFO cookie keys (SipHash-2-4): primary[,backup], each xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx"),
    TCP_FASTOPEN_BLACKHOLE_TIMEOUT_SEC("net.ipv4.tcp_fastopen_blackhole_timeout_sec", "0", 0, Integer.MAX_VALUE,
            "seconds active TFO stays off after a suspected middlebox black hole, doubling per repeat; 0: no detection"),
    TCP_CONGESTION_CONTROL("net.ipv4.tcp_congestion_control", new String[] {"reno", "cubic"}, "cubic",
            "congestion control of new sockets (tcp_available_congestion_control: reno cubic)"),
    IP_LOCAL_PORT_RANGE("net.ipv4.ip_local_port_range", "32768 60999", 1, 65535,
            "ephemeral ports for connect() and bind(0): low high"),
    IP_DEFAULT_TTL("net.ipv4.ip_default_ttl", "64", 1, 255, "TTL of outgoing IPv4 packets"),
    ICMP_ECHO_IGNORE_ALL("net.ipv4.icmp_echo_ignore_all", "0", 0, 1, "1: echo requests (ping) get no reply"),
    IP_NO_PMTU_DISC("net.ipv4.ip_no_pmtu_disc", "0", 0, 3,
            "0: ICMP fragmentation-needed lowers the path MTU; 2: such messages are ignored"),
    ROUTE_MIN_PMTU("net.ipv4.route.min_pmtu", "552", 68, 65535, "the lowest path MTU an ICMP message can set"),
    ROUTE_MTU_EXPIRES("net.ipv4.route.mtu_expires", "600", 0, Integer.MAX_VALUE,
            "seconds a learned path MTU is kept before the device MTU applies again");

    public final String linuxName;
    public final String defaultValue;
    public final long min;
    public final long max;
    public final String description;
    /** For a setting whose value is a name (tcp_congestion_control): the names accepted, else null. */
    private final String[] choices;

    SysctlKey(String linuxName, String defaultValue, long min, long max, String description) {
        this.linuxName = linuxName;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.description = description;
        this.choices = null;
    }

    SysctlKey(String linuxName, String[] choices, String defaultValue, String description) {
        this.linuxName = linuxName;
        this.defaultValue = defaultValue;
        this.min = 0;
        this.max = choices.length - 1;
        this.description = description;
        this.choices = choices;
    }

    /** True for a setting whose value is one of a list of names rather than integers. */
    public boolean textual() {
        return choices != null;
    }

    /** The names a textual setting accepts (a copy), empty for an integer setting. */
    public java.util.List<String> choices() {
        return choices == null ? java.util.List.of() : java.util.List.of(choices);
    }

    /** How many integers the setting holds. */
    public int arity() {
        return defaultValue.split(" ").length;
    }

    /** The key with this Linux name ("net.ipv4.tcp_syn_retries"; "/" separators and a leading "/proc/sys/" are accepted), or null. */
    public static SysctlKey byName(String name) {
        String n = name.trim();
        if (n.startsWith("/proc/sys/")) {
            n = n.substring("/proc/sys/".length());
        }
        n = n.replace('/', '.');
        for (SysctlKey k : values()) {
            if (k.linuxName.equals(n)) {
                return k;
            }
        }
        return null;
    }
}
