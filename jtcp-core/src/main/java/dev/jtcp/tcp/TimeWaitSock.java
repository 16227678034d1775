package dev.jtcp.tcp;

import dev.jtcp.time.Deadline;

/**
 * A connection that has finished sending and waits out its last segments (Linux's inet_timewait_sock /
 * tcp_timewait_sock): TIME_WAIT proper, or an orphaned FIN_WAIT2 waiting for the peer's FIN for at most
 * tcp_fin_timeout. A compact record replacing the full socket in the connection table.
 */
public final class TimeWaitSock extends Sock {
    /** TIME_WAIT or FIN_WAIT2 (tw_substate). */
    TcpState substate;
    int sndNxt;
    int rcvNxt;
    int rcvWnd;
    int rcvWscale;
    int tsRecent;
    long tsRecentStampNs;
    int tsOffset;
    boolean tstampOk;
    boolean reuse;   // tw_reuse: the socket had SO_REUSEADDR
    long expiresNs = Deadline.NONE;
    /** The deadline of this record's live entry in the timer FIFO, or NONE (see {@link TimerHeap}). */
    long fifoDeadlineNs = Deadline.NONE;
    /** Nominal expiry (timer->expires before the wheel rounds it), for ss. */
    long timeoutNs = Deadline.NONE;

    @Override
    long nextTimerNs() {
        return expiresNs;
    }

    @Override
    public TcpState state() {
        return substate;
    }
}
