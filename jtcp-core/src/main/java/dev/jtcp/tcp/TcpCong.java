package dev.jtcp.tcp;

import dev.jtcp.sys.SysctlKey;

import java.util.List;

/**
 * net/ipv4/tcp_cong.c: the registry of congestion control algorithms ("reno", "cubic"), the choice of one
 * per socket (tcp_assign_congestion_control, tcp_set_congestion_control), the calls into it that Linux
 * makes from tcp_input.c and tcp_output.c, and the helpers the algorithms share.
 */
public final class TcpCong {
    /** Every algorithm jtcp has, as tcp_available_congestion_control lists them. */
    public static final List<String> AVAILABLE = List.of(TcpReno.NAME, TcpCubic.NAME);

    private TcpCong() {
    }

    /** tcp_ca_find(): a new instance of the named algorithm for one socket, or null when unknown. */
    static TcpCongestionOps create(String name, TcpCongestionOps.Host host) {
        return switch (name) {
            case TcpReno.NAME -> new TcpReno();
            case TcpCubic.NAME -> new TcpCubic(host);
            default -> null;
        };
    }

    /** tcp_assign_congestion_control(): the host's default (net.ipv4.tcp_congestion_control). */
    static void assign(Tcp tcp, TcpSock sk) {
        sk.ca = create(tcp.sysctl.text(SysctlKey.TCP_CONGESTION_CONTROL), tcp.caHost);
        sk.caSetsockopt = false;
    }

    /**
     * tcp_ca_openreq_child(): a passive child keeps the listener's algorithm when the application chose it
     * with TCP_CONGESTION, else takes the current default.
     */
    static void openreqChild(Tcp tcp, TcpSock listener, TcpSock child) {
        if (listener.caSetsockopt && listener.ca != null) {
            child.ca = create(listener.ca.name(), tcp.caHost);
            child.caSetsockopt = true;
        } else {
            assign(tcp, child);
        }
    }

    /** tcp_init_congestion_control(), from tcp_init_transfer(). */
    static void init(TcpSock sk) {
        sk.priorSsthresh = 0;
        sk.ca.init(sk);
        sk.caInitialized = true;
    }

    /** tcp_cleanup_congestion_control(). */
    static void cleanup(TcpSock sk) {
        if (sk.ca != null) {
            sk.ca.release(sk);
        }
    }

    /**
     * tcp_set_congestion_control() for setsockopt(TCP_CONGESTION): 0, or -ENOENT for a name Linux would
     * not find. Choosing the algorithm in use changes nothing but marks the choice as the application's.
     */
    static int set(Tcp tcp, TcpSock sk, String name) {
        if (sk.ca != null && sk.ca.name().equals(name)) {
            sk.caSetsockopt = true;
            return 0;
        }
        TcpCongestionOps ca = create(name, tcp.caHost);
        if (ca == null) {
            return dev.jtcp.sys.Errno.ENOENT.neg();
        }
        // tcp_reinit_congestion_control()
        cleanup(sk);
        sk.ca = ca;
        sk.caSetsockopt = true;
        if (sk.state != TcpState.CLOSE && sk.state != TcpState.LISTEN) {
            init(sk);
        }
        return 0;
    }

    /** tcp_set_ca_state(): tell the algorithm, then change icsk_ca_state. */
    static void setCaState(TcpSock sk, int state) {
        if (sk.ca != null) {
            sk.ca.setState(sk, state);
        }
        sk.caState = state;
    }

    /** tcp_ca_event(). */
    static void caEvent(TcpSock sk, int event) {
        if (sk.ca != null) {
            sk.ca.cwndEvent(sk, event);
        }
    }

    /** The slow-start threshold after a loss: .ssthresh of the socket's algorithm (one place for every caller). */
    static int ssthresh(TcpSock sk) {
        return sk.ca.ssthresh(sk);
    }

    /** tcp_current_ssthresh(): during a reduction ssthresh, else at least three quarters of cwnd. */
    static int currentSsthresh(TcpSock sk) {
        if (TcpInput.inCwndReduction(sk)) {
            return sk.sndSsthresh;
        }
        return Math.max(sk.sndSsthresh, (sk.sndCwnd >> 1) + (sk.sndCwnd >> 2));
    }

    /** tcp_in_slow_start(). */
    static boolean inSlowStart(TcpSock sk) {
        return sk.sndCwnd < sk.sndSsthresh;
    }

    /** tcp_is_cwnd_limited(): grow only a window that is being used (RFC 7661). */
    static boolean isCwndLimited(TcpSock sk) {
        if (sk.isCwndLimited) {
            return true;
        }
        // In slow start, make sure cwnd grows to twice what was in flight.
        if (inSlowStart(sk)) {
            return sk.sndCwnd < 2 * sk.maxPacketsOut;
        }
        return false;
    }

    /**
     * tcp_slow_start() (RFC 5681 3.1, with RFC 3465 appropriate byte counting in segments): cwnd grows by
     * the segments acknowledged, up to ssthresh. Returns the segments left over for congestion avoidance.
     */
    static int slowStart(TcpSock sk, int acked) {
        int cwnd = (int) Math.min((long) sk.sndCwnd + acked, Integer.toUnsignedLong(sk.sndSsthresh));
        acked -= cwnd - sk.sndCwnd;
        sk.sndCwnd = cwnd;
        return acked;
    }

    /** tcp_cong_avoid_ai(): one segment more for every w segments acknowledged. */
    static void congAvoidAi(TcpSock sk, int w, int acked) {
        // If credits accumulated at a higher w, apply them gently now.
        if (sk.sndCwndCnt >= w) {
            sk.sndCwndCnt = 0;
            sk.sndCwnd++;
        }
        sk.sndCwndCnt += acked;
        if (sk.sndCwndCnt >= w) {
            int delta = sk.sndCwndCnt / w;
            sk.sndCwndCnt -= delta * w;
            sk.sndCwnd += delta;
        }
    }
}
