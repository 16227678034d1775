package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Urgent data (reference item 12), ephemeral ports and bind() (items 13, 14). */
class UrgentAndPortsTest {

    private static TcpSocket client(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        return s;
    }

    @Test
    void sendMsgOob_setsUrgWithPointerOnePastTheUrgentByte() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        s.setOption(SockOpt.TCP_NODELAY, 1);
        p.at(0.1);
        s.write("abc".getBytes(), 0, 3);
        p.out(0.1, "P.").seq(1).len(3);
        p.in(0.11, ".", 1, 0, 4, 502);
        p.at(0.12);
        s.writeUrgent("!".getBytes(), 0, 1);
        p.out(0.12, "P.U").seq(4).len(1).urg(1);
        p.at(0.13);
        s.write("def".getBytes(), 0, 3);
        // snd_up (5) is not beyond this segment's seq: no URG on it.
        p.out(0.13, "P.").seq(5).len(3);
    }

    private static TcpSocket serverWithUrgentStream(LadderPeer p, boolean oobInline) {
        TcpSocket l = p.listen(8080);
        if (oobInline) {
            l.setOption(SockOpt.SO_OOBINLINE, 1);
        }
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.05, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        p.inData(0.1, 1, "abc", 1, 502);
        // "!" urgent: URG with pointer 1 (one past the byte), then "def".
        p.at(0.12);
        TcpHeader h = new TcpHeader(LadderPeer.PEER_PORT, p.localPort, p.peerIsn + 4, p.localIsn + 1,
                TcpFlags.ACK | TcpFlags.PSH | TcpFlags.URG, 502, 0, 1, p.tsOpts());
        p.k.inject(p.peerAddr, p.localAddr, h, "!".getBytes());
        p.inData(0.14, 5, "def", 1, 502);
        p.drain();
        return c;
    }

    private static String read(TcpSocket c, int flags) {
        byte[] b = new byte[100];
        int n = c.recv(b, 0, 100, flags);
        return n >= 0 ? new String(b, 0, n, StandardCharsets.ISO_8859_1) : Errno.describe(n);
    }

    @Test
    void urgentByte_outOfBand_readsStopAtTheMark() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = serverWithUrgentStream(p, false);
        assertThat(read(c, Tcp.MSG_OOB | Tcp.MSG_PEEK)).isEqualTo("!");
        assertThat(read(c, Tcp.MSG_OOB)).isEqualTo("!");
        assertThat(read(c, Tcp.MSG_OOB)).isEqualTo("EINVAL");
        assertThat(read(c, 0)).isEqualTo("abc");
        assertThat(read(c, 0)).isEqualTo("def");
    }

    @Test
    void urgentByte_plainReadsSkipIt_thenOobIsGone() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = serverWithUrgentStream(p, false);
        assertThat(read(c, 0)).isEqualTo("abc");
        assertThat(read(c, 0)).isEqualTo("def");
        assertThat(read(c, Tcp.MSG_OOB)).isEqualTo("EINVAL");
    }

    @Test
    void urgentByte_oobInline_staysInTheStream() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket c = serverWithUrgentStream(p, true);
        assertThat(read(c, Tcp.MSG_OOB)).isEqualTo("EINVAL");
        assertThat(read(c, 0)).isEqualTo("abc");
        assertThat(read(c, 0)).isEqualTo("!def");
    }

    @Test
    void connectPicksEvenPorts_bindToZeroPicksOdd_inRange() {
        LadderPeer p = LadderPeer.linuxDefaults();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TcpSocket s = TcpSocket.open(p.k.stack());
            s.connect(new Endpoint(p.peerAddr, 5000));
            ports.add(s.localEndpoint().port());
        }
        assertThat(ports).allMatch(x -> x % 2 == 0 && x >= 32768 && x <= 60999);
        for (int i = 1; i < ports.size(); i++) {
            int step = ports.get(i) - ports.get(i - 1);
            assertThat(step).as("step between successive ports").isBetween(2, 16).matches(x -> x % 2 == 0);
        }
        TcpSocket b = TcpSocket.open(p.k.stack());
        assertThat(b.bind(new Endpoint(0, 0))).isZero();
        assertThat(b.localEndpoint().port() % 2).isEqualTo(1);
    }

    @Test
    void bind_listenerHoldsThePort_timeWaitNeedsReuseOnBothSides() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = TcpSocket.open(p.k.stack());
        l.setOption(SockOpt.SO_REUSEADDR, 1);
        assertThat(l.bind(new Endpoint(0, 8080))).isZero();
        assertThat(l.listen(16)).isZero();
        p.localPort = 8080;
        TcpSocket b = TcpSocket.open(p.k.stack());
        b.setOption(SockOpt.SO_REUSEADDR, 1);
        assertThat(b.bind(new Endpoint(0, 8080))).isEqualTo(Errno.EADDRINUSE.neg());
        // A connection whose server side closes first ends in TIME_WAIT on port 8080.
        p.in(0.0, "S", 0, 0, 0, 65535);
        p.out(0.0, "S.");
        p.in(0.05, ".", 1, 0, 1, 502);
        TcpSocket c = l.accept();
        p.at(0.1);
        c.close();
        p.out(0.1, "F.");
        p.in(0.15, "F.", 1, 0, 2, 502);
        p.out(0.15, ".");
        l.close();
        TcpSocket d = TcpSocket.open(p.k.stack());
        assertThat(d.bind(new Endpoint(0, 8080))).isEqualTo(Errno.EADDRINUSE.neg());
        TcpSocket e = TcpSocket.open(p.k.stack());
        e.setOption(SockOpt.SO_REUSEADDR, 1);
        assertThat(e.bind(new Endpoint(0, 8080))).isZero();
        assertThat(e.listen(16)).isZero();
    }
}
