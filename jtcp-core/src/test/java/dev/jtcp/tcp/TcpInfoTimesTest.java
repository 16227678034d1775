package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP_INFO's clocks (tcp_get_info()): ages of the last data sent and received and of the last ACK, and the
 * tcp_chrono totals: busy time (data queued or in flight) and the part of it spent waiting for the peer's
 * window. Jiffies at HZ=250: 4 ms steps.
 */
class TcpInfoTimesTest {

    @Test
    void ages_countFromTheLastDataAndAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.030, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.030, ".");
        p.at(1.030);
        // tcp_finish_connect() stamps lrcvtime and lsndtime; the SYN-ACK was the last ACK.
        assertThat(s.info().lastDataRecvMs()).isEqualTo(1000);
        assertThat(s.info().lastAckRecvMs()).isEqualTo(1000);
        assertThat(s.info().lastDataSentMs()).isEqualTo(1000);
        p.inData(1.030, 1, "x".repeat(100), 1, 502);
        p.at(1.060);
        assertThat(s.info().lastDataRecvMs()).isEqualTo(32);   // 30 ms in whole 4 ms jiffies
    }

    @Test
    void rwndLimited_runsWhileThePeersWindowHoldsDataBack_busyWhileAnythingIsQueued() {
        LadderPeer p = LadderPeer.linuxDefaults();
        p.timestamps = false;
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.010, "S.", 0, 0, 1, 0, dev.jtcp.wire.TcpOptions.NONE);   // a zero window
        p.out(0.010, ".");
        assertThat(s.info().rwndLimitedUs()).isZero();
        s.write(new byte[500], 0, 500);   // one segment (no MSS option: 536)
        p.at(0.110);
        assertThat(s.info().rwndLimitedUs()).isEqualTo(100_000);
        p.drain();   // zero-window probes
        p.in(0.210, ".", 1, 0, 1, 2000, dev.jtcp.wire.TcpOptions.NONE);   // the window opens: data goes
        assertThat(p.drain()).anySatisfy(o -> assertThat(o.payloadLength()).isEqualTo(500));
        p.in(0.240, ".", 1, 0, 501, 2000, dev.jtcp.wire.TcpOptions.NONE);   // all acknowledged: the clock stops
        p.at(1.0);
        assertThat(s.info().rwndLimitedUs()).isEqualTo(200_000);
        assertThat(s.info().busyTimeUs()).isEqualTo(232_000);   // 0.008 .. 0.240 in jiffies
    }

    @Test
    void sndbufLimited_runsWhileAllIsSentAndTheWriterWaitsForRoom() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 4000, p.synOpts(7));   // half of a 4000-byte window: one-MSS skbs
        p.out(0.050, ".");
        s.setOption(SockOpt.SO_SNDBUF, 3000);   // doubled: 6000 bytes
        p.at(0.100);
        // sk_wmem_queued counts truesize (896 per skb plus its payload): a fourth skb would pass 6000, so
        // the write stops after three with SOCK_NOSPACE set; the window lets two of them go.
        assertThat(s.write(new byte[10_000], 0, 10_000)).isEqualTo(3 * 1448);
        assertThat(p.drain()).hasSize(2);
        p.in(0.150, ".", 1, 0, 1449, 31);   // the third goes: all is sent, the writer still has no room
        assertThat(p.drain()).hasSize(1);
        p.at(0.250);
        assertThat(s.info().sndbufLimitedUs()).isEqualTo(100_000);
        p.in(0.250, ".", 1, 0, 3 * 1448 + 1, 31);   // everything acknowledged: writable again, the clock stops
        p.at(0.400);
        assertThat(s.info().sndbufLimitedUs()).isEqualTo(100_000);
        assertThat(s.info().rwndLimitedUs()).isEqualTo(48_000);   // 0.100 .. 0.150: jiffies 25 .. 37
    }
}
