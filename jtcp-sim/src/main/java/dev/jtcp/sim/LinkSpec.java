package dev.jtcp.sim;

import java.time.Duration;

/**
 * How one direction of a link behaves: propagation delay, bandwidth (0 = unlimited), a drop-tail queue,
 * MTU, and seeded random faults. Immutable; the withers return copies.
 *
 * @param delayNs one-way propagation delay
 * @param rateBitsPerSecond serialization rate, 0 for none
 * @param queuePackets drop-tail queue limit in packets waiting for the wire (0 = unlimited)
 * @param mtu largest IP packet the link carries
 * @param loss probability that a packet is lost
 * @param reorder probability that a packet is held back by {@code reorderDelayNs} (so later ones pass it)
 * @param reorderDelayNs extra delay of a reordered packet
 * @param duplicate probability that a packet is delivered twice
 * @param corrupt probability that one random bit of a packet is flipped (where a checksum catches it: the receiver drops the packet and counts IpExtInCsumErrors or TcpInCsumErrors)
 * @param ceThresholdPackets ECN step marking (0 = off): a packet that finds at least this many packets waiting for
 *        the wire is marked Congestion Experienced if it is ECN-capable (ECT(0) or ECT(1), RFC 3168 section 5)
 *        and dropped if it is not, as a RED queue with min = max threshold and ECN on, or DCTCP's marking
 *        threshold K, would; below the threshold nothing changes. The drop-tail limit still applies above it.
 */
public record LinkSpec(long delayNs, long rateBitsPerSecond, int queuePackets, int mtu, double loss, double reorder,
                       long reorderDelayNs, double duplicate, double corrupt, int ceThresholdPackets) {

    public LinkSpec {
        if (delayNs < 0) {
            throw new IllegalArgumentException("delay must be >= 0");
        }
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rate must be >= 0");
        }
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("mtu must be in 68..65535, got " + mtu);
        }
        checkProbability("loss", loss);
        checkProbability("reorder", reorder);
        checkProbability("duplicate", duplicate);
        checkProbability("corrupt", corrupt);
        if (ceThresholdPackets < 0) {
            throw new IllegalArgumentException("CE marking threshold must be >= 0 packets (0: off), got " + ceThresholdPackets);
        }
    }

    private static void checkProbability(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must be a probability in [0, 1], got " + p);
        }
    }

    /** No delay, unlimited rate, MTU 1500, no faults. */
    public static LinkSpec ideal() {
        return new LinkSpec(0, 0, 0, 1500, 0, 0, 0, 0, 0, 0);
    }

    /** A symmetric link with this round-trip time (half of it each way). */
    public static LinkSpec rtt(Duration rtt) {
        return ideal().withDelay(rtt.dividedBy(2));
    }

    /** A symmetric link with this round-trip time in (possibly fractional) milliseconds. */
    public static LinkSpec rttMillis(double ms) {
        long ns = Math.round(ms * 1_000_000.0);
        return ideal().withDelayNs(ns / 2);
    }

    public LinkSpec withDelay(Duration oneWay) {
        return withDelayNs(oneWay.toNanos());
    }

    public LinkSpec withDelayNs(long ns) {
        return new LinkSpec(ns, rateBitsPerSecond, queuePackets, mtu, loss, reorder, reorderDelayNs, duplicate, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withRate(long bitsPerSecond) {
        return new LinkSpec(delayNs, bitsPerSecond, queuePackets, mtu, loss, reorder, reorderDelayNs, duplicate, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withQueue(int packets) {
        return new LinkSpec(delayNs, rateBitsPerSecond, packets, mtu, loss, reorder, reorderDelayNs, duplicate, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withMtu(int mtu) {
        return new LinkSpec(delayNs, rateBitsPerSecond, queuePackets, mtu, loss, reorder, reorderDelayNs, duplicate, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withLoss(double p) {
        return new LinkSpec(delayNs, rateBitsPerSecond, queuePackets, mtu, p, reorder, reorderDelayNs, duplicate, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withReorder(double p, Duration extraDelay) {
        return new LinkSpec(delayNs, rateBitsPerSecond, queuePackets, mtu, loss, p, extraDelay.toNanos(), duplicate, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withDuplicate(double p) {
        return new LinkSpec(delayNs, rateBitsPerSecond, queuePackets, mtu, loss, reorder, reorderDelayNs, p, corrupt,
                ceThresholdPackets);
    }

    public LinkSpec withCorrupt(double p) {
        return new LinkSpec(delayNs, rateBitsPerSecond, queuePackets, mtu, loss, reorder, reorderDelayNs, duplicate, p,
                ceThresholdPackets);
    }

    /** ECN step marking at this many queued packets (0: off); see {@code ceThresholdPackets}. */
    public LinkSpec withCeThreshold(int packets) {
        return new LinkSpec(delayNs, rateBitsPerSecond, queuePackets, mtu, loss, reorder, reorderDelayNs, duplicate, corrupt,
                packets);
    }
}
