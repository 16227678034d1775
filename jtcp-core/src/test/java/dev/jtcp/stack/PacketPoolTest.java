package dev.jtcp.stack;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The packet pool's size classes: powers of two to 32 KiB, then 64 KiB with room for a device header. */
class PacketPoolTest {
    @Test
    void buffersComeInPowerOfTwoClassesAndAreRecycled() {
        PacketPool pool = new PacketPool();
        byte[] a = pool.take(1500);
        assertThat(a).hasSize(2048);
        assertThat(pool.take(40)).hasSize(64);
        assertThat(pool.take(9000)).hasSize(16384);
        pool.release(a);
        assertThat(pool.take(1100)).isSameAs(a);
        assertThat(pool.allocated()).isEqualTo(3);
    }

    @Test
    void theLargestClassHoldsA64KiBPacketBehindADeviceHeader() {
        PacketPool pool = new PacketPool();
        byte[] big = pool.take(65535 + 10);
        assertThat(big).hasSize(PacketPool.TOP_SIZE);
        assertThat(pool.take(32769)).hasSize(PacketPool.TOP_SIZE);
        pool.release(big);
        assertThat(pool.take(65536)).isSameAs(big);
        // Beyond the largest class: exactly the length asked for, never pooled.
        byte[] huge = pool.take(PacketPool.TOP_SIZE + 1);
        assertThat(huge).hasSize(PacketPool.TOP_SIZE + 1);
        pool.release(huge);
        assertThat(pool.take(PacketPool.TOP_SIZE + 1)).isNotSameAs(huge);
    }

    @Test
    void arraysOfNoClassAreLeftToTheCollector() {
        PacketPool pool = new PacketPool();
        byte[] odd = new byte[1500];
        byte[] plain64k = new byte[65536];
        pool.release(odd);
        pool.release(plain64k);
        assertThat(pool.take(1500)).isNotSameAs(odd);
        assertThat(pool.take(65536)).isNotSameAs(plain64k);
    }

    @Test
    void anEmptyPacketIsAnEmptyArrayAndANegativeLengthIsRefused() {
        PacketPool pool = new PacketPool();
        assertThat(pool.take(0)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.take(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
