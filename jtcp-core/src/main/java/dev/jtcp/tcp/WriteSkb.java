package dev.jtcp.tcp;

/**
 * One skb of the write queue that has not been sent yet (tcp_write_queue): a sequence range of the send
 * buffer and its PSH mark. Application writes fill the tail up to the size goal (tcp_sendmsg_locked());
 * tcp_write_xmit() sends the head, whole or split (tso_fragment()), and may first pull bytes of the next
 * one into it (tcp_grow_skb()). The PSH mark decides whether a packet cut from it carries PSH.
 */
final class WriteSkb {
    int start;
    int end;
    /** TCPHDR_PSH in the skb's flags: set by tcp_mark_push(), kept by the tail part of a split. */
    boolean psh;
    /** TCP_SKB_CB(skb)->eor: the last byte of a send() with MSG_EOR; later data never joins this skb. */
    boolean eor;

    WriteSkb(int start) {
        reset(start);
    }

    /** Empty, from start on, without PSH or EOR (a new skb, or a sent one reused). */
    WriteSkb reset(int start) {
        this.start = start;
        this.end = start;
        this.psh = false;
        this.eor = false;
        return this;
    }

    int len() {
        return end - start;
    }
}
