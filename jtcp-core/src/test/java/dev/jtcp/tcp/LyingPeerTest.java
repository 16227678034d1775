package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lying peers (data-transfer issue, "Bad input"): SACK blocks outside the window, ACKs for data never
 * sent, a shrinking window, timestamps going backwards and a flood of out-of-order segments. Each is
 * handled as Linux handles it and counted under Linux's name; no wrong byte is ever delivered and the
 * out-of-order queue stays within the receive buffer.
 */
class LyingPeerTest {

    /** The stack connects (wscale 7 from the peer, 50 ms RTT) and has 4000 bytes in flight as 3 segments. */
    private static TcpSocket sending(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        p.at(0.060);
        assertThat(s.write(new byte[4000], 0, 4000)).isEqualTo(4000);
        // Two TSO packets (tcp_tso_autosize: 2 segments at this pacing rate), each with PSH on its last
        // segment (__tcp_transmit_skb forces PSH on GSO packets; the write's end marks the last).
        p.out(0.060, ".").seq(1).len(1448);
        p.out(0.060, "P.").seq(1449).len(1448);
        p.out(0.060, "P.").seq(2897).len(1104);
        return s;
    }

    private static TcpOptions sack(LadderPeer p, int... relEdges) {
        List<SackBlock> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < relEdges.length; i += 2) {
            blocks.add(new SackBlock(p.localIsn + relEdges[i], p.localIsn + relEdges[i + 1]));
        }
        return TcpOptions.dataLinux(true, p.tsNow(), p.lastLocalTsval, blocks);
    }

    // ================================================================ SACK blocks outside the window

    @Test
    void sackBlocksBeyondSndNxtOrBelowSndUna_areDiscardedAndCounted_noRetransmission() {
        LadderPeer p = LadderPeer.linuxDefaults();
        sending(p);
        // Three duplicate ACKs whose SACK blocks claim data never sent (beyond snd_nxt 4001): were they
        // believed, the first two segments would be marked lost and fast-retransmitted.
        for (int i = 0; i < 3; i++) {
            p.in(0.110 + i * 0.001, ".", 1, 0, 1, 502, sack(p, 5001, 9001));
        }
        // A block that ends beyond snd_nxt although it starts inside.
        p.in(0.113, ".", 1, 0, 1, 502, sack(p, 2897, 4501));
        // tcp_is_sackblock_valid() refuses them all: TCPSACKDiscard, nothing marked, nothing resent.
        assertThat(p.mib(Mib.TcpExtTCPSACKDiscard)).isEqualTo(4);
        assertThat(p.mib(Mib.TcpExtTCPSackRecovery)).isZero();
        // An ACK of the first segment whose block lies below the new snd_una: refused and counted too.
        p.in(0.120, ".", 1, 0, 1449, 502, sack(p, 1, 1449));
        assertThat(p.mib(Mib.TcpExtTCPSACKDiscard)).isEqualTo(5);
        p.none(0.200);
        assertThat(p.mib(Mib.TcpRetransSegs)).isZero();
        // The truth arrives: everything acknowledged, nothing was ever retransmitted.
        p.in(0.210, ".", 1, 0, 4001, 502);
        p.none(5.0);
        assertThat(p.mib(Mib.TcpRetransSegs)).isZero();
    }

    @Test
    void anOldAckWithAnOldSackBlock_isNotCounted() {
        LadderPeer p = LadderPeer.linuxDefaults();
        sending(p);
        p.in(0.110, ".", 1, 0, 2897, 502);
        // Reordered: an older ACK arrives after, with a block below snd_una (Linux does not count these).
        p.in(0.111, ".", 1, 0, 1449, 502, sack(p, 1449, 2897));
        assertThat(p.mib(Mib.TcpExtTCPSACKDiscard)).isZero();
    }

    // ================================================================ ACKs for data never sent

    @Test
    void ackOfUnsentData_getsAChallengeAck_andItsDataIsDiscarded() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = sending(p);
        // The peer acknowledges 100000 bytes we never sent, and carries data with it.
        p.in(0.110, "P.", 1, 10, 100_001, 502);
        // tcp_ack(): "ack of unsent data" answers with a challenge ACK (RFC 5961 5.2) and drops the segment.
        p.out(0.110, ".").seq(4001).ack(1);
        assertThat(p.mib(Mib.TcpExtTCPChallengeACK)).isEqualTo(1);
        assertThat(s.read(new byte[100], 0, 100)).isEqualTo(Errno.EAGAIN.neg());
        // Nothing was taken as acknowledged: the tail loss probe resends the last segment.
        p.out(0.168, "P.").seq(2897).len(1104);
        // The same lie twice more within tcp_invalid_ratelimit (500 ms): not answered (__tcp_oow_rate_limited).
        p.in(0.170, ".", 1, 0, 200_001, 502);
        p.in(0.171, ".", 1, 0, 200_001, 502);
        p.none(0.171);
        assertThat(p.mib(Mib.TcpExtTCPChallengeACK)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPACKSkippedChallenge)).isEqualTo(2);
        // The truth: all 4000 bytes acknowledged, the connection carries on.
        p.in(0.200, ".", 1, 0, 4001, 502);
        assertThat(s.sock().sndUna - p.localIsn).isEqualTo(4001);
    }

    // ================================================================ a shrinking window

    @Test
    void windowShrinkingBelowWhatWasSent_noNewDataUntilItReopens_thenEveryByteOnce() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        // The peer offers 64 * 128 = 8192 bytes.
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        p.in(0.055, ".", 1, 0, 1, 64);
        p.at(0.060);
        assertThat(s.write(new byte[20_000], 0, 20_000)).isEqualTo(20_000);
        List<Outbound> first = p.drain();
        int sent = first.stream().mapToInt(Outbound::payloadLength).sum();
        // The whole window goes, the last TSO packet ending in a partial segment: tcp_mss_split_point()
        // keeps it because no small segment is in flight (Minshall), and tcp_tso_should_defer() does not
        // wait, the first packet having left less than half an RTT ago.
        assertThat(sent).isEqualTo(8192);
        // The peer takes back its offer: it acknowledges one segment and advertises 1 unit (128 bytes),
        // a right edge (1449 + 128) well below what we sent (8193).
        p.in(0.110, ".", 1, 0, 1449, 1);
        // Linux accepts the smaller window (tcp_ack_update_window) and sends nothing new beyond it.
        p.none(0.150);
        assertThat(s.sock().sndWnd).isEqualTo(128);
        // It reopens: only new data goes, from snd_nxt; nothing already sent is sent twice.
        p.in(0.160, ".", 1, 0, 8193, 256);
        List<Outbound> after = p.drain();
        assertThat(after).isNotEmpty();
        assertThat(after.getFirst().tcp().seq() - p.localIsn).isEqualTo(8193);
        assertThat(after.stream().mapToInt(Outbound::payloadLength).sum()).isLessThanOrEqualTo(256 * 128);
        assertThat(p.mib(Mib.TcpRetransSegs)).isZero();
    }

    // ================================================================ timestamps going backwards

    @Test
    void timestampGoingBackwards_isRejectedByPaws_countedAndAnsweredWithADupAck() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.050, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        p.inData(0.100, 1, "hello", 1, 502);
        // The next segment's TS value is older than ts_recent: RFC 7323 5.3 PAWS.
        p.tsBase -= 10_000;
        p.inData(0.200, 6, "WRONG", 1, 502);
        assertThat(p.mib(Mib.TcpExtPAWSEstab)).isEqualTo(1);
        List<Outbound> acks = p.drain();
        assertThat(acks).isNotEmpty();
        assertThat(acks.getLast().tcp().ack() - p.peerIsn).isEqualTo(6);
        byte[] buf = new byte[100];
        assertThat(c.read(buf, 0, 100)).isEqualTo(5);
        assertThat(new String(buf, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("hello");
        // The clock comes back: the real data is accepted.
        p.tsBase += 10_000;
        p.inData(0.300, 6, "world", 1, 502);
        assertThat(c.read(buf, 0, 100)).isEqualTo(5);
        assertThat(new String(buf, 0, 5, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("world");
        assertThat(p.mib(Mib.TcpExtPAWSEstab)).isEqualTo(1);
    }

    // ================================================================ a flood of out-of-order segments

    @Test
    void outOfOrderFlood_staysWithinTheReceiveBuffer_prunedAndCounted_noWrongByte() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        // SO_RCVBUF 16384: the kernel doubles it, and a buffer set by the user never grows.
        assertThat(l.setOption(SockOpt.SO_RCVBUF, 16384)).isZero();
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.050, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        TcpSock sk = c.sock();
        int rcvBuf = sk.rcvBuf;
        assertThat(rcvBuf).isEqualTo(32768);
        int window = sk.rcvWnd;
        // 3000 overlapping segments of 1000 bytes, each 3 bytes after the previous, all inside the
        // window and all above a hole at 1: held as they come, they would need 3 MB.
        long maxHeld = 0;
        for (int i = 0; i < 3000; i++) {
            int rel = 1001 + (i * 3) % (window - 2000);
            p.in(0.100 + i * 1e-5, ".", rel, 1000, 1, 502);
            maxHeld = Math.max(maxHeld, 2L * sk.rcvQueued());
        }
        p.drain();
        // tcp_try_rmem_schedule(): a segment gets in only while the memory held is within the buffer.
        assertThat(maxHeld).isLessThanOrEqualTo(rcvBuf + 2 * 1000);
        assertThat(sk.rcvBuf).isEqualTo(rcvBuf);
        assertThat(p.mib(Mib.TcpExtPruneCalled)).isPositive();
        assertThat(p.mib(Mib.TcpExtOfoPruned) + p.mib(Mib.TcpExtTCPOFODrop)).isPositive();
        assertThat(p.mib(Mib.TcpExtRcvPruned)).isEqualTo(p.mib(Mib.TcpExtTCPOFODrop));
        // The hole is filled and the rest sent properly: the application reads every byte once, right.
        int total = window - 1000;
        long read = 0;
        byte[] buf = new byte[65536];
        for (int rel = 1; rel < total; rel += 1000) {
            p.in(0.2 + rel * 1e-7, ".", rel, Math.min(1000, total - rel), 1, 502);
            int n;
            while ((n = c.read(buf, 0, buf.length)) > 0) {
                for (int i = 0; i < n; i++) {
                    long relSeq = read + i + 1;   // the peer's bytes are letters by sequence number
                    assertThat(buf[i]).as("byte at relative seq %d", relSeq).isEqualTo((byte) ('a' + relSeq % 26));
                }
                read += n;
            }
        }
        assertThat(read).isEqualTo(total - 1);
        assertThat(sk.rcvNxt - p.peerIsn).isEqualTo(total);
        assertThat(2L * sk.rcvQueued()).isLessThanOrEqualTo(rcvBuf);
        assertThat(sk.state).isEqualTo(TcpState.ESTABLISHED);
    }
}
