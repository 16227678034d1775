package dev.jtcp.sim;

import dev.jtcp.time.Rng;
import dev.jtcp.wire.Ipv4Header;

/**
 * One direction of a link at run time: the serializer and its drop-tail queue, the propagation delay
 * and the seeded random faults. Each direction has its own random stream, so traffic in one direction
 * never changes the faults seen in the other.
 *
 * <p>It also holds the packets in flight whose arrivals come in the order they were sent (all of them
 * unless reordering, duplication or a fault's extra delay lets one pass another): the simulator's event
 * queue then holds only the first of them, so the cost of a packet does not grow with how many are in flight.
 */
final class Link {
    final String from;
    final String to;
    final Host toHost;
    final LinkSpec spec;
    final Rng rng;
    /** No random fault can happen: the random draws would decide nothing, so they are not made. */
    private final boolean faultless;
    private final String lossWhy;
    private final String queueFullWhy;
    private final String ceDropWhy;
    private long busyUntilNs;
    /** Times at which the packets queued behind the serializer finish transmission (a ring, in order). */
    private long[] txEnds = new long[16];
    private int txHead;
    private int txCount;

    // What send() decided for the packet it accepted.
    long arrivalNs;
    boolean duplicate;
    long duplicateArrivalNs;
    int corruptBit;
    /** The queue marked it Congestion Experienced (ECN) instead of dropping it. */
    boolean ceMarked;

    // Arrivals in (time, sequence) order: a ring.
    private long[] laneTimeNs = new long[16];
    private long[] laneSeq = new long[16];
    private byte[][] lanePacket = new byte[16][];
    private boolean[] laneCorrupted = new boolean[16];
    private int laneHead;
    private int laneCount;

    Link(String from, String to, Host toHost, LinkSpec spec, Rng rng) {
        this.from = from;
        this.to = to;
        this.toHost = toHost;
        this.spec = spec;
        this.rng = rng;
        this.faultless = spec.loss() == 0 && spec.reorder() == 0 && spec.duplicate() == 0 && spec.corrupt() == 0;
        this.lossWhy = "random loss (p=" + spec.loss() + ")";
        this.queueFullWhy = "drop-tail queue full (" + spec.queuePackets() + " packets)";
        this.ceDropWhy = "queue above the CE marking threshold (" + spec.ceThresholdPackets()
                + " packets) and the packet is not ECN-capable";
    }

    /**
     * Takes one packet of length bytes whose IP ECN field is ecn at nowNs: returns why it is dropped, or null
     * when it is carried, with {@link #arrivalNs}, {@link #duplicate}, {@link #duplicateArrivalNs},
     * {@link #corruptBit} and {@link #ceMarked} set.
     */
    String send(long nowNs, int length, int ecn) {
        while (txCount > 0 && txEnds[txHead] <= nowNs) {
            txHead = (txHead + 1) & (txEnds.length - 1);
            txCount--;
        }
        if (length > spec.mtu()) {
            return "packet of " + length + " bytes exceeds the link MTU " + spec.mtu();
        }
        double lossDraw = 1;
        double reorderDraw = 1;
        double dupDraw = 1;
        double corruptDraw = 1;
        long corruptPick = 0;
        if (!faultless) {
            // Random decisions are always drawn in the same order, so a seed replays exactly.
            lossDraw = rng.nextDouble();
            reorderDraw = rng.nextDouble();
            dupDraw = rng.nextDouble();
            corruptDraw = rng.nextDouble();
            corruptPick = rng.nextLong();
        }
        if (lossDraw < spec.loss()) {
            return lossWhy;
        }
        long txEnd = nowNs;
        boolean ce = false;
        if (spec.rateBitsPerSecond() > 0) {
            if (spec.queuePackets() > 0 && txCount >= spec.queuePackets()) {
                return queueFullWhy;
            }
            if (spec.ceThresholdPackets() > 0 && txCount >= spec.ceThresholdPackets()) {
                // Step marking: an ECN-capable packet is marked instead of dropped, another is dropped.
                if (ecn == Ipv4Header.ECN_NOT_ECT) {
                    return ceDropWhy;
                }
                ce = true;
            }
            long start = Math.max(nowNs, busyUntilNs);
            long txNs = Math.max(1, (long) Math.ceil(length * 8.0 * 1e9 / spec.rateBitsPerSecond()));
            txEnd = start + txNs;
            busyUntilNs = txEnd;
            if (txCount == txEnds.length) {
                txEnds = unroll(txEnds, txHead, txCount);
                txHead = 0;
            }
            txEnds[(txHead + txCount++) & (txEnds.length - 1)] = txEnd;
        }
        long arrival = txEnd + spec.delayNs();
        if (reorderDraw < spec.reorder()) {
            arrival += spec.reorderDelayNs();
        }
        corruptBit = -1;
        if (corruptDraw < spec.corrupt()) {
            corruptBit = (int) Math.floorMod(corruptPick, (long) length * 8);
        }
        arrivalNs = arrival;
        ceMarked = ce;
        duplicate = dupDraw < spec.duplicate();
        duplicateArrivalNs = arrival + 1;
        return null;
    }

    private static long[] unroll(long[] ring, int head, int count) {
        long[] a = new long[ring.length * 2];
        for (int i = 0; i < count; i++) {
            a[i] = ring[(head + i) & (ring.length - 1)];
        }
        return a;
    }

    // ================================================================ arrivals in order

    /** Whether an arrival at tNs may join the lane: it comes no earlier than the last one queued there. */
    boolean inOrder(long tNs) {
        return laneCount == 0 || laneTimeNs[(laneHead + laneCount - 1) & (laneTimeNs.length - 1)] <= tNs;
    }

    /** Queues an arrival (only when {@link #inOrder}); returns true when the lane was empty. */
    boolean enqueue(long tNs, long sequence, byte[] packet, boolean corrupted) {
        if (laneCount == laneTimeNs.length) {
            growLane();
        }
        int i = (laneHead + laneCount++) & (laneTimeNs.length - 1);
        laneTimeNs[i] = tNs;
        laneSeq[i] = sequence;
        lanePacket[i] = packet;
        laneCorrupted[i] = corrupted;
        return laneCount == 1;
    }

    private void growLane() {
        int n = laneTimeNs.length;
        long[] t = new long[n * 2];
        long[] s = new long[n * 2];
        byte[][] p = new byte[n * 2][];
        boolean[] c = new boolean[n * 2];
        for (int k = 0; k < laneCount; k++) {
            int i = (laneHead + k) & (n - 1);
            t[k] = laneTimeNs[i];
            s[k] = laneSeq[i];
            p[k] = lanePacket[i];
            c[k] = laneCorrupted[i];
        }
        laneTimeNs = t;
        laneSeq = s;
        lanePacket = p;
        laneCorrupted = c;
        laneHead = 0;
    }

    byte[] headPacket() {
        return lanePacket[laneHead];
    }

    boolean headCorrupted() {
        return laneCorrupted[laneHead];
    }

    /** Removes the head; returns whether another arrival follows (then read {@link #headTimeNs}, {@link #headSeq}). */
    boolean dequeue() {
        lanePacket[laneHead] = null;
        laneHead = (laneHead + 1) & (laneTimeNs.length - 1);
        return --laneCount > 0;
    }

    long headTimeNs() {
        return laneTimeNs[laneHead];
    }

    long headSeq() {
        return laneSeq[laneHead];
    }

    @Override
    public String toString() {
        return from + ">" + to;
    }
}
