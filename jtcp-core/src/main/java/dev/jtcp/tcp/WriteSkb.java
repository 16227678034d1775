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
    /** skb_zcopy(skb): the MSG_ZEROCOPY completion its bytes belong to (an skb points to one at most), or null. */
    ZcArg zc;
    /** nr_frags: page fragments, counted for data that arrives as pages (MSG_ZEROCOPY, splice) and capped at MAX_SKB_FRAGS. */
    int frags;
    /** Some fragment is a page of the application's (zerocopy) or of a pipe (splice), not the socket's copy page. */
    boolean pages;
    /** The last fragment is the socket's copy page (sk_page_frag): a further copy extends it (skb_can_coalesce). */
    boolean copyTail;
    /** The last fragment's page, for coalescing (a PageIter and a page index within it), or null. */
    Object lastPageOwner;
    long lastPage;

    WriteSkb(int start) {
        reset(start);
    }

    /** Empty, from start on, without PSH, EOR, zerocopy range or fragments (a new skb, or a sent one reused). */
    WriteSkb reset(int start) {
        this.start = start;
        this.end = start;
        this.psh = false;
        this.eor = false;
        this.zc = null;
        this.frags = 0;
        this.pages = false;
        this.copyTail = false;
        this.lastPageOwner = null;
        this.lastPage = 0;
        return this;
    }

    int len() {
        return end - start;
    }
}
