package dev.jtcp.tcp;

import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Nanos;

/**
 * Timer decisions (net/ipv4/tcp_timer.c, inet_connection_sock.c): the retransmission timer with its
 * backoff and retry limits, the tail-loss probe, the persist (zero-window probe) timer, delayed ACK,
 * keepalive and the orphaned FIN_WAIT2 timer. Timers are deadlines in the socket; nothing here sleeps.
 */
final class TcpTimers {
    private final Tcp tcp;

    TcpTimers(Tcp tcp) {
        this.tcp = tcp;
    }

    private int sysctl(SysctlKey k) {
        return tcp.sysctl.get(k);
    }

    private long now() {
        return tcp.now();
    }

    long rtoMaxNs() {
        return Nanos.ofMillis(sysctl(SysctlKey.TCP_RTO_MAX_MS));
    }

    long rtoMinNs() {
        return Nanos.ofMicros(sysctl(SysctlKey.TCP_RTO_MIN_US));
    }

    private static String xmitName(int kind) {
        return kind == TcpSock.XMIT_PROBE0 ? "persist" : "retransmit";
    }

    // ================================================================ arming

    /** inet_csk_reset_xmit_timer() / tcp_reset_xmit_timer(). */
    void resetXmitTimer(TcpSock sk, int kind, long whenNs, String why) {
        long delta = tcp.timerJiffies(Math.min(whenNs, rtoMaxNs()));
        long at = tcp.fireAfter(delta);
        boolean changed = sk.xmitTimer != kind || sk.xmitAtNs != at;
        sk.xmitTimer = kind;
        sk.xmitAtNs = at;
        sk.xmitTimeoutNs = tcp.nominalAfter(delta);
        tcp.timersChanged(sk);
        if (changed) {
            tcp.deferTimerArm(sk, xmitName(kind), at, why);
        }
    }

    /** inet_csk_clear_xmit_timer() for the retransmit/probe timer. */
    void clearXmitTimer(TcpSock sk, String why) {
        if (sk.xmitTimer == TcpSock.XMIT_NONE) {
            return;
        }
        long was = sk.xmitAtNs;
        int kind = sk.xmitTimer;
        sk.xmitTimer = TcpSock.XMIT_NONE;
        sk.xmitAtNs = Deadline.NONE;
        tcp.timersChanged(sk);
        if (!tcp.dropDeferredArm(sk)) {
            tcp.traceTimer(sk, xmitName(kind), "cancel", was, why);
        }
    }

    /** tcp_clear_xmit_timers(): every timer of a connection that has ended. */
    void clearXmitTimers(TcpSock sk) {
        clearXmitTimer(sk, "connection closed");
        if (sk.delackAtNs != Deadline.NONE) {
            long was = sk.delackAtNs;
            sk.delackAtNs = Deadline.NONE;
            tcp.traceTimer(sk, "delack", "cancel", was, "connection closed");
        }
        sk.ackPending = 0;
        sk.compressedAckAtNs = Deadline.NONE;
        if (sk.skTimer != TcpSock.SKT_NONE) {
            long was = sk.skTimerAtNs;
            String name = sk.skTimer == TcpSock.SKT_FIN_WAIT2 ? "fin_wait2" : "keepalive";
            sk.skTimer = TcpSock.SKT_NONE;
            sk.skTimerAtNs = Deadline.NONE;
            tcp.traceTimer(sk, name, "cancel", was, "connection closed");
        }
        tcp.timersChanged(sk);
    }

    /** tcp_rto_delta_us(): time left until the head segment's RTO would expire. */
    private long rtoDeltaNs(TcpSock sk) {
        TxSegment head = sk.rtxQueue.peekFirst();
        if (head == null) {
            return sk.rtoNs;
        }
        return head.lastTxNs + sk.rtoNs - now();
    }

    /** tcp_rearm_rto(): restart the retransmission timer (RFC 6298 5.3), or stop it when nothing is in flight. */
    void rearmRto(TcpSock sk) {
        if (sk.fastopenRsk != null) {
            return;   // the timer retransmits a TFO child's SYN-ACK until the handshake completes
        }
        if (sk.packetsOut == 0) {
            clearXmitTimer(sk, "all data acknowledged (RFC 6298 5.2)");
            return;
        }
        long rto = sk.rtoNs;
        if (sk.xmitTimer == TcpSock.XMIT_LOSS_PROBE || sk.xmitTimer == TcpSock.XMIT_REO_TIMEOUT) {
            // Offset the time elapsed since the segment at the head was sent.
            long delta = rtoDeltaNs(sk);
            rto = tcp.usToJiffyNs(Math.max(Nanos.toMicros(delta), 1));
        }
        resetXmitTimer(sk, TcpSock.XMIT_RETRANS, rto,
                tcp.tracing() ? "RFC 6298 5.3: RTO (re)started, " + Nanos.toMillis(sk.rtoNs) + " ms" : null);
    }

