package dev.jtcp.sys;

import java.util.LinkedHashMap;
import java.util.Map;

/** One host's counters (Linux keeps them per network namespace). */
public final class MibCounters {
    private static final Mib[] ALL = Mib.values();
    private final long[] values = new long[ALL.length];

    public void inc(Mib mib) {
        values[mib.ordinal()]++;
    }

    public void add(Mib mib, long n) {
        values[mib.ordinal()] += n;
    }

    public void dec(Mib mib) {
        values[mib.ordinal()]--;
    }

    public long get(Mib mib) {
        return values[mib.ordinal()];
    }

    /** Every non-zero counter, in declaration order, as nstat lists them. */
    public Map<String, Long> nonZero() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Mib m : ALL) {
            long v = values[m.ordinal()];
            if (v != 0) {
                out.put(m.name(), v);
            }
        }
        return out;
    }
}
