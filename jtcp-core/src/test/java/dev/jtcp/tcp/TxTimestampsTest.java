package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** SO_TIMESTAMPING transmit timestamps (tcp_tx_timestamp(), __skb_tstamp_tx(), tcp_ack_tstamp()). */
class TxTimestampsTest {
    private static final int TX_ALL = TxTimestamps.SOF_TIMESTAMPING_TX_SCHED | TxTimestamps.SOF_TIMESTAMPING_TX_SOFTWARE
            | TxTimestamps.SOF_TIMESTAMPING_TX_ACK | TxTimestamps.SOF_TIMESTAMPING_SOFTWARE | TxTimestamps.SOF_TIMESTAMPING_OPT_ID;


    private static void expectStamp(TcpSocket s, int type, int key, double at) {
        ErrQueueEntry e = s.recvErrQueue();
        assertThat(e).as("a timestamp of type %d", type).isNotNull();
        assertThat(e.ee()).isEqualTo(new SockExtendedErr(42, SockExtendedErr.SO_EE_ORIGIN_TIMESTAMPING, 0, 0, type, key));
        assertThat(e.timestampNs()).isEqualTo(LadderPeer.ns(at));
        assertThat(e.length()).as("the stamped packet comes with it (no OPT_TSONLY)").isPositive();
    }

    @Test
    void optId_onAClosedSocket_isEinval_andUnknownBitsToo() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        TcpSocket closed = TcpSocket.open(p.k.stack());
        assertThat(closed.setOption(SockOpt.SO_TIMESTAMPING, TX_ALL)).isEqualTo(Errno.EINVAL.neg());
        assertThat(s.setOption(SockOpt.SO_TIMESTAMPING, 1 << 19)).isEqualTo(Errno.EINVAL.neg());
        assertThat(s.setOption(SockOpt.SO_TIMESTAMPING, TxTimestamps.SOF_TIMESTAMPING_OPT_ID_TCP)).isEqualTo(Errno.EINVAL.neg());
        assertThat(s.setOption(SockOpt.SO_TIMESTAMPING, TX_ALL)).isZero();
        assertThat(s.getOption(SockOpt.SO_TIMESTAMPING)).isEqualTo(TX_ALL);
    }

    @Test
    void theLastByteOfEachWrite_isStampedWhenSent_andWhenAcked() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        assertThat(s.setOption(SockOpt.SO_TIMESTAMPING, TX_ALL)).isZero();
        assertThat(s.setOption(SockOpt.TCP_NODELAY, 1)).isZero();
        s.write(new byte[1000], 0, 1000);
        p.out(0.010, "P.").len(1000);
        s.write(new byte[500], 0, 500);
        p.out(0.010, "P.").seq(1001).len(500);
        expectStamp(s, TxTimestamps.SCM_TSTAMP_SCHED, 999, 0.010);
        expectStamp(s, TxTimestamps.SCM_TSTAMP_SND, 999, 0.010);
        expectStamp(s, TxTimestamps.SCM_TSTAMP_SCHED, 1499, 0.010);
        expectStamp(s, TxTimestamps.SCM_TSTAMP_SND, 1499, 0.010);
        assertThat(s.recvErrQueue()).isNull();
        p.in(0.030, ".", 1, 0, 1001, 502);
        expectStamp(s, TxTimestamps.SCM_TSTAMP_ACK, 999, 0.030);
        assertThat(s.recvErrQueue()).as("1499 is not acknowledged yet").isNull();
        p.in(0.040, ".", 1, 0, 1501, 502);
        expectStamp(s, TxTimestamps.SCM_TSTAMP_ACK, 1499, 0.040);
    }

    @Test
    void twoWritesIntoOneUnsentSkb_getOneStamp_forTheLaterByte() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        assertThat(s.setOption(SockOpt.SO_TIMESTAMPING, TX_ALL | TxTimestamps.SOF_TIMESTAMPING_OPT_TSONLY)).isZero();
        assertThat(s.setOption(SockOpt.TCP_CORK, 1)).isZero();
        s.write(new byte[100], 0, 100);
        s.write(new byte[100], 0, 100);
        assertThat(s.setOption(SockOpt.TCP_CORK, 0)).isZero();
        p.out(0.010, "P.").len(200);
        ErrQueueEntry sched = s.recvErrQueue();
        assertThat(sched.ee().data()).isEqualTo(199);
        assertThat(sched.length()).as("OPT_TSONLY: no packet").isZero();
        assertThat(s.recvErrQueue().ee().info()).isEqualTo(TxTimestamps.SCM_TSTAMP_SND);
        assertThat(s.recvErrQueue()).isNull();
    }

    @Test
    void withoutSofTimestampingSoftware_noStampIsReported_butTheEntryComes() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        assertThat(s.setOption(SockOpt.SO_TIMESTAMPING, TxTimestamps.SOF_TIMESTAMPING_TX_SCHED)).isZero();
        s.write(new byte[10], 0, 10);
        p.out(0.010, "P.").len(10);
        ErrQueueEntry e = s.recvErrQueue();
        assertThat(e.timestampNs()).isEqualTo(-1);
        assertThat(e.ee().data()).as("no OPT_ID: no key").isZero();
    }
}
