package dev.jtcp.sim;

import java.util.Arrays;

/**
 * The simulator's pending events, ordered by (time, sequence number): a binary min-heap of slot numbers
 * over parallel arrays, so queueing an event allocates nothing (the arrays grow, and freed slots are
 * reused). Every event is a kind, an int and a reference; the simulator gives them meaning.
 *
 * <p>The sequence number is the order in which events were queued: two events at the same instant
 * happen in that order, which is what makes a run replayable.
 */
final class EventQueue {
    private long[] timeNs = new long[64];
    private long[] seq = new long[64];
    private int[] kind = new int[64];
    private int[] aux = new int[64];
    private Object[] ref = new Object[64];
    /** The heap: slot numbers, the earliest event's slot first. */
    private int[] heap = new int[64];
    private int size;
    /** Free slots (a stack); slots [0, used) have been handed out at least once. */
    private int[] free = new int[64];
    private int freeCount;
    private int used;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Queues an event of kind k with its int a and reference r. */
    void push(long tNs, long sequence, int k, int a, Object r) {
        int s = freeCount > 0 ? free[--freeCount] : newSlot();
        timeNs[s] = tNs;
        seq[s] = sequence;
        kind[s] = k;
        aux[s] = a;
        ref[s] = r;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, s);
    }

    private int newSlot() {
        if (used == timeNs.length) {
            int n = used * 2;
            timeNs = Arrays.copyOf(timeNs, n);
            seq = Arrays.copyOf(seq, n);
            kind = Arrays.copyOf(kind, n);
            aux = Arrays.copyOf(aux, n);
            ref = Arrays.copyOf(ref, n);
            free = Arrays.copyOf(free, n);
        }
        return used++;
    }

    /** The earliest event's time; only when not empty. */
    long topTime() {
        return timeNs[heap[0]];
    }

    long topSeq() {
        return seq[heap[0]];
    }

    int topKind() {
        return kind[heap[0]];
    }

    int topAux() {
        return aux[heap[0]];
    }

    Object topRef() {
        return ref[heap[0]];
    }

    /** Removes the earliest event (read it first with the top accessors). */
    void pop() {
        int s = heap[0];
        ref[s] = null;
        free[freeCount++] = s;
        int last = heap[--size];
        if (size > 0) {
            siftDown(0, last);
        }
    }

    /**
     * Gives the earliest event a later (time, sequence) and lets it find its place: a pop and a push of the
     * same kind and reference in one pass down the heap.
     */
    void retimeTop(long tNs, long sequence) {
        int s = heap[0];
        timeNs[s] = tNs;
        seq[s] = sequence;
        siftDown(0, s);
    }

    private boolean before(int a, int b) {
        long ta = timeNs[a];
        long tb = timeNs[b];
        return ta < tb || (ta == tb && seq[a] < seq[b]);
    }

    private void siftUp(int i, int s) {
        int[] h = heap;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int p = h[parent];
            if (!before(s, p)) {
                break;
            }
            h[i] = p;
            i = parent;
        }
        h[i] = s;
    }

    private void siftDown(int i, int s) {
        int[] h = heap;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int c = h[child];
            int right = child + 1;
            if (right < size && before(h[right], c)) {
                child = right;
                c = h[child];
            }
            if (!before(c, s)) {
                break;
            }
            h[i] = c;
            i = child;
        }
        h[i] = s;
    }
}