    /** After retransmitting the head during recovery, the RTO restarts from now. */
    void rearmRtoIfHead(TcpSock sk) {
        rearmRto(sk);
    }

    /** tcp_set_xmit_timer(): a tail-loss probe if one is due, else the RTO. */
    void setXmitTimer(TcpSock sk) {
        if (!scheduleLossProbe(sk, true)) {
            rearmRto(sk);
        }
    }

    /**
     * tcp_schedule_loss_probe() (RFC 8985 7.2): probe after 2*SRTT (plus rto_min when one segment is in
     * flight, to cover a delayed ACK), but never later than the RTO.
     */
    boolean scheduleLossProbe(TcpSock sk, boolean advancingRto) {
        int er = sysctl(SysctlKey.TCP_EARLY_RETRANS);
        if ((er != 3 && er != 4) || sk.packetsOut == 0 || !sk.sackOk
                || (sk.caState != TcpSock.CA_OPEN && sk.caState != TcpSock.CA_CWR)) {
            return false;
        }
        if (!sk.state.synchronizedState() || sk.fastopenRsk != null) {
            return false;   // no loss probe on a Fast Open connection before the handshake completes
        }
        long timeoutNs;
        if (sk.srttUs != 0) {
            long timeoutUs = sk.srttUs >> 2;
            timeoutUs += sk.packetsOut == 1 ? sysctl(SysctlKey.TCP_RTO_MIN_US) : TcpConstants.TCP_TIMEOUT_MIN_US;
            timeoutNs = tcp.usToJiffyNs(timeoutUs);
        } else {
            timeoutNs = TcpConstants.TCP_TIMEOUT_INIT_NS;
        }
        long rtoDelta = advancingRto ? sk.rtoNs : rtoDeltaNs(sk);
        if (rtoDelta > 0) {
            timeoutNs = Math.min(timeoutNs, tcp.usToJiffyNs(Nanos.toMicros(rtoDelta)));
        }
        resetXmitTimer(sk, TcpSock.XMIT_LOSS_PROBE, timeoutNs, tcp.tracing() ? "tail loss probe (RFC 8985 7.2): PTO "
                + Nanos.toMillis(timeoutNs) + " ms" : null);
        return true;
    }

    /** tcp_check_probe_timer(): nothing in flight but data waits for window: start the persist timer. */
    void checkProbeTimer(TcpSock sk) {
        if (sk.packetsOut == 0 && sk.xmitTimer == TcpSock.XMIT_NONE) {
            resetXmitTimer(sk, TcpSock.XMIT_PROBE0, probe0Base(sk),
                    "zero window: persist timer (RFC 9293 3.8.6.1)");
        }
    }

    private long probe0Base(TcpSock sk) {
        return Math.max(sk.rtoNs, rtoMinNs());
    }

    /** tcp_probe0_when(): base << backoff, capped. */
    private long probe0When(TcpSock sk) {
        int maxShift = 63 - Long.numberOfLeadingZeros(rtoMaxNs() / rtoMinNs()) + 1;
        int backoff = Math.min(maxShift, sk.backoff);
        long when = probe0Base(sk) << backoff;
        return Math.min(when, rtoMaxNs());
    }

    void resetProbe0(TcpSock sk) {
        resetXmitTimer(sk, TcpSock.XMIT_PROBE0, probe0When(sk), "window still closed: next probe with backoff");
    }

    /** tcp_fin_time(): how long an orphan stays in FIN_WAIT2 (at least 3.5 RTO). */
    long finTimeNs(TcpSock sk) {
        long fin = Nanos.ofSeconds(sk.linger2 > 0 ? sk.linger2 : sysctl(SysctlKey.TCP_FIN_TIMEOUT));
        long rto = sk.rtoNs;
        long floor = (rto << 2) - (rto >> 1);
        return Math.max(fin, floor);
    }

    /** inet_csk_reset_keepalive_timer(): sk_timer, for keepalive or an orphan's long FIN_WAIT2. */
    void resetKeepaliveTimer(TcpSock sk, int kind, long delayNs, String why) {
        long delta = tcp.timerJiffies(delayNs);
        long at = tcp.fireAfter(delta);
        sk.skTimer = kind;
        sk.skTimerAtNs = at;
        sk.skTimerTimeoutNs = tcp.nominalAfter(delta);
        tcp.timersChanged(sk);
        tcp.traceTimer(sk, kind == TcpSock.SKT_FIN_WAIT2 ? "fin_wait2" : "keepalive", "arm", at, why);
    }

