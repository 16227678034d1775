package dev.jtcp.tcp;

/**
 * The pages of a sendmsg() whose data goes into skbs as page fragments instead of being copied
 * (MSG_ZEROCOPY: __zerocopy_sg_from_iter(); splice: skb_splice_from_iter()). Every iovec is one user
 * buffer; jtcp has no user memory, so each buffer is taken to start on a page boundary and spans
 * ceil(len / PAGE_SIZE) pages. A page becomes one fragment, unless it continues the skb's last one
 * (skb_can_coalesce()); an skb holds at most MAX_SKB_FRAGS. Zero-length iovecs hold no page.
 */
final class PageIter {
    private final int[] iov;
    private int idx;
    private int off;

    PageIter(int[] iov) {
        this.iov = iov;
    }

    /** Takes up to want bytes that fit in the skb's free fragments and counts them in; 0 when none fit. */
    int take(WriteSkb skb, int want) {
        int got = 0;
        while (got < want) {
            while (idx < iov.length && off >= iov[idx]) {
                idx++;
                off = 0;
            }
            if (idx >= iov.length) {
                break;
            }
            int pageIndex = off / TcpConstants.PAGE_SIZE;
            long page = ((long) idx << 32) | pageIndex;
            if (skb.lastPageOwner != this || skb.lastPage != page) {
                if (skb.frags >= TcpConstants.MAX_SKB_FRAGS) {
                    break;   // -EMSGSIZE
                }
                skb.frags++;
                skb.pages = true;
                skb.lastPageOwner = this;
                skb.lastPage = page;
                skb.copyTail = false;
            }
            long pageEnd = (pageIndex + 1L) * TcpConstants.PAGE_SIZE;
            int chunk = (int) Math.min(Math.min(iov[idx], pageEnd) - off, want - got);
            off += chunk;
            got += chunk;
        }
        return got;
    }
}
