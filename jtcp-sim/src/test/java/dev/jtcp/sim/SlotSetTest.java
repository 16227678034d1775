package dev.jtcp.sim;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlotSetTest {
    /** Adds and removes (a negative number removes its complement) give the members a BitSet would, in order. */
    @Property(tries = 200)
    void behavesAsABitSet(@ForAll @Size(max = 200) List<@IntRange(min = -300, max = 299) Integer> ops) {
        SlotSet s = new SlotSet();
        BitSet ref = new BitSet();
        for (int op : ops) {
            if (op >= 0) {
                s.add(op);
                ref.set(op);
            } else {
                s.remove(~op);
                ref.clear(~op);
            }
        }
        List<Integer> got = new ArrayList<>();
        for (int i = s.next(0); i >= 0; i = s.next(i + 1)) {
            got.add(i);
        }
        assertThat(got).isEqualTo(ref.stream().boxed().toList());
        assertThat(s.next(1000)).isEqualTo(-1);
    }
}
