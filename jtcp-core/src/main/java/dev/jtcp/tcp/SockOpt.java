package dev.jtcp.tcp;

/**
 * Socket options jtcp implements, with their Linux level and name (asm-generic/socket.h, linux/tcp.h,
 * linux/in.h). Values are integers; SO_LINGER takes two (on, seconds). SOL_IP options also take a single
 * byte (do_ip_setsockopt() reads an int, or one unsigned char when optlen is shorter).
 */
public enum SockOpt {
    SO_REUSEADDR("SOL_SOCKET", 2),
    SO_ERROR("SOL_SOCKET", 4),
    SO_SNDBUF("SOL_SOCKET", 7),
    SO_RCVBUF("SOL_SOCKET", 8),
    SO_KEEPALIVE("SOL_SOCKET", 9),
    SO_OOBINLINE("SOL_SOCKET", 10),
    SO_LINGER("SOL_SOCKET", 13),
    SO_MARK("SOL_SOCKET", 36),
    /** SO_TIMESTAMPING(_OLD): SOF_TIMESTAMPING_* flags; transmit timestamps come on the error queue. */
    SO_TIMESTAMPING("SOL_SOCKET", 37),
    SO_ZEROCOPY("SOL_SOCKET", 60),
    IP_FREEBIND("SOL_IP", 15),
    TCP_NODELAY("IPPROTO_TCP", 1),
    TCP_MAXSEG("IPPROTO_TCP", 2),
    TCP_CORK("IPPROTO_TCP", 3),
    TCP_KEEPIDLE("IPPROTO_TCP", 4),
    TCP_KEEPINTVL("IPPROTO_TCP", 5),
    TCP_KEEPCNT("IPPROTO_TCP", 6),
    TCP_SYNCNT("IPPROTO_TCP", 7),
    TCP_LINGER2("IPPROTO_TCP", 8),
    TCP_QUICKACK("IPPROTO_TCP", 12),
    /** A name, not an integer: {@code Tcp.setCongestion} / {@code Tcp.congestion}. */
    TCP_CONGESTION("IPPROTO_TCP", 13),
    TCP_USER_TIMEOUT("IPPROTO_TCP", 18),
    /** Server: the most TFO requests not yet through the handshake (fastopenq max_qlen); 0 disables TFO. */
    TCP_FASTOPEN("IPPROTO_TCP", 23),
    TCP_NOTSENT_LOWAT("IPPROTO_TCP", 25),
    /** Client: connect() returns at once and the first write carries the SYN data. */
    TCP_FASTOPEN_CONNECT("IPPROTO_TCP", 30),
    /** Send or accept SYN data without a cookie on this socket. */
    TCP_FASTOPEN_NO_COOKIE("IPPROTO_TCP", 34),
        TCP_INQ("IPPROTO_TCP", 36),
    /** The TOS byte of the socket's packets (DSCP; the ECN bits stay TCP's). */
    IP_TOS("SOL_IP", 1),
    /** Path MTU discovery mode: IP_PMTUDISC_DONT (0) .. IP_PMTUDISC_OMIT (5), {@code Tcp.IP_PMTUDISC_*}. */
    IP_MTU_DISCOVER("SOL_IP", 10);

    public final String level;
    public final int linuxNumber;

    SockOpt(String level, int linuxNumber) {
        this.level = level;
        this.linuxNumber = linuxNumber;
    }

    /** The option with this Linux name ("TCP_NODELAY"), or null. */
    public static SockOpt byName(String name) {
        for (SockOpt o : values()) {
            if (o.name().equalsIgnoreCase(name)) {
                return o;
            }
        }
        return null;
    }
}
