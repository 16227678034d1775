package dev.jtcp.tcp;

/**
 * The in-order receive queue (sk_receive_queue), addressed by absolute stream position like
 * {@link ByteRing}. Bytes are held either in the queue's own ring (copied in) or, when the driver handed
 * the packet over ({@code NetStack.receiveSkb}), in the packet buffer they arrived in, as Linux queues the
 * skb itself: the payload is then copied once, into the application's buffer, and the packet buffer goes
 * back to the host's pool once read ({@link TcpHost#releasePacket}).
 *
 * <p>The queue is a list of chunks in stream order, kept in parallel arrays used as a ring (no object per
 * chunk): a chunk is a run of the own ring (buffer null, {@code at} its ring position) or a slice of a
 * packet buffer ({@code at} its offset there).
 */
final class RecvQueue {
    private static final int FIRST_CHUNKS = 8;

    private final ByteRing ring = new ByteRing();
    private byte[][] bufs = new byte[FIRST_CHUNKS][];
    private long[] at = new long[FIRST_CHUNKS];
    private int[] lens = new int[FIRST_CHUNKS];
    /** Index of the first chunk and the number of chunks (a ring of chunk slots). */
    private int first;
    private int count;
    /** Stream position of the first byte held, and bytes held. */
    private long head;
    private int size;
    /** Where packet buffers go back once read: the host that handed them over. */
    private TcpHost owner;

    long head() {
        return head;
    }

    long tail() {
        return head + size;
    }

    int size() {
        return size;
    }

    /** Sets the position of an empty queue (a connection's first sequence number). */
    void resetAt(long position) {
        consumeTo(tail());
        head = position;
        ring.resetAt(0);
    }

    /** Appends len bytes, copied into the queue's own ring. */
    void append(byte[] src, int off, int len) {
        if (len <= 0) {
            return;
        }
        int last = count > 0 ? slot(count - 1) : -1;
        if (last >= 0 && bufs[last] == null) {
            lens[last] += len;   // the ring's runs are contiguous: extend the last one
        } else {
            add(null, ring.tail(), len);
        }
        ring.append(src, off, len);
        size += len;
    }

    /**
     * Appends len bytes by keeping {@code packet} itself (no copy): the host gets the buffer back through
     * {@link TcpHost#releasePacket} once every byte of it has been read.
     */
    void appendPacket(byte[] packet, int off, int len, TcpHost host) {
        owner = host;
        add(packet, off, len);
        size += len;
    }

    /** Copies len bytes starting at absolute position pos into dst. */
    void copy(long pos, byte[] dst, int off, int len) {
        long rel = pos - head;
        if (rel < 0 || rel + len > size) {
            throw new IndexOutOfBoundsException("copy [" + pos + ", +" + len + ") outside [" + head + ", " + tail() + ")");
        }
        int i = 0;
        while (len > 0) {
            int s = slot(i++);
            if (rel >= lens[s]) {
                rel -= lens[s];
                continue;
            }
            int n = (int) Math.min(len, lens[s] - rel);
            if (bufs[s] == null) {
                ring.copy(at[s] + rel, dst, off, n);
            } else {
                System.arraycopy(bufs[s], (int) (at[s] + rel), dst, off, n);
            }
            off += n;
            len -= n;
            rel = 0;
        }
    }

    /** Drops bytes before position pos; packet buffers wholly read go back to their host. */
    void consumeTo(long pos) {
        long n = pos - head;
        if (n <= 0) {
            return;
        }
        if (n > size) {
            throw new IllegalStateException("consume past tail: " + pos + " > " + tail());
        }
        head = pos;
        size -= (int) n;
        while (n > 0) {
            int s = first;
            int take = (int) Math.min(n, lens[s]);
            at[s] += take;
            lens[s] -= take;
            n -= take;
            if (bufs[s] == null) {
                ring.consumeTo(at[s]);
            }
            if (lens[s] == 0) {
                if (bufs[s] != null) {
                    owner.releasePacket(bufs[s]);
                    bufs[s] = null;
                }
                first = (first + 1) % bufs.length;
                count--;
            }
        }
    }

    private int slot(int i) {
        return (first + i) % bufs.length;
    }

    private void add(byte[] buf, long start, int len) {
        if (count == bufs.length) {
            grow();
        }
        int s = slot(count++);
        bufs[s] = buf;
        at[s] = start;
        lens[s] = len;
    }

    private void grow() {
        int cap = bufs.length * 2;
        byte[][] nb = new byte[cap][];
        long[] na = new long[cap];
        int[] nl = new int[cap];
        for (int i = 0; i < count; i++) {
            int s = slot(i);
            nb[i] = bufs[s];
            na[i] = at[s];
            nl[i] = lens[s];
        }
        bufs = nb;
        at = na;
        lens = nl;
        first = 0;
    }
}
