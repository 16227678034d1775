package dev.jtcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Property (3): sequence arithmetic against a long-arithmetic reference, with wraparound-heavy inputs. */
class SeqPropertiesTest {

    @Provide
    Arbitrary<Integer> seqs() {
        return WireGenerators.seq();
    }

    @Provide
    Arbitrary<Integer> distances() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE - 1);
    }

    @Property(tries = 3000)
    void addingMovesForward(@ForAll("seqs") int a, @ForAll("distances") int n) {
        int next = Seq.add(a, n + 1);
        assertThat(Seq.lt(a, next)).isTrue();
        assertThat(Seq.le(a, next)).isTrue();
        assertThat(Seq.gt(next, a)).isTrue();
        assertThat(Seq.ge(next, a)).isTrue();
        assertThat(Seq.gt(a, next)).isFalse();
        assertThat(Seq.lt(next, a)).isFalse();
        assertThat(Seq.diff(Seq.add(a, n), a)).isEqualTo(n);
        assertThat(Seq.diff(a, Seq.add(a, n))).isEqualTo(-n);
        assertThat(Seq.max(a, next)).isEqualTo(next);
        assertThat(Seq.min(a, next)).isEqualTo(a);
        assertThat(Seq.le(a, a) && Seq.ge(a, a) && !Seq.lt(a, a) && !Seq.gt(a, a)).isTrue();
    }

    private static final long MOD = 1L << 32;

    /** Forward distance from a to b in [0, 2^32), computed in long arithmetic. */
    private static long forward(int a, int b) {
        return Math.floorMod((long) b - (long) a, MOD);
    }

    @Property(tries = 3000)
    void comparisonsMatchALongArithmeticReference(@ForAll("seqs") int a, @ForAll("seqs") int b) {
        long d = forward(a, b);
        // a before b when b is 1..2^31 steps ahead (2^31 itself is Linux's ambiguous case)
        assertThat(Seq.lt(a, b)).isEqualTo(d >= 1 && d <= (1L << 31));
        assertThat(Seq.gt(b, a)).isEqualTo(Seq.lt(a, b));
        assertThat(Seq.unsigned(Seq.add(a, b))).isEqualTo(Math.floorMod(Seq.unsigned(a) + Seq.unsigned(b), MOD));
    }

    @Property(tries = 3000)
    void inWindowMatchesALongArithmeticReference(@ForAll("seqs") int v, @ForAll("seqs") int start, @ForAll("seqs") int size) {
        boolean reference = forward(start, v) < Seq.unsigned(size);
        assertThat(Seq.inWindow(v, start, size)).isEqualTo(reference);
    }

    @Property(tries = 3000)
    void betweenMatchesALongArithmeticReference(@ForAll("seqs") int lo, @ForAll("seqs") int v, @ForAll("seqs") int hi) {
        boolean reference = forward(lo, v) <= forward(lo, hi);
        assertThat(Seq.between(lo, v, hi)).isEqualTo(reference);
    }

    @Property(tries = 1000)
    void inWindowAndBetweenAgreeOnNonEmptyWindows(@ForAll("seqs") int v, @ForAll("seqs") int start,
                                                  @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int size) {
        assertThat(Seq.inWindow(v, start, size)).isEqualTo(Seq.between(start, v, Seq.add(start, size - 1)));
    }
}
