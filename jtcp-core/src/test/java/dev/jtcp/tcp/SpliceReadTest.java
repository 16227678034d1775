package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** splice() from a socket (tcp_splice_read(), tcp_read_sock()) and IP_FREEBIND. */
class SpliceReadTest {


    @Test
    void spliceStopsAtTheUrgentMark_andDoesNotSkipTheUrgentByte() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        p.in(0.020, "P.", 1, 100, 1, 502);
        byte[] buf = new byte[200];
        assertThat(s.spliceRead(buf, 0, 200, false)).as("no urgent data: all of it").isEqualTo(100);
        assertThat(new String(buf, 0, 3, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("bcd");
    }

    @Test
    void atTheUrgentMark_aBlockingSpliceReturnsZero_aNonBlockingOneEagain() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        // 100 bytes with the urgent pointer 100: the last byte is urgent (as packetdrill's "U. 1:101(100) urg 100")
        p.at(0.020);
        TcpHeader h = new TcpHeader(LadderPeer.PEER_PORT, p.localPort, p.peerIsn + 1, p.localIsn + 1,
                TcpFlags.ACK | TcpFlags.URG, 502, 0, 100, p.tsOpts());
        p.k.inject(p.peerAddr, p.localAddr, h, new byte[100]);
        byte[] buf = new byte[200];
        assertThat(s.spliceRead(buf, 0, 99, false)).isEqualTo(99);
        assertThat(s.spliceRead(buf, 0, 1, false)).as("the urgent byte is not spliced").isZero();
        assertThat(s.spliceRead(buf, 0, 1, true)).isEqualTo(Errno.EAGAIN.neg());
        assertThat(s.recv(buf, 0, 1, Tcp.MSG_OOB)).as("it is still there for MSG_OOB").isEqualTo(1);
    }

    @Test
    void nothingQueued_isEagain_andEndOfStreamIsZero() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connectEstablished();
        byte[] buf = new byte[10];
        assertThat(s.spliceRead(buf, 0, 10, false)).as("a blocking caller waits").isEqualTo(Errno.EAGAIN.neg());
        p.in(0.020, "F.", 1, 0, 1, 502);
        assertThat(s.spliceRead(buf, 0, 10, false)).isZero();
    }

    @Test
    void ipFreebind_letsBindTakeAnAddressThatIsNotLocal() {
        LadderPeer p = LadderPeer.linuxDefaults();
        Endpoint elsewhere = new Endpoint(Ipv4Addr.parse("10.9.9.9"), 9000);
        TcpSocket a = TcpSocket.open(p.k.stack());
        assertThat(a.bind(elsewhere)).isEqualTo(Errno.EADDRNOTAVAIL.neg());
        TcpSocket b = TcpSocket.open(p.k.stack());
        assertThat(b.setOption(SockOpt.IP_FREEBIND, 1)).isZero();
        assertThat(b.getOption(SockOpt.IP_FREEBIND)).isEqualTo(1);
        assertThat(b.bind(elsewhere)).isZero();
    }
}
