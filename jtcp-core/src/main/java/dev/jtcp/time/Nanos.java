package dev.jtcp.time;

/**
 * Conversions between nanosecond instants and the units TCP speaks: Linux's jiffies (HZ=1000, so one
 * jiffy is one millisecond), microseconds for RTT samples, and seconds for the trace.
 */
public final class Nanos {
    public static final long PER_US = 1_000L;
    public static final long PER_MS = 1_000_000L;
    public static final long PER_SECOND = 1_000_000_000L;

    private Nanos() {}

    public static long ofMillis(long ms) {
        return ms * PER_MS;
    }

    public static long ofMicros(long us) {
        return us * PER_US;
    }

    public static long ofSeconds(long s) {
        return s * PER_SECOND;
    }

    /** Floor division to milliseconds (Linux's tcp_clock_ms() truncates the same way). */
    public static long toMillis(long ns) {
        return Math.floorDiv(ns, PER_MS);
    }

    public static long toMicros(long ns) {
        return Math.floorDiv(ns, PER_US);
    }

    /**
     * Linux's usecs_to_jiffies() with HZ=1000: rounds up to whole milliseconds. Timer durations computed
     * from microsecond quantities (RTO, ATO, probe timeouts) go through this so they land on the same
     * millisecond grid as the kernel's.
     */
    public static long usToJiffiesNs(long us) {
        return Math.ceilDiv(us, 1000L) * PER_MS;
    }

    /** "12.345678": seconds with microsecond precision, the trace's time format. */
    public static String toSecondsString(long ns) {
        long us = Math.floorDiv(ns, PER_US);
        long s = Math.floorDiv(us, 1_000_000L);
        long frac = Math.floorMod(us, 1_000_000L);
        StringBuilder sb = new StringBuilder(16).append(s).append('.');
        String f = Long.toString(frac);
        for (int i = f.length(); i < 6; i++) {
            sb.append('0');
        }
        return sb.append(f).toString();
    }
}