    private void clearKeepaliveTimer(TcpSock sk, String why) {
        if (sk.skTimer == TcpSock.SKT_NONE) {
            return;
        }
        long was = sk.skTimerAtNs;
        String name = sk.skTimer == TcpSock.SKT_FIN_WAIT2 ? "fin_wait2" : "keepalive";
        sk.skTimer = TcpSock.SKT_NONE;
        sk.skTimerAtNs = Deadline.NONE;
        tcp.timersChanged(sk);
        tcp.traceTimer(sk, name, "cancel", was, why);
    }

    // ================================================================ keepalive settings

    int keepIdleSec(TcpSock sk) {
        return sk.keepIdleSec != 0 ? sk.keepIdleSec : sysctl(SysctlKey.TCP_KEEPALIVE_TIME);
    }

    int keepIntvlSec(TcpSock sk) {
        return sk.keepIntvlSec != 0 ? sk.keepIntvlSec : sysctl(SysctlKey.TCP_KEEPALIVE_INTVL);
    }

    int keepCnt(TcpSock sk) {
        return sk.keepCnt != 0 ? sk.keepCnt : sysctl(SysctlKey.TCP_KEEPALIVE_PROBES);
    }

    /** SO_KEEPALIVE (tcp_set_keepalive()). */
    void setKeepalive(TcpSock sk, boolean on) {
        if (on == sk.keepAliveOn) {
            return;
        }
        sk.keepAliveOn = on;
        if (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN) {
            return;
        }
        if (on) {
            resetKeepalive(sk);
        } else if (sk.skTimer == TcpSock.SKT_KEEPALIVE) {
            clearKeepaliveTimer(sk, "SO_KEEPALIVE turned off");
        }
    }

    /** Start the keepalive timer from now (tcp_set_keepalive, connection establishment). */
    void resetKeepalive(TcpSock sk) {
        if (sk.skTimer == TcpSock.SKT_FIN_WAIT2) {
            return;
        }
        resetKeepaliveTimer(sk, TcpSock.SKT_KEEPALIVE, Nanos.ofSeconds(keepIdleSec(sk)),
                "keepalive: idle " + keepIdleSec(sk) + " s before the first probe (RFC 1122 4.2.3.6)");
    }

    /** TCP_KEEPIDLE changed: re-arm relative to the time already idle. */
    void keepaliveSettingsChanged(TcpSock sk) {
        if (sk.keepAliveOn && sk.state.synchronizedState() && sk.state != TcpState.TIME_WAIT) {
            long idle = keepaliveElapsed(sk);
            long when = Nanos.ofSeconds(keepIdleSec(sk));
            resetKeepaliveTimer(sk, TcpSock.SKT_KEEPALIVE, Math.max(0, when - idle),
                    "TCP_KEEPIDLE changed: keepalive re-armed");
        }
    }

    /** keepalive_time_elapsed(): since the last segment received. */
    private long keepaliveElapsed(TcpSock sk) {
        long n = now();
        return Math.min(n - sk.lrcvtimeNs, n - sk.rcvTstampNs);
    }

    // ================================================================ send buffer

    /** tcp_sndbuf_expand(): room for two windows of full-sized segments (Linux's truesize arithmetic). */
    void sndbufExpand(TcpSock sk) {
        int mss = Math.max(sk.mssClamp, sk.mssCache);
        int perMss = mss + TcpConstants.MAX_TCP_HEADER + TcpConstants.SKB_SHINFO_TRUESIZE;
        perMss = (Integer.highestOneBit(Math.max(1, perMss - 1)) << 1) + TcpConstants.SKB_STRUCT_TRUESIZE;   // roundup_pow_of_two
        int nrSegs = Math.max(TcpConstants.TCP_INIT_CWND, sk.sndCwnd);
        nrSegs = Math.max(nrSegs, sk.reordering + 1);
        long sndmem = 2L * nrSegs * perMss;
        if (sk.sndBuf < sndmem) {
            sk.sndBuf = (int) Math.min(sndmem, tcp.sysctl.get(SysctlKey.TCP_WMEM, 2));
            tcp.wake(sk);
        }
    }

    /** tcp_new_space() → tcp_should_expand_sndbuf(): grow the send buffer with the congestion window. */
    void maybeExpandSndbuf(TcpSock sk) {
        if (!sk.userSndBuf && sk.packetsInFlight() < sk.sndCwnd) {
            sndbufExpand(sk);
        }
    }

