package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.TcpOption;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP Fast Open (RFC 7413), client side, as Linux 6.18's tcp_sendmsg_fastopen() and tcp_send_syn_data(): the
 * first connection to a server asks for a cookie, later ones put data in the SYN. Timestamps are off, as in
 * the corpus's fastopen/client scripts, so the SYN options are "mss 1460,nop,nop,sackOK,nop,wscale 8".
 */
class FastOpenClientTest {
    static final byte[] COOKIE = HexFormat.of().parseHex("abcd1234");

    static LadderPeer client() {
        LadderPeer p = LadderPeer.with(new Sysctl().set("net.ipv4.tcp_timestamps", "0"));
        p.timestamps = false;
        return p;
    }

    /** The server's SYN-ACK options: mss, sackOK, wscale 6, and an FO option with the given cookie (or none). */
    static TcpOptions synAck(int mss, byte[] cookie) {
        List<TcpOption> l = new ArrayList<>(TcpOptions.synLinux(mss, true, false, 0, 0, 6).list());
        if (cookie != null) {
            l.add(new TcpOption.Unknown(34, cookie));
            if (cookie.length % 4 == 0) {
                l.add(new TcpOption.Nop());
                l.add(new TcpOption.Nop());
            }
        }
        return new TcpOptions(l);
    }

    /** A socket that sendto(MSG_FASTOPEN)s len bytes to the peer; the ladder follows its port and ISN. */
    static int sendFastOpen(LadderPeer p, TcpSocket s, int len) {
        int r = s.sendFastOpen(new Endpoint(p.peerAddr, LadderPeer.PEER_PORT), new byte[len], 0, len, false);
        p.localPort = s.localEndpoint().port();
        return r;
    }

