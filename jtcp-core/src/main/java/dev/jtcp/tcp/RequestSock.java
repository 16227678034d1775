package dev.jtcp.tcp;

import dev.jtcp.time.Deadline;

/**
 * A half-open connection in SYN_RECV (Linux's request_sock / tcp_request_sock): a small record in the
 * connection table, not a full socket. The SYN queue of a listener is the set of these that point to it.
 */
public final class RequestSock extends Sock {
    final TcpSock listener;
    int iss;       // our ISN (snt_isn)
    int irs;       // the peer's ISN (rcv_isn)
    int rcvWnd;    // initial window offered in the SYN-ACK (bytes)
    int rcvWscale;
    int sndWscale;
    boolean wscaleOk;
    boolean sackOk;
    boolean tstampOk;
    /** inet_rsk(req)->ecn_ok: the SYN asked for ECN and this host accepts it (tcp_ecn_create_request()). */
    boolean ecnOk;
    int mss;       // peer's MSS option, or TCP_MSS_DEFAULT
    int tsRecent;
    int tsOffset;
    long synRcvdNs;    // when the first SYN arrived
    long sntSynackNs; // when the first SYN-ACK was sent (RTT sample on completion)
    /** A SYN-ACK went out (tcp_rsk(req)->snt_synack != 0; virtual time 0 is a valid instant). */
    boolean synackSent;
    int sntTsvalFirst; // TS val of the first SYN-ACK (snt_tsval_first)
    int numRetrans;    // SYN-ACKs retransmitted
    int numTimeout;    // timer expirations
    long timeoutNs = dev.jtcp.tcp.TcpConstants.TCP_TIMEOUT_INIT_NS;
    long expiresNs = Deadline.NONE;
    /** Nominal expiry (rsk_timer.expires before the wheel rounds it), for ss. */
    long nominalNs = Deadline.NONE;
    /** The third ACK arrived but the accept queue was full (inet_rsk(req)->acked). */
    boolean acked;
    /** Rebuilt from a SYN cookie: never in the SYN queue. */
    boolean fromCookie;
    /** What the SYN-ACK acknowledges (tcp_rsk(req)->rcv_nxt): irs + 1, or past the SYN's data for TFO. */
    int rcvNxt;

    RequestSock(TcpSock listener) {
        this.listener = listener;
    }

    @Override
    long nextTimerNs() {
        return expiresNs;
    }

    @Override
    public TcpState state() {
        return TcpState.SYN_RECV;
    }
}
