package dev.jtcp.trace;

/**
 * A snapshot of one connection's congestion and flow-control state, in the spirit of Linux's
 * {@code struct tcp_info} ({@code ss -ti}, {@code getsockopt(TCP_INFO)}). Other events say what happened;
 * these say what the sender believed at that moment, so that a report can plot the congestion window,
 * the slow-start threshold, the data in flight, the windows and the smoothed RTT over time. Units follow
 * Linux's: windows in segments where the kernel counts segments, bytes where it counts bytes.
 *
 * @param conn the connection as seen from this host, "local>remote", as in {@link StateEvent}
 * @param state Linux's state name at the time of the sample (ESTABLISHED, FIN_WAIT1, ...)
 * @param cwnd congestion window in segments ({@code tp->snd_cwnd}, {@code tcpi_snd_cwnd})
 * @param ssthresh slow-start threshold in segments ({@code tp->snd_ssthresh}); {@link #INFINITE_SSTHRESH}
 *                 before the first loss, as Linux's {@code TCP_INFINITE_SSTHRESH}
 * @param mss the sending MSS in bytes ({@code tp->mss_cache}, {@code tcpi_snd_mss}), to turn segments into bytes
 * @param inFlight bytes in flight: sent, not yet acknowledged cumulatively or by SACK and not marked lost, plus
 *                 retransmissions in flight (Linux's {@code tcp_packets_in_flight()}, counted in bytes)
 * @param rcvWnd the receive window this socket last advertised, in bytes after scaling ({@code tp->rcv_wnd})
 * @param sndWnd the peer's advertised receive window, in bytes after scaling ({@code tp->snd_wnd})
 * @param srttUs smoothed RTT in microseconds ({@code tp->srtt_us >> 3}, {@code tcpi_rtt}); 0 before the first sample
 */
public record TcpInfoEvent(long tNs, String host, String conn, String state, int cwnd, int ssthresh, int mss,
                           int inFlight, int rcvWnd, int sndWnd, long srttUs, String why) implements TraceEvent {

    /** Linux's {@code TCP_INFINITE_SSTHRESH}: no threshold yet, slow start until the first loss. */
    public static final int INFINITE_SSTHRESH = 0x7fffffff;

    @Override
    public String type() {
        return "tcpinfo";
    }

    /** True while the slow-start threshold has not been set by a loss. */
    public boolean ssthreshInfinite() {
        return ssthresh >= INFINITE_SSTHRESH;
    }
}
