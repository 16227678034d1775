package dev.jtcp.sim;

import dev.jtcp.time.Rng;
import dev.jtcp.wire.Ipv4Header;

import java.util.ArrayDeque;

/**
 * One direction of a link at run time: the serializer and its drop-tail queue (with optional ECN step
 * marking), the propagation delay and the seeded random faults. Each direction has its own random stream, so traffic in one direction
 * never changes the faults seen in the other.
 */
final class Link {
    final String from;
    final String to;
    final LinkSpec spec;
    final Rng rng;
    private long busyUntilNs;
    /** Times at which the packets queued behind the serializer finish transmission. */
    private final ArrayDeque<Long> queue = new ArrayDeque<>();

    Link(String from, String to, LinkSpec spec, Rng rng) {
        this.from = from;
        this.to = to;
        this.spec = spec;
        this.rng = rng;
    }

    /** What the link decides for one packet; {@code ceMarked}: the queue marked it Congestion Experienced. */
    record Verdict(String dropWhy, long arrivalNs, boolean duplicate, long duplicateArrivalNs, int corruptBit,
                   boolean ceMarked) {}

    /** One packet of {@code length} bytes whose IP ECN field is {@code ecn} enters the link. */
    Verdict send(long nowNs, int length, int ecn) {
        while (!queue.isEmpty() && queue.peekFirst() <= nowNs) {
            queue.pollFirst();
        }
        if (length > spec.mtu()) {
            return new Verdict("packet of " + length + " bytes exceeds the link MTU " + spec.mtu(), 0, false, 0, -1, false);
        }
        // Random decisions are always drawn in the same order, so a seed replays exactly.
        double lossDraw = rng.nextDouble();
        double reorderDraw = rng.nextDouble();
        double dupDraw = rng.nextDouble();
        double corruptDraw = rng.nextDouble();
        long corruptPick = rng.nextLong();
        if (lossDraw < spec.loss()) {
            return new Verdict("random loss (p=" + spec.loss() + ")", 0, false, 0, -1, false);
        }
        long txEnd = nowNs;
        boolean ce = false;
        if (spec.rateBitsPerSecond() > 0) {
            if (spec.queuePackets() > 0 && queue.size() >= spec.queuePackets()) {
                return new Verdict("drop-tail queue full (" + spec.queuePackets() + " packets)", 0, false, 0, -1, false);
            }
            if (spec.ceThresholdPackets() > 0 && queue.size() >= spec.ceThresholdPackets()) {
                // Step marking: an ECN-capable packet is marked instead of dropped, another is dropped.
                if (ecn == Ipv4Header.ECN_NOT_ECT) {
                    return new Verdict("queue above the CE marking threshold (" + spec.ceThresholdPackets()
                            + " packets) and the packet is not ECN-capable", 0, false, 0, -1, false);
                }
                ce = true;
            }
            long start = Math.max(nowNs, busyUntilNs);
            long txNs = Math.max(1, (long) Math.ceil(length * 8.0 * 1e9 / spec.rateBitsPerSecond()));
            txEnd = start + txNs;
            busyUntilNs = txEnd;
            queue.addLast(txEnd);
        }
        long arrival = txEnd + spec.delayNs();
        if (reorderDraw < spec.reorder()) {
            arrival += spec.reorderDelayNs();
        }
        int bit = -1;
        if (corruptDraw < spec.corrupt()) {
            bit = (int) Math.floorMod(corruptPick, (long) length * 8);
        }
        boolean dup = dupDraw < spec.duplicate();
        return new Verdict(null, arrival, dup, arrival + 1, bit, ce);
    }
}
