package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;

/**
 * A congestion control algorithm, shaped like Linux's {@code struct tcp_congestion_ops}
 * (include/net/tcp.h). One instance serves one socket and holds that socket's private state (Linux's
 * {@code icsk_ca_priv}); {@link TcpCong} creates instances by name, calls the hooks where the kernel
 * calls them and owns the helpers the algorithms share (tcp_slow_start, tcp_cong_avoid_ai).
 */
public interface TcpCongestionOps {
    /** enum tcp_ca_event. */
    int CA_EVENT_TX_START = 0;
    int CA_EVENT_CWND_RESTART = 1;
    int CA_EVENT_COMPLETE_CWR = 2;
    int CA_EVENT_LOSS = 3;

    /** What an algorithm reads from its host: the clock (as Linux's tcp_jiffies32 and tcp_mstamp) and the MIB. */
    interface Host {
        long nowNs();

        Jiffies jiffies();

        void mibAdd(Mib counter, long n);

        /** tcp_jiffies32. */
        default int jiffies32() {
            return jiffiesAt(nowNs());
        }

        /** The u32 jiffies value at instant ns (lsndtime and the like). */
        default int jiffiesAt(long ns) {
            return (int) jiffies().at(ns);
        }

        /** tcp_sk(sk)->tcp_mstamp as u32 microseconds (the time of the packet being processed). */
        default int clockUs() {
            return (int) (nowNs() / 1000);
        }

        /** HZ. */
        default int hz() {
            return jiffies().hz();
        }

        /** usecs_to_jiffies(). */
        default long usecsToJiffies(long us) {
            return jiffies().fromMicros(us);
        }
    }

    /** .name: what TCP_CONGESTION and tcp_congestion_control use. */
    String name();

    /** .init: the connection is established (tcp_init_congestion_control()), or the algorithm was switched on a live one. */
    default void init(TcpSock sk) {
    }

    /** .release: the socket goes away or switches algorithm. */
    default void release(TcpSock sk) {
    }

    /** .ssthresh: the slow-start threshold after a loss (called once per reduction). */
    int ssthresh(TcpSock sk);

    /** .cong_avoid: grow cwnd for {@code acked} newly delivered segments of an ACK up to {@code ack}. */
    void congAvoid(TcpSock sk, int ack, int acked);

    /** .set_state: called before icsk_ca_state changes to {@code newState}. */
    default void setState(TcpSock sk, int newState) {
    }

    /** .cwnd_event: one of the CA_EVENT_* constants. */
    default void cwndEvent(TcpSock sk, int event) {
    }

    /** .in_ack_event: an ACK arrived with these tcp_ack() flags. */
    default void inAckEvent(TcpSock sk, int flags) {
    }

    /**
     * .pkts_acked with struct ack_sample: segments cumulatively acknowledged by this ACK and the RTT sample
     * of the most recently sent of them in microseconds, -1 when there is none.
     */
    default void pktsAcked(TcpSock sk, int pktsAcked, long rttUs) {
    }

    /** .undo_cwnd: the cwnd to return to after a spurious reduction. */
    int undoCwnd(TcpSock sk);
}
