package dev.jtcp.tcp;

import dev.jtcp.sys.Errno;
import dev.jtcp.wire.Seq;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * SO_TIMESTAMPING's transmit timestamps for TCP (sock_set_timestamping(), tcp_tx_timestamp(),
 * __skb_tstamp_tx(), tcp_ack_tstamp()). A send() marks the last byte it wrote (the tail skb's tskey);
 * each time a packet carrying that byte leaves, SCM_TSTAMP_SCHED (the packet scheduler) and SCM_TSTAMP_SND
 * (the driver's software stamp) are queued, both at the instant of sending since jtcp has no qdisc delay;
 * SCM_TSTAMP_ACK is queued when the byte is cumulatively acknowledged. Entries go to the error queue with
 * ee_errno ENOMSG, ee_info the stamp type and, under OPT_ID, ee_data the byte's key counted from sk_tskey.
 */
final class TxTimestamps {
    static final int SOF_TIMESTAMPING_TX_HARDWARE = 1;
    static final int SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
    static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
    static final int SOF_TIMESTAMPING_OPT_ID = 1 << 7;
    static final int SOF_TIMESTAMPING_TX_SCHED = 1 << 8;
    static final int SOF_TIMESTAMPING_TX_ACK = 1 << 9;
    static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    static final int SOF_TIMESTAMPING_OPT_STATS = 1 << 12;
    static final int SOF_TIMESTAMPING_OPT_ID_TCP = 1 << 16;
    static final int SOF_TIMESTAMPING_TX_COMPLETION = 1 << 18;
    /** SOF_TIMESTAMPING_MASK (6.18: SOF_TIMESTAMPING_LAST is TX_COMPLETION). */
    static final int SOF_TIMESTAMPING_MASK = (SOF_TIMESTAMPING_TX_COMPLETION << 1) - 1;
    static final int SOF_TIMESTAMPING_TX_RECORD_MASK = SOF_TIMESTAMPING_TX_HARDWARE | SOF_TIMESTAMPING_TX_SOFTWARE
            | SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_TX_ACK | SOF_TIMESTAMPING_TX_COMPLETION;
    static final int SCM_TSTAMP_SND = 0;
    static final int SCM_TSTAMP_SCHED = 1;
    static final int SCM_TSTAMP_ACK = 2;
    /** ENOMSG: ee_errno of every timestamp. */
    private static final int ENOMSG = 42;
    /** IPv4 and TCP headers without options: what a stamped clone carries besides the payload. */
    private static final int HEADERS = 40;

    /** The stamp marks of one skb: its tskey and shinfo->tx_flags / txstamp_ack. */
    static final class Request {
        int key;
        boolean sched;
        boolean sw;
        boolean ack;
    }

    private TxTimestamps() {
    }

    /** sock_set_timestamping(): 0 or -EINVAL. OPT_ID newly set on a connected TCP socket fixes sk_tskey. */
    static int set(TcpSock sk, int val) {
        if ((val & ~SOF_TIMESTAMPING_MASK) != 0) {
            return Errno.EINVAL.neg();
        }
        if ((val & SOF_TIMESTAMPING_OPT_ID_TCP) != 0 && (val & SOF_TIMESTAMPING_OPT_ID) == 0) {
            return Errno.EINVAL.neg();
        }
        if ((val & SOF_TIMESTAMPING_OPT_ID) != 0 && (sk.tsflags & SOF_TIMESTAMPING_OPT_ID) == 0) {
            if (sk.state == TcpState.CLOSE || sk.state == TcpState.LISTEN) {
                return Errno.EINVAL.neg();
            }
            sk.tsKeyBase = (val & SOF_TIMESTAMPING_OPT_ID_TCP) != 0 ? sk.writeSeq : sk.sndUna;
        }
        if ((val & SOF_TIMESTAMPING_OPT_STATS) != 0 && (val & SOF_TIMESTAMPING_OPT_TSONLY) == 0) {
            return Errno.EINVAL.neg();
        }
        sk.tsflags = val;
        return 0;
    }

    /**
     * tcp_tx_timestamp(): at the end of a send() that wrote something, the tail skb's last byte is marked;
     * a mark already on that skb takes the new key and keeps its flags (shinfo->tx_flags |= ...).
     */
    static void afterWrite(TcpSock sk, WriteSkb tail) {
        int f = sk.tsflags;
        if ((f & SOF_TIMESTAMPING_TX_RECORD_MASK) == 0 || tail == null) {
            return;
        }
        if (sk.txStamps == null) {
            sk.txStamps = new ArrayDeque<>(2);
        }
        Request r = sk.txStamps.peekLast();
        if (r == null || Seq.lt(r.key, tail.start)) {
            r = new Request();
            sk.txStamps.addLast(r);
        }
        r.key = tail.end - 1;
        r.sched |= (f & SOF_TIMESTAMPING_TX_SCHED) != 0;
        r.sw |= (f & SOF_TIMESTAMPING_TX_SOFTWARE) != 0;
        r.ack |= (f & SOF_TIMESTAMPING_TX_ACK) != 0;
    }

    /** A packet [seq, seq + len) left: dev_queue_xmit()'s SCHED and the driver's skb_tx_timestamp() SND stamps. */
    static void sent(Tcp tcp, TcpSock sk, int seq, int len) {
        for (Request r : sk.txStamps) {
            if (Seq.ge(r.key, seq + len)) {
                break;
            }
            if (Seq.ge(r.key, seq)) {
                if (r.sched) {
                    queue(tcp, sk, r.key, SCM_TSTAMP_SCHED, len + HEADERS);
                }
                if (r.sw) {
                    queue(tcp, sk, r.key, SCM_TSTAMP_SND, len + HEADERS);
                }
            }
        }
    }

    /** tcp_ack_tstamp(): keys acknowledged by this ACK get SCM_TSTAMP_ACK; their skbs are freed. */
    static void acked(Tcp tcp, TcpSock sk, int priorUna, int ackedLen) {
        Iterator<Request> it = sk.txStamps.iterator();
        while (it.hasNext()) {
            Request r = it.next();
            if (!Seq.lt(r.key, sk.sndUna)) {
                break;
            }
            if (r.ack && Seq.ge(r.key, priorUna)) {
                queue(tcp, sk, r.key, SCM_TSTAMP_ACK, ackedLen);
            }
            it.remove();
        }
    }

    /** __skb_complete_tx_timestamp() + sock_queue_err_skb(). */
    private static void queue(Tcp tcp, TcpSock sk, int key, int type, int len) {
        if (sk.orphan) {
            return;
        }
        int data = (sk.tsflags & SOF_TIMESTAMPING_OPT_ID) != 0 ? key - sk.tsKeyBase : 0;
        int length = (sk.tsflags & SOF_TIMESTAMPING_OPT_TSONLY) != 0 ? 0 : len;
        if (sk.errQueue == null) {
            sk.errQueue = new ArrayDeque<>(4);
        }
        sk.errQueue.addLast(new ErrQueueEntry(new SockExtendedErr(ENOMSG, SockExtendedErr.SO_EE_ORIGIN_TIMESTAMPING, 0, 0,
                type, data), tcp.now(), length));
        tcp.wake(sk);   // sk_error_report()
    }
}
