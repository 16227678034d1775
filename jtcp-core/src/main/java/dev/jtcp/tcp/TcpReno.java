package dev.jtcp.tcp;

/** TCP Reno (net/ipv4/tcp_cong.c tcp_reno): the one algorithm always built into Linux. */
final class TcpReno implements TcpCongestionOps {
    static final String NAME = "reno";

    @Override
    public String name() {
        return NAME;
    }

    /** tcp_reno_ssthresh(): half the window, at least 2. */
    @Override
    public int ssthresh(TcpSock sk) {
        return Math.max(sk.sndCwnd >>> 1, 2);
    }

    /** tcp_reno_cong_avoid(): slow start up to ssthresh, then one segment per window acknowledged. */
    @Override
    public void congAvoid(TcpSock sk, int ack, int acked) {
        if (!TcpCong.isCwndLimited(sk)) {
            return;
        }
        if (TcpCong.inSlowStart(sk)) {
            acked = TcpCong.slowStart(sk, acked);
            if (acked == 0) {
                return;
            }
        }
        TcpCong.congAvoidAi(sk, sk.sndCwnd, acked);
    }

    /** tcp_reno_undo_cwnd(). */
    @Override
    public int undoCwnd(TcpSock sk) {
        return renoUndoCwnd(sk);
    }

    /** tcp_reno_undo_cwnd(), shared with CUBIC: cwnd back to what it was before the reduction. */
    static int renoUndoCwnd(TcpSock sk) {
        return Math.max(sk.sndCwnd, sk.priorCwnd);
    }
}