    // ================================================================ firing

    /** Runs the socket's timers that are due at nowNs. */
    void fire(TcpSock sk, long nowNs) {
        if (sk.compressedAckAtNs <= nowNs) {
            sk.compressedAckAtNs = Deadline.NONE;
            tcp.timersChanged(sk);
            if (sk.compressedAck > 0 && sk.state.synchronizedState()) {
                tcp.output.sendAck(sk, "SACK compression timer: held-back ACK sent");
            }
        }
        if (sk.delackAtNs <= nowNs) {
            long was = sk.delackAtNs;
            sk.delackAtNs = Deadline.NONE;
            tcp.timersChanged(sk);
            delackTimer(sk, was);
        }
        if (sk.xmitAtNs <= nowNs) {
            int kind = sk.xmitTimer;
            long was = sk.xmitAtNs;
            sk.xmitTimer = TcpSock.XMIT_NONE;
            sk.xmitAtNs = Deadline.NONE;
            tcp.timersChanged(sk);
            switch (kind) {
                case TcpSock.XMIT_RETRANS -> {
                    tcp.traceTimer(sk, "retransmit", "fire", was, "retransmission timeout (RFC 6298 5.4)");
                    retransmitTimer(sk);
                }
                case TcpSock.XMIT_PROBE0 -> {
                    tcp.traceTimer(sk, "persist", "fire", was, "persist timer: probe the zero window");
                    probeTimer(sk);
                }
                case TcpSock.XMIT_LOSS_PROBE -> {
                    tcp.traceTimer(sk, "retransmit", "fire", was, "probe timeout (RFC 8985 7.3): tail loss probe");
                    sk.xmitTimer = kind;   // icsk_pending stays set while the handler runs
                    tcp.output.sendLossProbe(sk);
                }
                case TcpSock.XMIT_REO_TIMEOUT -> {
                    tcp.traceTimer(sk, "retransmit", "fire", was,
                            "RACK reordering timer (RFC 8985 6.3): the reordering window has passed");
                    sk.xmitTimer = kind;
                    tcp.input.rackReoTimeout(sk);
                    if (sk.xmitTimer == TcpSock.XMIT_REO_TIMEOUT && sk.xmitAtNs == Deadline.NONE) {
                        sk.xmitTimer = TcpSock.XMIT_NONE;
                    }
                }
                default -> { }
            }
        }
        if (sk.skTimerAtNs <= nowNs && sk.state != TcpState.CLOSE) {
            int kind = sk.skTimer;
            long was = sk.skTimerAtNs;
            sk.skTimer = TcpSock.SKT_NONE;
            sk.skTimerAtNs = Deadline.NONE;
            tcp.timersChanged(sk);
            keepaliveTimer(sk, kind, was);
        } else if (sk.skTimerAtNs <= nowNs) {
            sk.skTimer = TcpSock.SKT_NONE;
            sk.skTimerAtNs = Deadline.NONE;
            tcp.timersChanged(sk);
        }
    }

    /** tcp_delack_timer_handler(). */
    private void delackTimer(TcpSock sk, long was) {
        if (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN) {
            return;
        }
        if ((sk.ackPending & TcpSock.ACK_TIMER) == 0) {
            return;
        }
        sk.ackPending &= ~TcpSock.ACK_TIMER;
        if ((sk.ackPending & TcpSock.ACK_SCHED) != 0) {
            tcp.traceTimer(sk, "delack", "fire", was, "delayed-ACK timer expired");
            int thresh = sysctl(SysctlKey.TCP_PINGPONG_THRESH);
            if (!sk.inPingpong(thresh)) {
                // Delayed ACK missed: inflate the ATO.
                sk.atoNs = Math.min(sk.atoNs << 1, sk.rtoNs);
            } else {
                // Delayed ACK missed in ping-pong mode: leave it and deflate the ATO.
                sk.pingpong = 0;
                sk.atoNs = TcpConstants.TCP_ATO_MIN_NS;
            }
            tcp.output.sendAck(sk, "delayed ACK: timer expired with nothing to piggyback on");
            tcp.mib.inc(Mib.TcpExtDelayedACKs);
        }
    }

    /** retransmits_timed_out(): has the connection been retransmitting for longer than the model allows? */
    private boolean retransmitsTimedOut(TcpSock sk, int boundary, long userTimeoutMs) {
        if (sk.retransmits == 0 || !sk.retransStampSet) {
            return false;
        }
        long timeoutMs = userTimeoutMs;
        if (timeoutMs == 0) {
            long rtoBaseMs = (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV)
                    ? Nanos.toMillis(TcpConstants.TCP_TIMEOUT_INIT_NS) : 200;
            timeoutMs = modelTimeoutMs(boundary, rtoBaseMs);
        }
        long elapsedMs = Math.floorDiv(now(), Nanos.PER_MS) - Math.floorDiv(sk.retransStampNs, Nanos.PER_MS);
        return elapsedMs - timeoutMs >= 0;
    }

