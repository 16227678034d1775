package dev.jtcp.tcp;

import dev.jtcp.wire.Seq;

import java.util.ArrayDeque;

/**
 * MSG_ZEROCOPY completions (net/core/skbuff.c: msg_zerocopy_realloc(), msg_zerocopy_put_abort(),
 * __msg_zerocopy_callback()) and the socket error queue they land on (sock_dequeue_err_skb()).
 *
 * <p>Each send(MSG_ZEROCOPY) on a socket with SO_ZEROCOPY takes the next id of sk_zckey; a send that
 * appends to an unsent skb still holding the previous range extends that range instead. A range
 * completes once no sendmsg() call holds it and every skb with its bytes is freed: acknowledged (snd_una
 * past the end of the last such skb) or purged. Its notification goes to the error queue, merged into the
 * tail entry when the ids follow on. jtcp always copies the application's bytes into its send buffer, so
 * every notification carries SO_EE_CODE_ZEROCOPY_COPIED, as Linux reports when a device had to copy.
 */
final class MsgZerocopy {
    private static final int USHRT_MAX = 0xffff;

    private MsgZerocopy() {
    }

    /** msg_zerocopy_realloc(): extend the tail skb's range when its ids end at sk_zckey, else a new range. */
    static ZcArg realloc(TcpSock sk, long size, ZcArg tail) {
        if (tail != null) {
            long bytelen = tail.bytelen + size;
            if (tail.len != USHRT_MAX - 1 && bytelen <= TcpConstants.ZEROCOPY_BYTE_LIMIT && tail.id + tail.len == sk.zcKey) {
                tail.len++;
                tail.bytelen = bytelen;
                sk.zcKey++;
                tail.calls++;   // net_zcopy_get(): this call's reference
                return tail;
            }
        }
        return new ZcArg(sk.zcKey++, size);   // msg_zerocopy_alloc()
    }

    /** skb_zcopy_set(): the skb now holds bytes of the range. */
    static void attach(TcpSock sk, WriteSkb skb, ZcArg u) {
        skb.zc = u;
        attachRange(sk, u);
    }

    /** The range is held by an skb (an ordinary one, or Fast Open's SYN data): it waits for snd_una to pass u.endSeq. */
    static void attachRange(TcpSock sk, ZcArg u) {
        if (!u.attached) {
            u.attached = true;
            if (sk.zcInflight == null) {
                sk.zcInflight = new ArrayDeque<>(2);
            }
            sk.zcInflight.addLast(u);
        }
    }

    /** net_zcopy_put(): the sendmsg() call lets go of its reference. */
    static void put(Tcp tcp, TcpSock sk, ZcArg u) {
        u.calls--;
        tryComplete(tcp, sk, u);
    }

    /** msg_zerocopy_put_abort(): the call sent nothing: its id is given back. */
    static void abort(Tcp tcp, TcpSock sk, ZcArg u) {
        sk.zcKey--;
        u.len--;
        put(tcp, sk, u);
    }

    private static void tryComplete(Tcp tcp, TcpSock sk, ZcArg u) {
        if (u.calls > 0 || (u.attached && Seq.lt(sk.sndUna, u.endSeq))) {
            return;
        }
        if (u.attached) {
            sk.zcInflight.remove(u);
        }
        notify(tcp, sk, u);
    }

    /** tcp_clean_rtx_queue() freed the skbs below snd_una: ranges with nothing left in flight complete. */
    static void acked(Tcp tcp, TcpSock sk) {
        ZcArg u;
        while ((u = sk.zcInflight.peekFirst()) != null && u.calls == 0 && Seq.ge(sk.sndUna, u.endSeq)) {
            sk.zcInflight.pollFirst();
            notify(tcp, sk, u);
        }
    }

    /** tcp_write_queue_purge(): every skb is freed. */
    static void purge(Tcp tcp, TcpSock sk) {
        if (sk.zcInflight == null) {
            return;
        }
        ZcArg u;
        while ((u = sk.zcInflight.pollFirst()) != null) {
            u.attached = false;
            if (u.calls == 0) {
                notify(tcp, sk, u);
            }
        }
    }

    /** __msg_zerocopy_callback(): queue the range's notification, merged into the tail when the ids follow on. */
    private static void notify(Tcp tcp, TcpSock sk, ZcArg u) {
        if (u.len == 0 || sk.orphan) {   // only an aborted call, or SOCK_DEAD: no notification
            return;
        }
        int lo = u.id;
        int hi = u.id + u.len - 1;
        if (sk.errQueue == null) {
            sk.errQueue = new ArrayDeque<>(2);
        }
        SockExtendedErr tail = sk.errQueue.isEmpty() ? null : sk.errQueue.peekLast().ee();
        // skb_zerocopy_notify_extend(): the merged range must stay below 2^32 ids
        if (tail != null && tail.origin() == SockExtendedErr.SO_EE_ORIGIN_ZEROCOPY && lo == tail.data() + 1
                && Integer.toUnsignedLong(tail.data() - tail.info()) + 1 + u.len < (1L << 32)) {
            sk.errQueue.pollLast();
            sk.errQueue.addLast(new ErrQueueEntry(new SockExtendedErr(0, tail.origin(), 0, tail.code(), tail.info(),
                    tail.data() + u.len), -1, 0));
        } else {
            sk.errQueue.addLast(new ErrQueueEntry(new SockExtendedErr(0, SockExtendedErr.SO_EE_ORIGIN_ZEROCOPY, 0,
                    SockExtendedErr.SO_EE_CODE_ZEROCOPY_COPIED, lo, hi), -1, 0));
        }
        tcp.wake(sk);   // sk_error_report()
    }

    /**
     * sock_dequeue_err_skb(): the oldest entry, or null; a report wakes the socket again if more wait. Its
     * timestamp is reported only under SOF_TIMESTAMPING_SOFTWARE (sock_recv_timestamp()).
     */
    static ErrQueueEntry dequeue(Tcp tcp, TcpSock sk) {
        ErrQueueEntry e = sk.errQueue == null ? null : sk.errQueue.pollFirst();
        if (e == null) {
            return null;
        }
        if (!sk.errQueue.isEmpty()) {
            tcp.wake(sk);
        }
        if (e.timestampNs() >= 0 && (sk.tsflags & TxTimestamps.SOF_TIMESTAMPING_SOFTWARE) == 0) {
            return new ErrQueueEntry(e.ee(), -1, e.length());
        }
        return e;
    }
}
