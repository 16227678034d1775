package dev.jtcp.sim;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A scripted fault: drop (or hold back) the packets that match, optionally only from or to a host, only
 * in a time window, and only a number of times. Its description is the {@code why} of the drops it causes.
 *
 * <pre>{@code
 * Fault.drop("every SYN-ACK", SimPacket::isSynAck)
 * Fault.drop("the first FIN from client", SimPacket::isFin).from("client").times(1)
 * Fault.drop("client to server between 2 s and 5 s", p -> true).from("client").to("server")
 *      .between(Duration.ofSeconds(2), Duration.ofSeconds(5))
 * Fault.delay("the first SYN waits 100 ms in a router", SimPacket::isSyn, Duration.ofMillis(100)).times(1)
 * }</pre>
 */
public final class Fault {
    private final String description;
    private final Predicate<SimPacket> match;
    private String from;
    private String to;
    private long startNs = Long.MIN_VALUE;
    private long endNs = Long.MAX_VALUE;
    private int times = -1;
    private int dropped;
    private final long delayNs;

    private Fault(String description, Predicate<SimPacket> match, long delayNs) {
        this.description = Objects.requireNonNull(description, "description");
        this.match = Objects.requireNonNull(match, "match");
        this.delayNs = delayNs;
    }

    /** Drop packets for which match is true. */
    public static Fault drop(String description, Predicate<SimPacket> match) {
        return new Fault(description, match, 0);
    }

    /** Hold back packets for which match is true by an extra delay (reordering them behind later ones). */
    public static Fault delay(String description, Predicate<SimPacket> match, Duration extra) {
        if (extra.isNegative() || extra.isZero()) {
            throw new IllegalArgumentException("delay must be positive, got " + extra);
        }
        return new Fault(description, match, extra.toNanos());
    }

    /** The extra delay of a delay rule; 0 for a drop rule. */
    long delayNs() {
        return delayNs;
    }

    /** Only packets sent by this host. */
    public Fault from(String host) {
        this.from = host;
        return this;
    }

    /** Only packets addressed to this host. */
    public Fault to(String host) {
        this.to = host;
        return this;
    }

    /** Only packets entering the network in [start, end). */
    public Fault between(Duration start, Duration end) {
        this.startNs = start.toNanos();
        this.endNs = end.toNanos();
        return this;
    }

    /** Drop at most n packets, then let matching packets through. */
    public Fault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1, got " + n);
        }
        this.times = n;
        return this;
    }

    public String description() {
        return description;
    }

    /** How many packets this fault has dropped (or delayed). */
    public int dropped() {
        return dropped;
    }

    /** Applies the rule: true when the packet is to be dropped (or, for a delay rule, held back). */
    boolean apply(SimPacket p) {
        if (times >= 0 && dropped >= times) {
            return false;
        }
        if (from != null && !from.equals(p.from())) {
            return false;
        }
        if (to != null && !to.equals(p.to())) {
            return false;
        }
        if (p.tNs() < startNs || p.tNs() >= endNs) {
            return false;
        }
        if (!match.test(p)) {
            return false;
        }
        dropped++;
        return true;
    }
}