    /** tcp_model_timeout(): the time that boundary retransmissions take with doubling from rto_base. */
    private long modelTimeoutMs(int boundary, long rtoBaseMs) {
        long rtoMaxMs = sysctl(SysctlKey.TCP_RTO_MAX_MS);
        int linearBackoffThresh = 63 - Long.numberOfLeadingZeros(rtoMaxMs / rtoBaseMs);
        if (boundary <= linearBackoffThresh) {
            return ((2L << boundary) - 1) * rtoBaseMs;
        }
        return ((2L << linearBackoffThresh) - 1) * rtoBaseMs + (long) (boundary - linearBackoffThresh) * rtoMaxMs;
    }

    /** tcp_orphan_retries(): 0 means 8 while the peer is believed alive. */
    private int orphanRetries(TcpSock sk, boolean alive) {
        int retries = sysctl(SysctlKey.TCP_ORPHAN_RETRIES);
        if (sk.errSoft != 0 && !alive) {
            retries = 0;
        }
        if (retries == 0 && alive) {
            retries = 8;
        }
        return retries;
    }

    /** tcp_write_timeout(): true when the connection has been given up. */
    private boolean writeTimeout(TcpSock sk) {
        boolean expired = false;
        int retryUntil;
        if (sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) {
            retryUntil = sk.synRetries != 0 ? sk.synRetries : sysctl(SysctlKey.TCP_SYN_RETRIES);
            int maxRetransmits = retryUntil;
            if (sk.state == TcpState.SYN_SENT) {
                maxRetransmits += sysctl(SysctlKey.TCP_SYN_LINEAR_TIMEOUTS);
            }
            expired = sk.retransmits >= maxRetransmits;
        } else {
            if (retransmitsTimedOut(sk, sysctl(SysctlKey.TCP_RETRIES1), 0)) {
                mtuProbing(sk);   // black hole detection: maybe the path drops our larger packets
            }
            retryUntil = sysctl(SysctlKey.TCP_RETRIES2);
            if (sk.orphan) {
                boolean alive = sk.rtoNs < rtoMaxNs();
                retryUntil = orphanRetries(sk, alive);
            }
        }
        if (!expired) {
            expired = retransmitsTimedOut(sk, retryUntil, sk.userTimeoutMs);
        }
        tcp.fastopen.activeDetectBlackhole(sk, expired);
        if (expired) {
            writeErr(sk);
            return true;
        }
        tcp.mib.inc(Mib.TcpExtTcpTimeoutRehash);   // sk_rethink_txhash(): a new flow hash for the next try
        return false;
    }

    /**
     * tcp_mtu_probing(): after tcp_retries1 timeouts with tcp_mtu_probing on, suspect a PMTU black hole:
     * start probing (mode 1) or halve the search floor (to tcp_base_mss at most, tcp_mtu_probe_floor at
     * least), and size segments by it.
     */
    private void mtuProbing(TcpSock sk) {
        if (sysctl(SysctlKey.TCP_MTU_PROBING) == 0) {
            return;
        }
        if (!sk.mtupEnabled) {
            sk.mtupEnabled = true;
            sk.mtupProbeTimestampJ = tcp.jiffies.at(now());
        } else {
            int mss = tcp.output.mtuToMss(sk, sk.mtupSearchLow) >> 1;
            mss = Math.min(sysctl(SysctlKey.TCP_BASE_MSS), mss);
            mss = Math.max(mss, sysctl(SysctlKey.TCP_MTU_PROBE_FLOOR));
            mss = Math.max(mss, sysctl(SysctlKey.TCP_MIN_SND_MSS));
            sk.mtupSearchLow = tcp.output.mssToMtu(sk, mss);
        }
        tcp.output.syncMss(sk);
    }

    /** tcp_write_err(): the connection times out (ETIMEDOUT, or the soft error seen meanwhile). */
    void writeErr(TcpSock sk) {
        writeErr(sk, switch (sk.state) {
            case SYN_SENT -> "SYN retries exhausted (tcp_syn_retries + tcp_syn_linear_timeouts): connect() fails with ETIMEDOUT";
            default -> sk.orphan ? "orphan retries exhausted (tcp_orphan_retries): connection dropped"
                    : "retries exhausted (tcp_retries2): connection times out (ETIMEDOUT)";
        });
    }

