package dev.jtcp.tcp;

/**
 * A growable ring of bytes addressed by absolute stream position (a long that never wraps, unlike TCP
 * sequence numbers). Used for the send queue (positions from snd_una) and the in-order receive queue
 * (positions from copied_seq). Grows by doubling up to the caller's limit; never shrinks below its start size.
 */
final class ByteRing {
    private byte[] buf;
    private long head;   // position of the first byte held
    private int size;    // bytes held

    private static final byte[] EMPTY = new byte[0];
    /** The first allocation: enough for a small request or reply; bulk data grows it by doubling. */
    private static final int FIRST_CAPACITY = 64;

    /** An empty ring; its array is allocated on the first append (most sockets never need 4 KB). */
    ByteRing() {
        this.buf = EMPTY;
    }

    long head() {
        return head;
    }

    long tail() {
        return head + size;
    }

    int size() {
        return size;
    }

    /** Sets the position of an empty ring (a connection's first sequence number). */
    void resetAt(long position) {
        head = position;
        size = 0;
    }

    /** Appends len bytes. */
    void append(byte[] src, int off, int len) {
        ensure(size + len);
        int mask = buf.length - 1;
        int start = (int) ((head + size) & mask);
        int first = Math.min(len, buf.length - start);
        System.arraycopy(src, off, buf, start, first);
        if (first < len) {
            System.arraycopy(src, off + first, buf, 0, len - first);
        }
        size += len;
    }

    /** Copies len bytes starting at absolute position pos into dst. */
    void copy(long pos, byte[] dst, int off, int len) {
        long rel = pos - head;
        if (rel < 0 || rel + len > size) {
            throw new IndexOutOfBoundsException("copy [" + pos + ", +" + len + ") outside [" + head + ", " + tail() + ")");
        }
        int mask = buf.length - 1;
        int start = (int) (pos & mask);
        int first = Math.min(len, buf.length - start);
        System.arraycopy(buf, start, dst, off, first);
        if (first < len) {
            System.arraycopy(buf, 0, dst, off + first, len - first);
        }
    }

    /** The byte at absolute position pos. */
    byte get(long pos) {
        return buf[(int) (pos & (buf.length - 1))];
    }

    /** Drops bytes before position pos. */
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
    }

    private void ensure(int needed) {
        if (needed <= buf.length) {
            return;
        }
        int cap = Math.max(buf.length, FIRST_CAPACITY);
        while (cap < needed) {
            cap <<= 1;
        }
        byte[] nb = new byte[cap];
        int oldMask = Math.max(0, buf.length - 1);
        int newMask = cap - 1;
        // Re-lay the held bytes at their absolute positions in the larger array.
        for (int done = 0; done < size; ) {
            long pos = head + done;
            int from = (int) (pos & oldMask);
            int to = (int) (pos & newMask);
            int run = Math.min(size - done, Math.min(buf.length - from, cap - to));
            System.arraycopy(buf, from, nb, to, run);
            done += run;
        }
        buf = nb;
    }
}
