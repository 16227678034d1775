package dev.jtcp.tcp;

import dev.jtcp.time.Deadline;
import dev.jtcp.wire.Ipv4Addr;

/**
 * What every entry of the connection table shares (Linux's struct sock_common): the 4-tuple and a place
 * in the host's timer heap. Full connections ({@link TcpSock}), half-open requests ({@link RequestSock})
 * and TIME_WAIT records ({@link TimeWaitSock}) all extend it, as the three kinds share Linux's ehash.
 */
public abstract sealed class Sock permits TcpSock, RequestSock, TimeWaitSock {
    int localAddr;
    int localPort;
    int remoteAddr;
    int remotePort;

    /** The last out-of-window ACK this socket sent (tcp_oow_rate_limited), and whether there was one. */
    long lastOowAckNs;
    boolean lastOowAckSet;

    /** The port's owner list this socket is on, and its neighbours there ({@link BindBucket}). */
    BindBucket bindBucket;
    Sock prevBind;
    Sock nextBind;

    /** Earliest pending timer of this socket, or {@link Deadline#NONE}; maintained by {@link TimerHeap}. */
    long deadlineNs = Deadline.NONE;
    int heapIndex = -1;

    /** Earliest instant at which one of this socket's timers is due. */
    abstract long nextTimerNs();

    public int localAddr() {
        return localAddr;
    }

    public int localPort() {
        return localPort;
    }

    public int remoteAddr() {
        return remoteAddr;
    }

    public int remotePort() {
        return remotePort;
    }

    /** "10.0.0.1:40000>10.0.0.2:80", the connection as seen from this host. */
    public String conn() {
        return Ipv4Addr.format(localAddr) + ":" + localPort + ">" + Ipv4Addr.format(remoteAddr) + ":" + remotePort;
    }

    /** The Linux state name shown by ss and the trace. */
    public abstract TcpState state();
}
