package dev.jtcp.tcp;

import dev.jtcp.time.Deadline;

import java.util.Arrays;

/**
 * The host's timers: an indexed binary min-heap of sockets by their earliest timer (O(log n) to re-key
 * a socket when one of its deadlines changes), plus a FIFO for TIME_WAIT records. TIME_WAIT timers all
 * last the same 60 s and are armed in time order, so they arrive sorted: a queue holds them in O(1)
 * (as Linux's old TIME_WAIT "death row" did) and the heap stays the size of the live connections, even
 * with tens of thousands of TIME_WAIT records. A record re-armed later than the queue's tail is queued
 * again; its earlier entry goes stale and is skipped. Reading the next deadline is O(1).
 */
final class TimerHeap {
    private Sock[] heap = new Sock[64];
    private int size;
    // The FIFO: a ring of (record, deadline) entries in deadline order.
    private TimeWaitSock[] fifo = new TimeWaitSock[64];
    private long[] fifoAt = new long[64];
    private int fifoHead;
    private int fifoCount;

    int size() {
        return size + fifoCount;
    }

    /** The earliest deadline of all sockets, or {@link Deadline#NONE}. */
    long peekDeadline() {
        long h = size == 0 ? Deadline.NONE : heap[0].deadlineNs;
        long f = fifoHeadDeadline();
        return f < h ? f : h;
    }

    /** The socket whose timer is due first (the heap's on a tie). */
    Sock peek() {
        long f = fifoHeadDeadline();   // drops stale entries, so fifoCount > 0 means a live head
        if (fifoCount > 0 && (size == 0 || f < heap[0].deadlineNs)) {
            return fifo[fifoHead];
        }
        return size == 0 ? null : heap[0];
    }

    /** The FIFO head's deadline after dropping stale entries, or {@link Deadline#NONE}. */
    private long fifoHeadDeadline() {
        while (fifoCount > 0) {
            TimeWaitSock tw = fifo[fifoHead];
            long at = fifoAt[fifoHead];
            if (tw.fifoDeadlineNs == at) {
                return at;
            }
            fifo[fifoHead] = null;
            fifoHead = (fifoHead + 1) & (fifo.length - 1);
            fifoCount--;
        }
        return Deadline.NONE;
    }

    private boolean fifoAccepts(long d) {
        return fifoCount == 0 || d >= fifoAt[(fifoHead + fifoCount - 1) & (fifo.length - 1)];
    }

    private void fifoAdd(TimeWaitSock tw, long d) {
        if (fifoCount == fifo.length) {
            TimeWaitSock[] nf = new TimeWaitSock[fifo.length * 2];
            long[] na = new long[fifo.length * 2];
            for (int i = 0; i < fifoCount; i++) {
                int j = (fifoHead + i) & (fifo.length - 1);
                nf[i] = fifo[j];
                na[i] = fifoAt[j];
            }
            fifo = nf;
            fifoAt = na;
            fifoHead = 0;
        }
        int tail = (fifoHead + fifoCount) & (fifo.length - 1);
        fifo[tail] = tw;
        fifoAt[tail] = d;
        fifoCount++;
        tw.fifoDeadlineNs = d;
    }

    /** Re-keys s at its current {@link Sock#nextTimerNs()}: inserts, moves or removes it. */
    void update(Sock s) {
        long d = s.nextTimerNs();
        if (s instanceof TimeWaitSock tw) {
            if (d == tw.fifoDeadlineNs && d != Deadline.NONE) {
                return;
            }
            tw.fifoDeadlineNs = Deadline.NONE;
            if (d != Deadline.NONE && s.heapIndex < 0 && fifoAccepts(d)) {
                fifoAdd(tw, d);
                return;
            }
        }
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
        if (s instanceof TimeWaitSock tw) {
            tw.fifoDeadlineNs = Deadline.NONE;   // its queue entry, if any, is now stale
        }
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