    /** tcp_write_err() with the reason the trace gives. */
    private void writeErr(TcpSock sk, String what) {
        sk.err = sk.errSoft != 0 ? sk.errSoft : Errno.ETIMEDOUT.code;
        tcp.output.writeQueuePurge(sk);
        tcp.mib.inc(Mib.TcpExtTCPAbortOnTimeout);
        tcp.done(sk, what);
    }

    /** tcp_retransmit_timer(). */
    private void retransmitTimer(TcpSock sk) {
        if (sk.fastopenRsk != null) {
            // Before the SYN-ACK of a TFO child is acknowledged nothing else (data, FIN) is retransmitted.
            tcp.mini.fastOpenSynAckTimer(sk, sk.fastopenRsk);
            return;
        }
        if (sk.packetsOut == 0 || sk.rtxQueue.isEmpty()) {
            return;
        }
        if (sk.sndWnd == 0 && !sk.orphan && sk.state != TcpState.SYN_SENT && sk.state != TcpState.SYN_RECV) {
            // The receiver shrank its window: our retransmissions become zero-window probes; they may go
            // on as long as the peer answers (tcp_rtx_probe0_timed_out).
            if (rtxProbe0TimedOut(sk)) {
                writeErr(sk);
                return;
            }
            tcp.input.enterLoss(sk);
            tcp.output.retransmit(sk, sk.rtxQueue.peekFirst(), true, "RTO with a zero window: probe by retransmission");
            backoffAndRearm(sk);
            return;
        }
        tcp.mib.inc(Mib.TcpExtTCPTimeouts);
        if (writeTimeout(sk)) {
            return;
        }
        if (sk.retransmits == 0) {
            // The first timeout of an episode: which recovery failed.
            Mib failed = null;
            if (sk.caState == TcpSock.CA_RECOVERY) {
                failed = sk.sackOk ? Mib.TcpExtTCPSackRecoveryFail : Mib.TcpExtTCPRenoRecoveryFail;
            } else if (sk.caState == TcpSock.CA_LOSS) {
                failed = Mib.TcpExtTCPLossFailures;
            } else if (sk.caState == TcpSock.CA_DISORDER || sk.sackedOut > 0) {
                failed = sk.sackOk ? Mib.TcpExtTCPSackFailures : Mib.TcpExtTCPRenoFailures;
            }
            if (failed != null) {
                tcp.mib.inc(failed);
            }
        }
        tcp.input.enterLoss(sk);
        sk.retransmits++;
        sk.totalRto++;
        TxSegment head = sk.rtxQueue.peekFirst();
        String why;
        if ((head.tcpFlags & dev.jtcp.wire.TcpFlags.SYN) != 0) {
            why = "SYN retransmission #" + sk.retransmits + " (RTO " + Nanos.toMillis(sk.rtoNs) + " ms)";
            tcp.mib.inc(Mib.TcpExtTCPSynRetrans);
        } else if ((head.tcpFlags & dev.jtcp.wire.TcpFlags.FIN) != 0 && head.payload() == 0) {
            why = "FIN retransmission #" + sk.retransmits + " (RTO " + Nanos.toMillis(sk.rtoNs) + " ms)";
        } else {
            why = "RTO retransmission #" + sk.retransmits + " of the oldest unacknowledged segment (RFC 6298 5.4)";
        }
        if (tcp.output.retransmit(sk, head, true, why) > 0) {
            // The retransmission was dropped by local congestion: retry soon, without backing off.
            resetXmitTimer(sk, TcpSock.XMIT_RETRANS, tcp.jiffies.toNs(resourceProbeIntervalJ()),
                    "retransmission not sent (local congestion): TCP_RESOURCE_PROBE_INTERVAL");
            return;
        }
        backoffAndRearm(sk);
    }

    /**
     * tcp_rtx_probe0_timed_out(): with a zero window, give up once the peer has been silent for longer than
     * 2 x TCP_RTO_MAX (or TCP_USER_TIMEOUT, which also bounds the whole retransmission episode) and the
     * retransmissions have lasted as long.
     */
    private boolean rtxProbe0TimedOut(TcpSock sk) {
        TxSegment head = sk.rtxQueue.peekFirst();
        long since = sk.retransStampSet ? sk.retransStampNs : head.lastTxNs;
        long rtxDeltaMs = Math.floorDiv(now(), Nanos.PER_MS) - Math.floorDiv(since, Nanos.PER_MS);
        long timeoutNs = 2 * rtoMaxNs();
        if (sk.userTimeoutMs != 0) {
            if (rtxDeltaMs > sk.userTimeoutMs) {
                return true;
            }
            timeoutNs = Math.min(timeoutNs, tcp.jiffies.toNs(tcp.jiffies.fromMillis(sk.userTimeoutMs)));
        }
        // icsk_timeout - rcv_tstamp: from the last ACK to this timer's nominal expiry.
        long rcvDeltaNs = sk.xmitTimeoutNs - sk.rcvTstampNs;
        if (rcvDeltaNs <= timeoutNs) {
            return false;
        }
        return tcp.jiffies.toNs(tcp.jiffies.fromMillis(rtxDeltaMs)) > timeoutNs;
    }

