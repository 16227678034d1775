package dev.jtcp.tcp;

import dev.jtcp.stack.NetStack;
import dev.jtcp.stack.PacketPool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The receive queue: copied runs and kept packet buffers read back in stream order; buffers go back once read. */
class RecvQueueTest {
    private final PacketPool pool = new PacketPool();
    private final NetStack host = NetStack.builder("h").address("10.0.0.1").packetPool(pool).build();

    private static byte[] bytes(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void copiedAndKeptChunksReadInOrderAcrossTheirEdges() {
        RecvQueue q = new RecvQueue();
        q.resetAt(1000);
        byte[] packet = pool.take(100);   // a 128-byte buffer; payload at 40..69
        System.arraycopy(bytes(10, 30), 0, packet, 40, 30);
        q.append(bytes(0, 10), 0, 10);
        q.appendPacket(packet, 40, 30, host);
        q.append(bytes(40, 5), 0, 5);
        q.append(bytes(45, 5), 0, 5);
        assertThat(q.head()).isEqualTo(1000);
        assertThat(q.size()).isEqualTo(50);
        byte[] out = new byte[50];
        q.copy(1000, out, 0, 50);
        assertThat(out).isEqualTo(bytes(0, 50));
        byte[] mid = new byte[20];
        q.copy(1005, mid, 0, 20);   // from the first run into the packet
        assertThat(mid).isEqualTo(bytes(5, 20));
        assertThatThrownBy(() -> q.copy(1040, new byte[20], 0, 20)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aPacketGoesBackToThePoolOnlyOnceWhollyRead() {
        RecvQueue q = new RecvQueue();
        q.resetAt(0);
        byte[] packet = pool.take(100);
        q.appendPacket(packet, 52, 48, host);
        q.append(bytes(0, 8), 0, 8);
        q.consumeTo(47);
        assertThat(pool.take(100)).isNotSameAs(packet);   // still held: one byte unread
        q.consumeTo(50);
        assertThat(q.size()).isEqualTo(6);
        assertThat(pool.take(100)).isSameAs(packet);
        byte[] rest = new byte[6];
        q.copy(50, rest, 0, 6);
        assertThat(rest).isEqualTo(bytes(2, 6));
    }

    @Test
    void manyChunksGrowTheChunkRing() {
        RecvQueue q = new RecvQueue();
        q.resetAt(0);
        for (int i = 0; i < 100; i++) {
            byte[] p = new byte[64];
            p[10] = (byte) (2 * i);
            p[11] = (byte) (2 * i + 1);
            q.appendPacket(p, 10, 2, host);
            if (i % 7 == 0) {
                q.consumeTo(q.head() + 1);
            }
        }
        long head = q.head();
        byte[] out = new byte[q.size()];
        q.copy(head, out, 0, out.length);
        for (int i = 0; i < out.length; i++) {
            assertThat(out[i]).isEqualTo((byte) (head + i));
        }
        q.consumeTo(q.tail());
        assertThat(q.size()).isZero();
    }
}
