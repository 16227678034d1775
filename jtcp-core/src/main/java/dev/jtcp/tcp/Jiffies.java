package dev.jtcp.tcp;

/**
 * Linux's coarse clock for TCP timers: jiffies at HZ ticks per second, and the timer wheel that rounds
 * an expiry up to its level's granularity (kernel/time/timer.c calc_wheel_index(): level n holds timers
 * due in [63 << 3(n-1), 63 << 3n) jiffies with a granularity of 8^n jiffies, and expiries are rounded
 * up so that a timer never fires early). Modelling both is what makes a 1 s SYN timeout fire 1.024 s
 * later at HZ=250, as on a Debian or Ubuntu kernel; with the wheel off, timers fire at their nominal
 * instant. Virtual time 0 falls {@code phaseNs} into a tick (0 by default: virtual time 0 is a tick); a
 * real kernel's ticks have no relation to when a connection starts, so a driver that replays scripts
 * written against real time can set a phase (the packetdrill runner puts time 0 mid-tick).
 */
public final class Jiffies {
    private static final int LVL_CLK_SHIFT = 3;
    private static final long LVL_SIZE = 64;

    private final long jiffyNs;
    private final boolean wheel;
    private final long phaseNs;

    public Jiffies(int hz, boolean wheel) {
        this(hz, wheel, 0);
    }

    /** phaseNs: how far into a tick virtual time 0 falls, 0 to one jiffy (exclusive). */
    public Jiffies(int hz, boolean wheel, long phaseNs) {
        if (hz < 100 || hz > 1000) {
            throw new IllegalArgumentException("HZ must be in 100..1000, got " + hz);
        }
        this.jiffyNs = 1_000_000_000L / hz;
        if (phaseNs < 0 || phaseNs >= jiffyNs) {
            throw new IllegalArgumentException("the tick phase must be in 0.." + (jiffyNs - 1) + " ns, got " + phaseNs);
        }
        this.wheel = wheel;
        this.phaseNs = phaseNs;
    }

    public long phaseNs() {
        return phaseNs;
    }

    public long jiffyNs() {
        return jiffyNs;
    }

    public int hz() {
        return (int) (1_000_000_000L / jiffyNs);
    }

    public boolean wheel() {
        return wheel;
    }

    /** The jiffies counter at instant ns. */
    public long at(long ns) {
        return Math.floorDiv(ns + phaseNs, jiffyNs);
    }

    /** The instant the jiffies counter reaches j (a tick). */
    public long instantOf(long j) {
        return j * jiffyNs - phaseNs;
    }

    /** A duration in whole jiffies, rounded down. */
    public long count(long durationNs) {
        return Math.floorDiv(durationNs, jiffyNs);
    }

    /** A duration in jiffies, rounded up (msecs_to_jiffies() of a constant). */
    public long ceil(long durationNs) {
        return Math.ceilDiv(durationNs, jiffyNs);
    }

    /** usecs_to_jiffies(): rounds up. */
    public long fromMicros(long us) {
        return Math.ceilDiv(us * 1000L, jiffyNs);
    }

    /** msecs_to_jiffies(): rounds up. */
    public long fromMillis(long ms) {
        return Math.ceilDiv(ms * 1_000_000L, jiffyNs);
    }

    /** A duration in whole jiffies (rounding up) and back in nanoseconds. */
    public long roundUpNs(long ns) {
        return Math.ceilDiv(ns, jiffyNs) * jiffyNs;
    }

    public long toNs(long jiffies) {
        return jiffies * jiffyNs;
    }

    /**
     * The instant a timer armed at nowNs for deltaJiffies fires: mod_timer(jiffies + delta) placed on
     * the wheel. With the wheel off, nowNs + delta exactly.
     */
    public long fireAt(long nowNs, long deltaJiffies) {
        if (!wheel) {
            return nowNs + Math.max(0, deltaJiffies) * jiffyNs;
        }
        long clk = at(nowNs);
        long expires = clk + Math.max(0, deltaJiffies);
        long delta = expires - clk;
        long bucketExpiry;
        int lvl = 0;
        long start = LVL_SIZE - 1;   // LVL_START(1)
        while (delta >= start && lvl < 8) {
            lvl++;
            start <<= LVL_CLK_SHIFT;
        }
        int shift = lvl * LVL_CLK_SHIFT;
        bucketExpiry = ((expires >> shift) + 1) << shift;
        return instantOf(bucketExpiry);
    }
}
