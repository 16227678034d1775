package dev.jtcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqTest {

    @Test
    void comparisonsWorkAcrossTheWrap() {
        int justBeforeWrap = 0xFFFFFFF0;
        int justAfterWrap = 0x00000010;
        assertThat(Seq.lt(justBeforeWrap, justAfterWrap)).isTrue();
        assertThat(Seq.le(justBeforeWrap, justAfterWrap)).isTrue();
        assertThat(Seq.gt(justAfterWrap, justBeforeWrap)).isTrue();
        assertThat(Seq.ge(justAfterWrap, justBeforeWrap)).isTrue();
        assertThat(Seq.gt(justBeforeWrap, justAfterWrap)).isFalse();
        assertThat(Seq.diff(justAfterWrap, justBeforeWrap)).isEqualTo(0x20);
        assertThat(Seq.diff(justBeforeWrap, justAfterWrap)).isEqualTo(-0x20);
        assertThat(Seq.add(justBeforeWrap, 0x20)).isEqualTo(justAfterWrap);
        assertThat(Seq.max(justBeforeWrap, justAfterWrap)).isEqualTo(justAfterWrap);
        assertThat(Seq.min(justBeforeWrap, justAfterWrap)).isEqualTo(justBeforeWrap);
    }

    @Test
    void equalNumbers() {
        assertThat(Seq.lt(5, 5)).isFalse();
        assertThat(Seq.gt(5, 5)).isFalse();
        assertThat(Seq.le(5, 5)).isTrue();
        assertThat(Seq.ge(5, 5)).isTrue();
        assertThat(Seq.max(5, 5)).isEqualTo(5);
    }

    @Test
    void acrossTheSignBoundaryOfInt() {
        assertThat(Seq.lt(Integer.MAX_VALUE, Integer.MIN_VALUE)).isTrue();
        assertThat(Seq.gt(Integer.MIN_VALUE, Integer.MAX_VALUE)).isTrue();
        assertThat(Seq.diff(Integer.MIN_VALUE, Integer.MAX_VALUE)).isEqualTo(1);
    }

    @Test
    void numbersExactlyHalfTheSpaceApartAreEachBeforeTheOtherAsInLinux() {
        assertThat(Seq.lt(0, Integer.MIN_VALUE)).isTrue();
        assertThat(Seq.lt(Integer.MIN_VALUE, 0)).isTrue();
        assertThat(Seq.gt(0, Integer.MIN_VALUE)).isTrue();
    }

    @Test
    void betweenIsInclusiveAndWraps() {
        assertThat(Seq.between(10, 10, 20)).isTrue();
        assertThat(Seq.between(10, 20, 20)).isTrue();
        assertThat(Seq.between(10, 21, 20)).isFalse();
        assertThat(Seq.between(10, 9, 20)).isFalse();
        assertThat(Seq.between(-5, 0, 5)).isTrue();
        assertThat(Seq.between(-5, -6, 5)).isFalse();
        // hi before lo is the long way round, as Linux's between()
        assertThat(Seq.between(20, 5, 10)).isTrue();
        assertThat(Seq.between(20, 15, 10)).isFalse();
    }

    @Test
    void inWindowIsHalfOpenAndSizeIsUnsigned() {
        assertThat(Seq.inWindow(100, 100, 10)).isTrue();
        assertThat(Seq.inWindow(109, 100, 10)).isTrue();
        assertThat(Seq.inWindow(110, 100, 10)).isFalse();
        assertThat(Seq.inWindow(99, 100, 10)).isFalse();
        assertThat(Seq.inWindow(100, 100, 0)).isFalse();
        assertThat(Seq.inWindow(3, -2, 10)).isTrue();
        assertThat(Seq.inWindow(Integer.MAX_VALUE, 0, 0x80000000)).isTrue();
        assertThat(Seq.inWindow(-2, 0, -1)).isTrue();
        assertThat(Seq.inWindow(-1, 0, -1)).isFalse();
    }

    @Test
    void unsignedView() {
        assertThat(Seq.unsigned(-1)).isEqualTo(0xFFFFFFFFL);
        assertThat(Seq.unsigned(7)).isEqualTo(7L);
    }
}
