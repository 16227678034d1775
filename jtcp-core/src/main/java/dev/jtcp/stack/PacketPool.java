package dev.jtcp.stack;

import java.util.ArrayDeque;

/**
 * Packet buffers recycled between the stacks of one driver, so that a steady flow allocates (and the
 * JVM zeroes) no packet array per segment: Linux's skb caches play the same part. Buffers come in
 * power-of-two sizes from 64 bytes to 32 KiB, and a largest class of 64 KiB plus {@link #TOP_SLACK} bytes,
 * which holds a 64 KiB packet behind a device's own header (a TUN device's virtio_net_hdr); a packet occupies
 * the first bytes of its buffer (or starts after the device header) and its IPv4 total length says how many
 * (the rest is stale, like link-layer padding, which {@code ip_rcv()} trims).
 *
 * <p>The driver gives a buffer back with {@link #release} once nothing can hold it any more: after the
 * receiving stack's {@link NetStack#onPacket} returned (the stack copies what it keeps), and only when no
 * trace event, capture or fault rule kept a reference. A stack built without a pool allocates every
 * packet exactly, as before. Not thread-safe: one driver thread (or threads taking turns) owns it.
 */
public final class PacketPool {
    private static final int MIN_SHIFT = 6;
    private static final int MAX_SHIFT = 16;
    /** Bytes kept free in all; beyond this a released buffer is left to the garbage collector. */
    private static final long MAX_FREE_BYTES = 64L << 20;
    /** Bytes the largest class has beyond 64 KiB: room for a device header before the largest IPv4 packet. */
    public static final int TOP_SLACK = 64;
    /** The length of the largest class's buffers. */
    public static final int TOP_SIZE = (1 << MAX_SHIFT) + TOP_SLACK;

    @SuppressWarnings("unchecked")
    private final ArrayDeque<byte[]>[] free = new ArrayDeque[MAX_SHIFT - MIN_SHIFT + 1];
    private long freeBytes;
    private long allocated;

    public PacketPool() {
        for (int i = 0; i < free.length; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /**
     * A buffer of at least {@code length} bytes (the next power of two up to 32 KiB, then {@link #TOP_SIZE};
     * exactly {@code length} above that), recycled when one is free. Its content is stale.
     */
    public byte[] take(int length) {
        if (length <= 0) {
            if (length < 0) {
                throw new IllegalArgumentException("negative packet length " + length);
            }
            return new byte[0];
        }
        if (length > TOP_SIZE) {
            allocated++;
            return new byte[length];
        }
        int shift = Math.min(MAX_SHIFT, Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(length - 1)));
        byte[] b = free[shift - MIN_SHIFT].pollLast();
        if (b == null) {
            allocated++;
            return new byte[shift == MAX_SHIFT ? TOP_SIZE : 1 << shift];
        }
        freeBytes -= b.length;
        return b;
    }

    /** Gives a buffer back: the caller guarantees nothing refers to it any more. Others than the pool's are ignored. */
    public void release(byte[] packet) {
        int n = packet.length;
        int shift;
        if (n == TOP_SIZE) {
            shift = MAX_SHIFT;
        } else if (Integer.bitCount(n) == 1 && n >= 1 << MIN_SHIFT && n < 1 << MAX_SHIFT) {
            shift = Integer.numberOfTrailingZeros(n);
        } else {
            return;
        }
        if (freeBytes + n > MAX_FREE_BYTES) {
            return;
        }
        free[shift - MIN_SHIFT].addLast(packet);
        freeBytes += n;
    }

    /** Buffers allocated because none of the size was free (the pool's misses). */
    public long allocated() {
        return allocated;
    }
}