    /** The first connection: an empty FO option asks for a cookie, the SYN-ACK brings one. */
    static void getCookie(LadderPeer p) {
        TcpSocket s = TcpSocket.open(p.k.stack());
        assertThat(sendFastOpen(p, s, 0)).isEqualTo(Errno.EINPROGRESS.neg());
        p.out(0, "S").len(0).opts("mss 1460,nop,nop,sackOK,nop,wscale 10,unknown-34,nop,nop");
        p.in(0.01, "S.", 0, 0, 1, 5840, synAck(1460, COOKIE));
        p.out(0.01, ".");
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void aCachedCookieLetsTheSynCarryData() {
        LadderPeer p = client();
        getCookie(p);
        TcpSocket s = TcpSocket.open(p.k.stack());
        p.at(0.02);
        assertThat(sendFastOpen(p, s, 1000)).as("bytes that went into the SYN").isEqualTo(1000);
        LadderPeer.Expect syn = p.out(0.02, "S").len(1000).opts("mss 1460,nop,nop,sackOK,nop,wscale 10,unknown-34 0xabcd1234,nop,nop");
        p.localIsn = syn.o.tcp().seq();
        p.peerIsn = 5000;
        p.in(0.03, "S.", 0, 0, 1001, 5840, synAck(1460, null));
        p.out(0.03, ".").seq(1001).ack(1);
        assertThat(p.mib(Mib.TcpExtTCPFastOpenActive)).isEqualTo(1);
        assertThat(s.info().optSynData()).isTrue();
    }

    /**
     * sendto(MSG_FASTOPEN | MSG_ZEROCOPY) with SO_ZEROCOPY (zerocopy/fastopen-client.pkt): without a cookie nothing goes
     * into the SYN and the id is given back; with one, the SYN's data holds id 0, which completes as copied once the
     * SYN-ACK acknowledges the data.
     */
    @Test
    void zerocopySynDataCompletesItsIdOnceAcknowledged() {
        LadderPeer p = client();
        TcpSocket first = TcpSocket.open(p.k.stack());
        assertThat(first.setOption(SockOpt.SO_ZEROCOPY, 1)).isZero();
        assertThat(first.sendFastOpen(new Endpoint(p.peerAddr, LadderPeer.PEER_PORT), new byte[500], 0, 500, false, Tcp.MSG_ZEROCOPY))
                .isEqualTo(Errno.EINPROGRESS.neg());
        p.localPort = first.localEndpoint().port();
        p.out(0, "S").len(0).opts("mss 1460,nop,nop,sackOK,nop,wscale 10,unknown-34,nop,nop");
        p.in(0.01, "S.", 0, 0, 1, 5840, synAck(1460, COOKIE));
        p.out(0.01, ".");
        assertThat(first.recvErrQueue()).as("no data went: no notification").isNull();

        TcpSocket s = TcpSocket.open(p.k.stack());
        assertThat(s.setOption(SockOpt.SO_ZEROCOPY, 1)).isZero();
        p.at(0.02);
        assertThat(s.sendFastOpen(new Endpoint(p.peerAddr, LadderPeer.PEER_PORT), new byte[500], 0, 500, false, Tcp.MSG_ZEROCOPY))
                .isEqualTo(500);
        p.localPort = s.localEndpoint().port();
        LadderPeer.Expect syn = p.out(0.02, "S").len(500);
        p.localIsn = syn.o.tcp().seq();
        p.peerIsn = 5000;
        assertThat(s.recvErrQueue()).as("the SYN's data is not acknowledged yet").isNull();
        p.in(0.03, "S.", 0, 0, 501, 5840, synAck(1460, null));
        p.out(0.03, ".").seq(501).ack(1);
        assertThat(s.recvErrQueue().ee()).isEqualTo(new SockExtendedErr(0, SockExtendedErr.SO_EE_ORIGIN_ZEROCOPY, 0,
                SockExtendedErr.SO_EE_CODE_ZEROCOPY_COPIED, 0, 0));
        assertThat(s.recvErrQueue()).isNull();
    }

    @Test
    void dataTheSynAckDoesNotAcknowledgeIsSentAgainAtOnce() {
        LadderPeer p = client();
        getCookie(p);
        TcpSocket s = TcpSocket.open(p.k.stack());
        p.at(0.02);
        assertThat(sendFastOpen(p, s, 1000)).isEqualTo(1000);
        LadderPeer.Expect syn = p.out(0.02, "S").len(1000);
        p.localIsn = syn.o.tcp().seq();
        p.peerIsn = 5000;
        // The server took only the SYN: the data goes again, carrying the ACK of the SYN-ACK.
        p.in(0.03, "S.", 0, 0, 1, 5840, synAck(1460, COOKIE));
        p.out(0.03, "P.").seq(1).ack(1).len(1000);
        assertThat(p.mib(Mib.TcpExtTCPFastOpenActiveFail)).isEqualTo(1);
        assertThat(s.info().optSynData()).isFalse();
    }

    @Test
    void theSynIsRetransmittedWithoutDataOrOption() {
        LadderPeer p = client();
        getCookie(p);
        TcpSocket s = TcpSocket.open(p.k.stack());
        p.at(0.02);
        assertThat(sendFastOpen(p, s, 1000)).isEqualTo(1000);
        p.localIsn = p.out(0.02, "S").len(1000).o.tcp().seq();
        p.outBetween(1.02, 1.05, "S").len(0).opts("mss 1460,nop,nop,sackOK,nop,wscale 10");
    }

    @Test
    void fastOpenConnectDefersTheSynToTheFirstWrite() {
        LadderPeer p = client();
        getCookie(p);
        TcpSocket s = TcpSocket.open(p.k.stack());
        assertThat(s.setOption(SockOpt.TCP_FASTOPEN_CONNECT, 1)).isZero();
        p.at(0.02);
        assertThat(s.connect(new Endpoint(p.peerAddr, LadderPeer.PEER_PORT))).as("connect() returns at once").isZero();
        p.localPort = s.localEndpoint().port();
        p.none(0.02);
        assertThat(s.connectDeferred()).isTrue();
        assertThat(s.sendFastOpen(null, new byte[500], 0, 500, false)).isEqualTo(500);
        p.out(0.02, "S").len(500).opts("mss 1460,nop,nop,sackOK,nop,wscale 10,unknown-34 0xabcd1234,nop,nop");
    }

    @Test
    void withoutTheClientBitSendtoFastOpenIsRefused() {
        LadderPeer p = LadderPeer.with(new Sysctl().set("net.ipv4.tcp_fastopen", "0"));
        TcpSocket s = TcpSocket.open(p.k.stack());
        assertThat(sendFastOpen(p, s, 10)).isEqualTo(Errno.EOPNOTSUPP.neg());
        assertThat(s.setOption(SockOpt.TCP_FASTOPEN_CONNECT, 1)).isEqualTo(Errno.EOPNOTSUPP.neg());
    }
}
