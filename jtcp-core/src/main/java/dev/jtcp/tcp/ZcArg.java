package dev.jtcp.tcp;

/**
 * A MSG_ZEROCOPY completion in the making: Linux's {@code struct ubuf_info_msgzc}. It names a range of
 * notification ids (id .. id + len - 1) and lives until no skb holds its bytes and no sendmsg() call
 * holds it; then it becomes one entry of the error queue (__msg_zerocopy_callback()).
 */
final class ZcArg {
    /** uarg->id: the first notification id. */
    final int id;
    /** uarg->len: ids in the range (sendmsg() calls that shared this uarg, less the aborted ones). */
    int len = 1;
    /** uarg->bytelen. */
    long bytelen;
    /** sendmsg() calls that still hold a reference (a blocking call holds it while it waits). */
    int calls = 1;
    /** An skb holds bytes of this range. */
    boolean attached;
    /** End sequence of the last skb holding its bytes: the skbs are all freed once snd_una reaches it. */
    int endSeq;

    ZcArg(int id, long bytelen) {
        this.id = id;
        this.bytelen = bytelen;
    }
}
