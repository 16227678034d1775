package dev.jtcp.tcp;

/**
 * One transmitted segment awaiting acknowledgement (an skb of Linux's retransmission queue), with
 * 32-bit sequence numbers compared by {@link dev.jtcp.wire.Seq}.
 */
final class TxSegment {
    /** TCPCB_SACKED_ACKED: the receiver has this segment (SACK). */
    static final int SACKED_ACKED = 0x01;
    /** TCPCB_SACKED_RETRANS: retransmitted and that retransmission is still in flight. */
    static final int SACKED_RETRANS = 0x02;
    /** TCPCB_LOST: marked lost by the loss detector. */
    static final int LOST = 0x04;
    /** TCPCB_EVER_RETRANS. */
    static final int EVER_RETRANS = 0x80;

    int start;
    int end;           // exclusive; includes SYN and FIN
    int tcpFlags;      // SYN, FIN, PSH as they were first sent
    boolean eor;       // ends a send() with MSG_EOR: a retransmission never merges what follows into it
    boolean zc;        // holds MSG_ZEROCOPY bytes: never merged with another segment (skb_shift())
    int sacked;
    long firstTxNs;
    long lastTxNs;
    int retransCount;
    /** tx.delivered: the connection's delivered count when this segment was last sent (tcp_rate_skb_sent). */
    long txDelivered;
    /** Position in transmission order (Linux's tsorted_sent_queue): breaks ties of equal send times. */
    long txOrder;
    /**
     * The last segment of one of Linux's retransmit-queue skbs (a TSO packet as sent, or the part a
     * retransmission or SACK split off): a retransmission sends an skb's segments as one TSO packet, and the
     * skb's head truesize leaves sk_wmem_queued with it.
     */
    boolean skbEnd;

    /** Every field back to its initial value (an entry reused for new data). */
    void clear() {
        start = 0;
        end = 0;
        tcpFlags = 0;
        eor = false;
        zc = false;
        skbEnd = false;
        sacked = 0;
        firstTxNs = 0;
        lastTxNs = 0;
        retransCount = 0;
        txDelivered = 0;
        txOrder = 0;
    }

    int seqLength() {
        return end - start;
    }

    /** Payload bytes (sequence length minus SYN and FIN). */
    int payload() {
        int n = end - start;
        if ((tcpFlags & dev.jtcp.wire.TcpFlags.SYN) != 0) {
            n--;
        }
        if ((tcpFlags & dev.jtcp.wire.TcpFlags.FIN) != 0) {
            n--;
        }
        return n;
    }

    boolean has(int bit) {
        return (sacked & bit) != 0;
    }
}
