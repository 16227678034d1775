package dev.jtcp.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The vertical time scale of a ladder picture. A TCP trace mixes microseconds and minutes: a burst of
 * segments within one RTT, then 60 s of TIME_WAIT. A linear scale shows either the burst or the whole run,
 * never both, so the scale is proportional only up to a few link delays and logarithmic beyond; a gap
 * that was compressed is reported so the picture can mark it as a break with its real length.
 *
 * <p>Every drawn event also gets a row of its own ({@code rowPx} added per row), so that events at the
 * same instant (a burst of ten segments) stack instead of overlapping; the proportional part comes on
 * top. An arrow from a send row to its arrival row is therefore slanted by the delay between them.
 */
final class TimeAxis {
    /** A compressed stretch: between y0 and y1 the trace was idle for dtNs. */
    record Gap(double y0, double y1, long dtNs) {}

    private final long[] times;
    private final double[] ys;
    private final double rowPx;
    private final double pxPerNs;
    private final double cap;
    private final List<Gap> gaps = new ArrayList<>();

    /**
     * @param rowTimes the time of each row, non-decreasing
     * @param unitNs the time that should span {@code unitPx} (typically the one-way delay)
     * @param top y of the first row
     * @param rowPx the least distance between rows
     * @param unitPx pixels for {@code unitNs}
     * @param capPx beyond this many pixels of proportional space, gaps are compressed
     */
    TimeAxis(long[] rowTimes, long unitNs, double top, double rowPx, double unitPx, double capPx) {
        this.times = rowTimes.clone();
        this.rowPx = rowPx;
        this.pxPerNs = unitPx / Math.max(1, unitNs);
        this.cap = capPx;
        ys = new double[times.length];
        double y = top;
        for (int i = 0; i < times.length; i++) {
            if (i > 0) {
                long dt = times[i] - times[i - 1];
                double before = y;
                y += rowPx + space(dt);
                if (compressed(dt)) {
                    gaps.add(new Gap(before, y, dt));
                }
            }
            ys[i] = y;
        }
    }

    /** Proportional space for an interval, logarithmic beyond the cap. */
    private double space(long dtNs) {
        double p = dtNs * pxPerNs;
        if (p <= cap) {
            return p;
        }
        return cap + 16 * (Math.log(p / cap) / Math.log(2));
    }

    private boolean compressed(long dtNs) {
        return dtNs * pxPerNs > cap * 1.5;
    }

    double rowY(int row) {
        return ys[row];
    }

    int rows() {
        return times.length;
    }

    long rowTime(int row) {
        return times[row];
    }

    /** y of an instant: the first row at that time, or a point between the rows around it. */
    double y(long tNs) {
        if (times.length == 0) {
            return 0;
        }
        int lo = 0;
        int hi = times.length - 1;
        if (tNs <= times[0]) {
            return ys[0];
        }
        if (tNs > times[hi]) {
            return ys[hi] + rowPx + space(tNs - times[hi]);
        }
        // the first row with time >= tNs
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] < tNs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (times[lo] == tNs) {
            return ys[lo];
        }
        int prev = lo - 1;
        long dt = times[lo] - times[prev];
        long into = tNs - times[prev];
        return ys[prev] + rowPx * ((double) into / dt) + space(into);
    }

    List<Gap> gaps() {
        return gaps;
    }
}
