package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack;
import dev.jtcp.sys.Errno;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SO_ZEROCOPY and send(MSG_ZEROCOPY): completion notifications on the error queue (msg_zerocopy_realloc(),
 * __msg_zerocopy_callback(), skb_zerocopy_notify_extend()) and page fragments capped at MAX_SKB_FRAGS.
 */
class ZerocopyTest {
    private static final SockExtendedErr COPIED_0_0 = copied(0, 0);

    private static SockExtendedErr copied(int lo, int hi) {
        return new SockExtendedErr(0, SockExtendedErr.SO_EE_ORIGIN_ZEROCOPY, 0, SockExtendedErr.SO_EE_CODE_ZEROCOPY_COPIED, lo, hi);
    }

    /** A connected client (peer MSS 1000, window 502 << 7) with SO_ZEROCOPY set. */
    private static TcpSocket established(LadderPeer p) {
        TcpSocket s = p.connectEstablished();
        assertThat(s.setOption(SockOpt.SO_ZEROCOPY, 1)).isZero();
        return s;
    }

    private static int zcSend(TcpSocket s, int n) {
        return s.send(new byte[n], 0, n, Tcp.MSG_ZEROCOPY);
    }

    @Test
    void soZerocopy_isABoolean_andAnythingElseIsEinval() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        assertThat(s.getOption(SockOpt.SO_ZEROCOPY)).isZero();
        assertThat(s.setOption(SockOpt.SO_ZEROCOPY, 2)).isEqualTo(Errno.EINVAL.neg());
        assertThat(s.setOption(SockOpt.SO_ZEROCOPY, -1)).isEqualTo(Errno.EINVAL.neg());
        assertThat(s.setOption(SockOpt.SO_ZEROCOPY, 1)).isZero();
        assertThat(s.getOption(SockOpt.SO_ZEROCOPY)).isEqualTo(1);
    }

    @Test
    void theNotificationComesWhenTheDataIsAcked_andCarriesCopied() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        assertThat(zcSend(s, 4000)).isEqualTo(4000);
        p.out(0.010, ".").seq(1).len(1448);
        p.drain();
        assertThat(s.recvErrQueue()).as("nothing before the ACK").isNull();
        assertThat(s.pollError()).isFalse();
        p.in(0.020, ".", 1, 0, 2001, 502);
        assertThat(s.recvErrQueue()).as("half acked: the skb still holds the range").isNull();
        p.in(0.021, ".", 1, 0, 4001, 502);
        assertThat(s.pollError()).as("POLLERR while the error queue has an entry").isTrue();
        assertThat(s.recvErrQueue().ee()).isEqualTo(COPIED_0_0);
        assertThat(s.pollError()).isFalse();
        assertThat(s.recvErrQueue()).isNull();
    }

    @Test
    void consecutiveCompletions_mergeIntoOneRange_untilRead() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        zcSend(s, 100);
        p.out(0.010, "P.").len(100);
        p.in(0.020, ".", 1, 0, 101, 502);
        zcSend(s, 100);
        p.out(0.020, "P.").seq(101).len(100);
        p.in(0.030, ".", 1, 0, 201, 502);
        assertThat(s.recvErrQueue().ee()).isEqualTo(copied(0, 1));
        zcSend(s, 100);
        p.out(0.030, "P.").seq(201).len(100);
        p.in(0.040, ".", 1, 0, 301, 502);
        assertThat(s.recvErrQueue().ee()).as("a new entry once the old one was read").isEqualTo(copied(2, 2));
    }

    @Test
    void aSendThatAppendsToAnUnsentSkb_extendsItsRange() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        assertThat(s.setOption(SockOpt.TCP_CORK, 1)).isZero();
        zcSend(s, 100);
        zcSend(s, 100);
        assertThat(s.setOption(SockOpt.TCP_CORK, 0)).isZero();
        p.out(0.010, "P.").seq(1).len(200);
        p.in(0.020, ".", 1, 0, 201, 502);
        assertThat(s.recvErrQueue().ee()).as("one range of two ids").isEqualTo(copied(0, 1));
        assertThat(s.recvErrQueue()).isNull();
    }

    @Test
    void withoutSoZerocopy_theFlagIsIgnored() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        assertThat(zcSend(s, 100)).isEqualTo(100);
        p.out(0.010, "P.").len(100);
        p.in(0.020, ".", 1, 0, 101, 502);
        assertThat(s.recvErrQueue()).isNull();
    }

    @Test
    void aFailedSend_givesItsIdBack() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = TcpSocket.open(p.k.stack());
        assertThat(s.setOption(SockOpt.SO_ZEROCOPY, 1)).isZero();
        assertThat(zcSend(s, 4000)).isEqualTo(Errno.EPIPE.neg());
        assertThat(s.recvErrQueue()).isNull();
        TcpSocket c = established(p);
        assertThat(zcSend(c, 10)).isEqualTo(10);
        p.out(0.010, "P.").len(10);
        p.in(0.020, ".", 1, 0, 11, 502);
        assertThat(c.recvErrQueue().ee()).isEqualTo(COPIED_0_0);
    }

    @Test
    void eachIovecIsAPage_andAnSkbHoldsSeventeen() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        int[] iov = new int[18];
        java.util.Arrays.fill(iov, 1);
        assertThat(s.sendmsg(new byte[18], 0, iov, 0, false)).as("copied: one fragment").isEqualTo(18);
        p.out(0.010, "P.").seq(1).len(18);
        p.in(0.020, ".", 1, 0, 19, 502);
        assertThat(s.sendmsg(new byte[18], 0, iov, Tcp.MSG_ZEROCOPY, false)).isEqualTo(18);
        p.out(0.020, "P.").seq(19).len(17);   // out of fragments: tcp_mark_push(), a new skb
        p.none(0.020);                          // the 1-byte skb waits: Nagle, a small segment is out
        p.in(0.030, ".", 1, 0, 36, 502);
        p.out(0.030, "P.").seq(36).len(1);
        p.in(0.040, ".", 1, 0, 37, 502);
        assertThat(s.recvErrQueue().ee()).as("both skbs hold the one range").isEqualTo(COPIED_0_0);
    }

    @Test
    void zeroLengthIovecs_holdNoPage() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        assertThat(s.sendmsg(new byte[0], 0, new int[] {0, 0}, Tcp.MSG_ZEROCOPY, false)).as("nothing to send").isZero();
        assertThat(s.sendmsg(new byte[60], 0, new int[] {0, 10, 0, 50}, Tcp.MSG_ZEROCOPY, false)).isEqualTo(60);
        p.out(0.010, "P.").seq(1).len(60);
        p.in(0.020, ".", 1, 0, 61, 502);
        assertThat(s.recvErrQueue().ee()).as("the empty send took no id").isEqualTo(COPIED_0_0);
    }

    @Test
    void aResetFreesTheQueue_andTheRangeCompletes() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        zcSend(s, 100);
        p.out(0.010, "P.").len(100);
        p.in(0.020, "R.", 1, 0, 1, 502);
        assertThat(s.recvErrQueue().ee()).isEqualTo(COPIED_0_0);
    }

    @Test
    void aChildInheritsSoZerocopyAndSoMark_fromItsListener() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        assertThat(l.setOption(SockOpt.SO_ZEROCOPY, 1)).isZero();
        assertThat(l.setOption(SockOpt.SO_MARK, 666)).isZero();
        p.localPort = 8080;
        p.in(0.0, "S", 0, 0, 0, 65535, p.synOpts(7));
        p.out(0.0, "S.");
        p.in(0.010, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        assertThat(c.getOption(SockOpt.SO_ZEROCOPY)).isEqualTo(1);
        assertThat(c.getOption(SockOpt.SO_MARK)).isEqualTo(666);
    }

    @Test
    void aRetransmissionNeverMergesZerocopySegments_asItMergesCopiedOnes() {
        for (boolean zerocopy : new boolean[] {false, true}) {
            LadderPeer p = LadderPeer.linuxDefaults();
            TcpSocket s = established(p);
            assertThat(s.setOption(SockOpt.TCP_NODELAY, 1)).isZero();
            int flags = zerocopy ? Tcp.MSG_ZEROCOPY : 0;
            s.send(new byte[100], 0, 100, flags);
            s.send(new byte[100], 0, 100, flags);
            p.out(0.010, "P.").seq(1).len(100);
            p.out(0.010, "P.").seq(101).len(100);
            p.outBetween(0.02, 0.1, "P.").seq(101).len(100);   // the tail loss probe
            // both lost: the RTO resends the head, merged with what follows unless it is zerocopy (tcp_retrans_collapse)
            p.outBetween(0.1, 1.5, "P.").seq(1).len(zerocopy ? 100 : 200);
        }
    }

    @Test
    void aSendThatExtendsARange_butCopiesNothing_givesOnlyItsOwnIdBack() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        assertThat(s.setOption(SockOpt.SO_SNDBUF, 1)).isZero();   // the minimum, 4608 bytes of truesize
        assertThat(s.setOption(SockOpt.TCP_CORK, 1)).isZero();
        int first = zcSend(s, 100_000);
        assertThat(first).as("the write stops when it needs an skb the buffer has no room for").isPositive().isLessThan(100_000);
        assertThat(zcSend(s, 100)).as("no room: the range was extended, then the extension undone").isEqualTo(Errno.EAGAIN.neg());
        assertThat(s.setOption(SockOpt.TCP_CORK, 0)).isZero();
        double t = ackEverything(p, 0.020, first);
        assertThat(s.recvErrQueue().ee()).isEqualTo(COPIED_0_0);
        assertThat(zcSend(s, 10)).isEqualTo(10);
        ackEverything(p, t, first + 10);
        assertThat(s.recvErrQueue().ee()).as("id 1 was given back, so this send is 1").isEqualTo(copied(1, 1));
    }

    /** ACKs what the stack sends, round after round, until all of total bytes are acknowledged; the next time. */
    private static double ackEverything(LadderPeer p, double t, int total) {
        int acked = 0;
        for (int round = 0; round < 1000; round++) {
            for (EmbeddedStack.Outbound o : p.drain()) {
                acked = Math.max(acked, o.tcp().seq() - p.localIsn - 1 + o.payloadLength());
            }
            p.in(t, ".", 1, 0, 1 + acked, 502);
            t += 0.010;
            if (acked >= total) {
                return t;
            }
        }
        throw new AssertionError("the data was not all sent: " + acked + " of " + total);
    }

    @Test
    void aBlockingSendKeepsOneIdAcrossItsWaits() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        assertThat(s.setOption(SockOpt.SO_SNDBUF, 1)).isZero();
        byte[] data = new byte[100_000];
        int sent = s.sendmsg(data, 0, new int[] {data.length}, Tcp.MSG_ZEROCOPY, true);
        assertThat(sent).as("a part fits").isPositive().isLessThan(data.length);
        double t = 0.020;
        while (sent < data.length) {
            t = ackEverything(p, t, sent);
            assertThat(s.recvErrQueue()).as("the waiting call still holds its range").isNull();
            int r = s.sendmsg(data, sent, new int[] {data.length - sent}, Tcp.MSG_ZEROCOPY, true);
            assertThat(r).isPositive();
            sent += r;
        }
        ackEverything(p, t, data.length);
        assertThat(s.recvErrQueue().ee()).as("one call, one id").isEqualTo(COPIED_0_0);
        assertThat(s.recvErrQueue()).isNull();
    }
}
