package dev.jtcp.sim;

import java.util.Arrays;

/**
 * A set of small non-negative ints as bits in longs: what {@link java.util.BitSet} does for the simulator's
 * per-packet wake-ups, without its bookkeeping of the words in use on every set and clear.
 */
final class SlotSet {
    private long[] words = new long[1];

    void add(int i) {
        int w = i >>> 6;
        if (w >= words.length) {
            words = Arrays.copyOf(words, Math.max(w + 1, words.length * 2));
        }
        words[w] |= 1L << i;
    }

    void remove(int i) {
        int w = i >>> 6;
        if (w < words.length) {
            words[w] &= ~(1L << i);
        }
    }

    /** The smallest member at least from, or -1. */
    int next(int from) {
        int w = from >>> 6;
        if (w >= words.length) {
            return -1;
        }
        long bits = words[w] & (-1L << from);
        while (true) {
            if (bits != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(bits);
            }
            if (++w == words.length) {
                return -1;
            }
            bits = words[w];
        }
    }
}
