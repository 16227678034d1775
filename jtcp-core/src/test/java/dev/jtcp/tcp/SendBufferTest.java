package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SO_SNDBUF as Linux counts it (sk_wmem_queued): the truesize of the write and retransmit queue skbs, each
 * SKB_TRUESIZE(MAX_TCP_HEADER) = 896 bytes plus its payload. tcp_sendmsg_locked() checks the limit only when
 * it needs a new skb (sk_stream_memory_free()), and a writer that found no room is woken by
 * sk_stream_write_space() only once a third of the buffer is free (wspace >= sk_wmem_queued / 2). The numbers
 * are those of packetdrill's blocking/blocking-write.pkt, which Linux 6.18 passes.
 */
class SendBufferTest {

    /** A peer with MSS 1000, window 50000 unscaled, no timestamps; SO_SNDBUF 21000, doubled to 42000. */
    private static TcpSocket connected(LadderPeer p) {
        p.timestamps = false;
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.100, "S.", 0, 0, 1, 50000, TcpOptions.synLinux(1000, false, false, 0, 0, 0));
        p.out(0.100, ".");
        s.setOption(SockOpt.SO_SNDBUF, 21000);
        return s;
    }

    @Test
    void aWriteFillsSkbsToTheSizeGoal_andStopsWhenANewOneFindsTheBufferFull() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_MIN_TSO_SEGS, 10));
        TcpSocket s = connected(p);
        p.at(0.200);
        // Skbs of half the peer's window (25000): the first is filled, 10 MSS of it sent (a split: a second
        // head), the rest refilled to 25000; a second skb is started at 35896 + 896 < 42000 and filled; a
        // third would start past the limit. 60000 of 61000 bytes are taken.
        assertThat(s.write(new byte[61_000], 0, 61_000)).isEqualTo(60_000);
        assertThat(s.write(new byte[1_000], 0, 1_000)).isEqualTo(Errno.EAGAIN.neg());
        assertThat(s.writeReady()).isFalse();
    }

    @Test
    void aBlockedWriterIsWokenOnlyWhenAThirdOfTheBufferIsFree() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_MIN_TSO_SEGS, 10));
        TcpSocket s = connected(p);
        p.at(0.200);
        s.write(new byte[61_000], 0, 61_000);
        p.drain();
        p.in(0.300, ".", 1, 0, 10_001, 50000, TcpOptions.NONE);
        p.drain();   // cwnd 20: 20 more segments, the skbs split where the packets end
        // 50000 unacknowledged in four skbs: 53584 queued, over the buffer
        assertThat(s.writable()).isFalse();
        p.in(0.400, ".", 1, 0, 30_001, 50000, TcpOptions.NONE);
        p.drain();
        // 30000 + 4 * 896 = 33584 queued: room for another skb, but less than a third free, so no wake-up
        assertThat(s.writable()).isTrue();
        assertThat(s.writeReady()).isFalse();
        p.in(0.500, ".", 1, 0, 36_001, 50000, TcpOptions.NONE);
        // 24000 + 3 * 896 = 26688: wspace 15312 >= 13344, the writer is woken and takes the rest
        assertThat(s.writeReady()).isTrue();
        assertThat(s.write(new byte[1_000], 0, 1_000)).isEqualTo(1_000);
    }
}