    /** The end of tcp_retransmit_timer(): back off (RFC 6298 5.5) unless SYN linear timeouts apply. */
    private void backoffAndRearm(TcpSock sk) {
        if (sk.state != TcpState.SYN_SENT || sk.totalRto > sysctl(SysctlKey.TCP_SYN_LINEAR_TIMEOUTS)) {
            sk.backoff++;
            sk.rtoNs = Math.min(sk.rtoNs << 1, rtoMaxNs());
        }
        long when = clampRtoToUserTimeout(sk);
        resetXmitTimer(sk, TcpSock.XMIT_RETRANS, when, sk.state == TcpState.SYN_SENT
                && sk.totalRto <= sysctl(SysctlKey.TCP_SYN_LINEAR_TIMEOUTS)
                ? "SYN timeout " + sk.totalRto + " of " + sysctl(SysctlKey.TCP_SYN_LINEAR_TIMEOUTS)
                + " linear ones (tcp_syn_linear_timeouts): RTO stays " + Nanos.toMillis(sk.rtoNs) + " ms"
                : "RFC 6298 5.5: back off the timer, RTO now " + Nanos.toMillis(sk.rtoNs) + " ms");
    }

    /** tcp_clamp_rto_to_user_timeout(). */
    private long clampRtoToUserTimeout(TcpSock sk) {
        if (sk.userTimeoutMs == 0 || !sk.retransStampSet) {
            return sk.rtoNs;
        }
        long elapsed = now() - sk.retransStampNs;
        long remaining = Nanos.ofMillis(sk.userTimeoutMs) - elapsed;
        if (remaining <= 0) {
            return Nanos.ofMillis(1);
        }
        return Math.min(sk.rtoNs, remaining);
    }

    /** tcp_probe_timer(): the persist timer. */
    private void probeTimer(TcpSock sk) {
        if (sk.packetsOut > 0 || !sk.hasUnsent()) {
            sk.probesOut = 0;
            sk.probesTstampNs = 0;
            return;
        }
        if (sk.probesTstampNs == 0) {
            sk.probesTstampNs = now();
        } else if (sk.userTimeoutMs != 0 && now() - sk.probesTstampNs >= Nanos.ofMillis(sk.userTimeoutMs)) {
            writeErr(sk);
            return;
        }
        int maxProbes = sysctl(SysctlKey.TCP_RETRIES2);
        if (sk.orphan) {
            boolean alive = Math.min(sk.rtoNs << sk.backoff, rtoMaxNs()) < rtoMaxNs();
            maxProbes = orphanRetries(sk, alive);
            if (!alive && sk.backoff >= maxProbes) {
                writeErr(sk);
                return;
            }
        }
        if (sk.probesOut >= maxProbes) {
            writeErr(sk);
            return;
        }
        sendProbe0(sk);
    }

    /** tcp_send_probe0(). */
    private void sendProbe0(TcpSock sk) {
        tcp.mib.inc(Mib.TcpExtTCPWinProbe);
        int err = tcp.output.writeWakeup(sk, "zero-window probe #" + (sk.probesOut + 1) + " (RFC 9293 3.8.6.1)");
        if (sk.packetsOut > 0 || !sk.hasUnsent()) {
            sk.probesOut = 0;
            sk.backoff = 0;
            sk.probesTstampNs = 0;
            return;
        }
        sk.probesOut++;
        long when;
        String why;
        if (err <= 0) {
            if (sk.backoff < sysctl(SysctlKey.TCP_RETRIES2)) {
                sk.backoff++;
            }
            when = probe0When(sk);
            why = "persist timer backs off";
        } else {
            // The probe was dropped by local congestion (the device queue): try again soon, no backoff.
            when = tcp.jiffies.toNs(resourceProbeIntervalJ());
            why = "probe not sent (local congestion): TCP_RESOURCE_PROBE_INTERVAL";
        }
        when = clampProbe0ToUserTimeout(sk, when);
        resetXmitTimer(sk, TcpSock.XMIT_PROBE0, when, why + ": next probe in " + Nanos.toMillis(when) + " ms");
    }

