package dev.jtcp.tcp;

import dev.jtcp.time.Deadline;

import java.util.Arrays;

/**
 * An indexed binary min-heap of sockets by their earliest timer: O(log n) to re-key a socket when one
 * of its deadlines changes, O(1) to read the host's next deadline. Every socket has at most one entry.
 */
final class TimerHeap {
    private Sock[] heap = new Sock[64];
    private int size;

    int size() {
        return size;
    }

    /** The earliest deadline of all sockets, or {@link Deadline#NONE}. */
    long peekDeadline() {
        return size == 0 ? Deadline.NONE : heap[0].deadlineNs;
    }

    Sock peek() {
        return size == 0 ? null : heap[0];
    }

    /** Re-keys s at its current {@link Sock#nextTimerNs()}: inserts, moves or removes it. */
    void update(Sock s) {
        long d = s.nextTimerNs();
        if (d == Deadline.NONE) {
            remove(s);
            return;
        }
        if (s.heapIndex < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
            }
            s.deadlineNs = d;
            s.heapIndex = size;
            heap[size++] = s;
            siftUp(s.heapIndex);
        } else {
            long old = s.deadlineNs;
            s.deadlineNs = d;
            if (d < old) {
                siftUp(s.heapIndex);
            } else if (d > old) {
                siftDown(s.heapIndex);
            }
        }
    }

    void remove(Sock s) {
        int i = s.heapIndex;
        if (i < 0) {
            return;
        }
        s.heapIndex = -1;
        s.deadlineNs = Deadline.NONE;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        Sock last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        siftDown(i);
        siftUp(last.heapIndex);
    }

    private void siftUp(int i) {
        Sock s = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            Sock ps = heap[p];
            if (ps.deadlineNs <= s.deadlineNs) {
                break;
            }
            heap[i] = ps;
            ps.heapIndex = i;
            i = p;
        }
        heap[i] = s;
        s.heapIndex = i;
    }

    private void siftDown(int i) {
        Sock s = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && heap[r].deadlineNs < heap[c].deadlineNs) {
                c = r;
            }
            if (s.deadlineNs <= heap[c].deadlineNs) {
                break;
            }
            heap[i] = heap[c];
            heap[i].heapIndex = i;
            i = c;
        }
        heap[i] = s;
        s.heapIndex = i;
    }
}
