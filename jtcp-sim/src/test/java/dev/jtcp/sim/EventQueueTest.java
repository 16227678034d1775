package dev.jtcp.sim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The event queue gives events in (time, sequence) order, as a priority queue of event objects would. */
class EventQueueTest {
    record E(long t, long seq, int aux) {}

    /**
     * Random pushes (times drawn from a small range so that many tie) interleaved with pops and re-timings
     * of the head come out in exactly the order of a java.util.PriorityQueue over (time, sequence).
     */
    @Property(tries = 200)
    void sameOrderAsAPriorityQueue(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 30) Integer> ops) {
        EventQueue q = new EventQueue();
        PriorityQueue<E> ref = new PriorityQueue<>(Comparator.comparingLong(E::t).thenComparingLong(E::seq));
        List<E> got = new ArrayList<>();
        List<E> want = new ArrayList<>();
        long seq = 0;
        long now = 0;
        for (int op : ops) {
            if (op < 20 || q.isEmpty()) {
                E e = new E(now + op, seq++, op);
                q.push(e.t(), e.seq(), op % 3, op, e);
                ref.add(e);
            } else if (op < 26) {
                E top = ref.poll();
                assertThat(q.topKind()).isEqualTo(q.topAux() % 3);
                got.add(new E(q.topTime(), q.topSeq(), q.topAux()));
                want.add(top);
                now = top.t();
                q.pop();
            } else {
                // The head moves later, keeping its kind and payload (a link's next in-order arrival).
                E top = ref.poll();
                E later = new E(top.t() + op - 26, seq++, top.aux());
                ref.add(later);
                q.retimeTop(later.t(), later.seq());
                now = top.t();
            }
            assertThat(q.size()).isEqualTo(ref.size());
        }
        while (!ref.isEmpty()) {
            got.add(new E(q.topTime(), q.topSeq(), q.topAux()));
            want.add(ref.poll());
            q.pop();
        }
        assertThat(q.isEmpty()).isTrue();
        assertThat(got).isEqualTo(want);
    }
}
