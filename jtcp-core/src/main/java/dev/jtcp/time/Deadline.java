package dev.jtcp.time;

/** Deadlines as nanosecond instants on the driver's clock. */
public final class Deadline {
    /** No deadline: the largest instant, so {@code Math.min} works without special cases. */
    public static final long NONE = Long.MAX_VALUE;

    private Deadline() {}

    /** The earlier of two deadlines. */
    public static long min(long a, long b) {
        return Math.min(a, b);
    }
}