    /** TCP_RESOURCE_PROBE_INTERVAL: HZ/2 jiffies between retries while the device's queue drops our packets. */
    private long resourceProbeIntervalJ() {
        return tcp.jiffies.hz() / 2;
    }

    /** tcp_clamp_probe0_to_user_timeout(): never wait past TCP_USER_TIMEOUT (at least TCP_TIMEOUT_MIN, 2 jiffies). */
    private long clampProbe0ToUserTimeout(TcpSock sk, long whenNs) {
        if (sk.userTimeoutMs == 0 || sk.probesTstampNs == 0) {
            return whenNs;
        }
        long elapsedJ = Math.max(0, tcp.jiffies.at(now()) - tcp.jiffies.at(sk.probesTstampNs));
        long remainingJ = Math.max(tcp.jiffies.fromMillis(sk.userTimeoutMs) - elapsedJ, 2);
        return Math.min(whenNs, tcp.jiffies.toNs(remainingJ));
    }

    /** tcp_keepalive_timer(): keepalive probes, or the end of an orphan's long FIN_WAIT2. */
    private void keepaliveTimer(TcpSock sk, int kind, long was) {
        if (kind == TcpSock.SKT_FIN_WAIT2 || (sk.state == TcpState.FIN_WAIT2 && sk.orphan)) {
            tcp.traceTimer(sk, "fin_wait2", "fire", was, "orphaned FIN_WAIT2 timer");
            if (sk.state == TcpState.FIN_WAIT2 && sk.orphan) {
                if (sk.linger2 >= 0) {
                    long tmo = finTimeNs(sk) - TcpConstants.TCP_TIMEWAIT_LEN_NS;
                    if (tmo > 0) {
                        tcp.mini.timeWait(sk, TcpState.FIN_WAIT2, tmo);
                        return;
                    }
                }
                tcp.output.sendActiveReset(sk, "orphaned FIN_WAIT2 expired: reset");
                tcp.done(sk, "tcp_fin_timeout expired in FIN_WAIT2");
            }
            return;
        }
        tcp.traceTimer(sk, "keepalive", "fire", was, "keepalive timer");
        if (!sk.keepAliveOn || sk.state == TcpState.CLOSE || sk.state == TcpState.SYN_SENT
                || sk.state == TcpState.LISTEN) {
            return;
        }
        long idleWhen = Nanos.ofSeconds(keepIdleSec(sk));
        if (sk.packetsOut > 0 || sk.hasUnsent()) {
            // Alive without keepalive: data is moving (or stuck, which the RTO handles).
            resetKeepaliveTimer(sk, TcpSock.SKT_KEEPALIVE, idleWhen, "data in flight: keepalive postponed");
            return;
        }
        long elapsed = keepaliveElapsed(sk);
        if (elapsed >= idleWhen) {
            if ((sk.userTimeoutMs != 0 && elapsed >= Nanos.ofMillis(sk.userTimeoutMs) && sk.probesOut > 0)
                    || (sk.userTimeoutMs == 0 && sk.probesOut >= keepCnt(sk))) {
                tcp.output.sendActiveReset(sk, "keepalive: " + sk.probesOut + " probes unanswered, connection reset");
                writeErr(sk, sk.userTimeoutMs != 0
                        ? "keepalive: unanswered for TCP_USER_TIMEOUT " + sk.userTimeoutMs + " ms: connection times out (ETIMEDOUT)"
                        : "keepalive: tcp_keepalive_probes (" + keepCnt(sk) + ") unanswered: connection times out (ETIMEDOUT)");
                return;
            }
            tcp.mib.inc(Mib.TcpExtTCPKeepAlive);
            if (tcp.output.writeWakeup(sk, "keepalive probe #" + (sk.probesOut + 1) + " (RFC 1122 4.2.3.6)") <= 0) {
                sk.probesOut++;
                resetKeepaliveTimer(sk, TcpSock.SKT_KEEPALIVE, Nanos.ofSeconds(keepIntvlSec(sk)),
                        "next keepalive probe in tcp_keepalive_intvl " + keepIntvlSec(sk) + " s");
            } else {
                resetKeepaliveTimer(sk, TcpSock.SKT_KEEPALIVE, tcp.jiffies.toNs(resourceProbeIntervalJ()),
                        "keepalive probe not sent (local congestion): TCP_RESOURCE_PROBE_INTERVAL");
            }
        } else {
            resetKeepaliveTimer(sk, TcpSock.SKT_KEEPALIVE, idleWhen - elapsed, "keepalive: not idle long enough yet");
        }
    }
}
