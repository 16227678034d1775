package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.testkit.LadderPeer.Remote;
import dev.jtcp.wire.TcpOption;
import dev.jtcp.wire.TcpOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP Fast Open (RFC 7413), server side, as Linux 6.18's tcp_try_fastopen(): the peer 192.0.2.1 talks to
 * 192.168.0.1, whose key a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4 (packetdrill's defaults.sh) makes the cookie
 * 3021b9d889017eeb (SipHash-2-4 of the two addresses, the value run_all.py passes as TFO_COOKIE).
 */
class FastOpenServerTest {
    static final String KEY = "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4";
    static final byte[] COOKIE = HexFormat.of().parseHex("3021b9d889017eeb");

    static LadderPeer server() {
        return LadderPeer.with(new Sysctl().set("net.ipv4.tcp_fastopen", "3").set("net.ipv4.tcp_fastopen_key", KEY));
    }

    /** A Linux client's SYN options without timestamps (mss 1460, sackOK, nop, wscale 7) plus the FO option. */
    static TcpOptions synWithFo(byte[] cookie) {
        List<TcpOption> l = new ArrayList<>(TcpOptions.synLinux(1460, true, false, 0, 0, 7).list());
        l.add(new TcpOption.Unknown(34, cookie));
        if (cookie.length % 4 == 0) {
            l.add(new TcpOption.Nop());
            l.add(new TcpOption.Nop());
        }
        return new TcpOptions(l);
    }

    static TcpSocket listenWithFastOpen(LadderPeer p, int qlen) {
        TcpSocket l = p.listen(8080, 128);
        assertThat(l.setOption(SockOpt.TCP_FASTOPEN, qlen)).isZero();
        assertThat(l.getOption(SockOpt.TCP_FASTOPEN)).isEqualTo(qlen);
        return l;
    }

    @Test
    void anEmptyOptionAsksForTheCookieWhichTheSynAckCarries() {
        LadderPeer p = server();
        listenWithFastOpen(p, 16);
        Remote c = p.remote(40001, 1000);
        c.in(0, "S", 0, 0, 0, 65535, synWithFo(new byte[0]));
        c.out(0, "S.").ack(1).opts("mss 1460,nop,nop,sackOK,nop,wscale 10,unknown-34 0x3021b9d889017eeb,nop,nop");
        assertThat(p.mib(Mib.TcpExtTCPFastOpenCookieReqd)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpExtTCPFastOpenPassive)).isZero();
    }

    @Test
    void aValidCookieMakesTheChildAtSynTimeWithItsDataReadable() {
        LadderPeer p = server();
        TcpSocket l = listenWithFastOpen(p, 16);
        Remote c = p.remote(40001, 1000);
        c.in(0, "S", 0, 10, 0, 65535, synWithFo(COOKIE));
        // The SYN-ACK acknowledges the data and carries no cookie.
        c.out(0, "S.").ack(11).opts("mss 1460,nop,nop,sackOK,nop,wscale 10");
        TcpSocket child = l.accept();
        assertThat(child).as("accept() returns the TFO child before the handshake completes").isNotNull();
        assertThat(child.state()).isEqualTo(TcpState.SYN_RECV);
        byte[] buf = new byte[64];
        assertThat(child.read(buf, 0, buf.length)).isEqualTo(10);
        assertThat(new String(buf, 0, 10)).isEqualTo("abcdefghij");
        assertThat(child.info().optSynData()).isTrue();
        assertThat(child.info().optTfoChild()).isTrue();
        // The child may write before the ACK of its SYN-ACK arrives.
        assertThat(child.write(new byte[100], 0, 100)).isEqualTo(100);
        c.out(0, "P.").seq(1).ack(11).len(100);
        c.in(0.1, ".", 11, 0, 101, 502, TcpOptions.NONE);
        assertThat(child.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(p.mib(Mib.TcpExtTCPFastOpenPassive)).isEqualTo(1);
        assertThat(p.mib(Mib.TcpPassiveOpens)).isEqualTo(1);
    }

    @Test
    void anInvalidCookieIsAnsweredWithTheValidOneAndTheDataWaits() {
        LadderPeer p = server();
        TcpSocket l = listenWithFastOpen(p, 16);
        Remote c = p.remote(40001, 1000);
        c.in(0, "S", 0, 10, 0, 65535, synWithFo(HexFormat.of().parseHex("aaaaaaaaaaaaaaaa")));
        c.out(0, "S.").ack(1).opts("mss 1460,nop,nop,sackOK,nop,wscale 10,unknown-34 0x3021b9d889017eeb,nop,nop");
        assertThat(l.accept()).as("no child before the third ACK").isNull();
        assertThat(p.mib(Mib.TcpExtTCPFastOpenPassiveFail)).isEqualTo(1);
    }

    @Test
    void aFullTfoQueueFallsBackToTheOrdinaryHandshake() {
        LadderPeer p = server();
        TcpSocket l = listenWithFastOpen(p, 1);
        Remote a = p.remote(40001, 1000);
        Remote b = p.remote(40002, 5000);
        a.in(0, "S", 0, 10, 0, 65535, synWithFo(COOKIE));
        a.out(0, "S.").ack(11);
        b.in(0.01, "S", 0, 10, 0, 65535, synWithFo(COOKIE));
        b.out(0.01, "S.").ack(1).opts("mss 1460,nop,nop,sackOK,nop,wscale 10");
        assertThat(p.mib(Mib.TcpExtTCPFastOpenListenOverflow)).isEqualTo(1);
        // Once the first handshake completes the queue has room again.
        a.in(0.1, ".", 11, 0, 1, 502, TcpOptions.NONE);
        Remote d = p.remote(40003, 9000);
        d.in(0.2, "S", 0, 10, 0, 65535, synWithFo(COOKIE));
        d.out(0.2, "S.").ack(11);
        assertThat(l.acceptQueueLength()).isEqualTo(2);
    }

    @Test
    void theChildsTimerResendsTheSynAckAcknowledgingTheData() {
        LadderPeer p = server();
        listenWithFastOpen(p, 16);
        Remote c = p.remote(40001, 0);   // ISN 0: the ladder's own relative numbers apply
        c.in(0, "S", 0, 10, 0, 65535, synWithFo(COOKIE));
        c.out(0, "S.").ack(11);
        // TCP_TIMEOUT_INIT, then doubling, on the timer wheel's grain (HZ 250).
        // TCP_TIMEOUT_INIT, then doubling, as the timer wheel rounds them (1.024 s, 3.040 s at HZ 250).
        p.outBetween(1.0, 1.024, "S.").ack(11);
        p.outBetween(3.0, 3.040, "S.").ack(11);
        assertThat(p.mib(Mib.TcpExtTCPSynRetrans)).isEqualTo(2);
    }

    @Test
    void closingTheListenerResetsTheChildNotYetAccepted() {
        LadderPeer p = server();
        TcpSocket l = listenWithFastOpen(p, 16);
        Remote c = p.remote(40001, 1000);
        c.in(0, "S", 0, 10, 0, 65535, synWithFo(COOKIE));
        c.out(0, "S.").ack(11);
        l.close();
        c.out(0, "R.").seq(1).ack(11);
    }

    @Test
    void theKeySettingReadsBackInLinuxsFormat() {
        Sysctl s = new Sysctl();
        assertThat(s.text(dev.jtcp.sys.SysctlKey.TCP_FASTOPEN_KEY)).isEqualTo("00000000-00000000-00000000-00000000");
        s.set("net.ipv4.tcp_fastopen_key", KEY + ",00000001-00000002-00000003-00000004");
        assertThat(s.text(dev.jtcp.sys.SysctlKey.TCP_FASTOPEN_KEY))
                .isEqualTo(KEY + ",00000001-00000002-00000003-00000004");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.set("net.ipv4.tcp_fastopen_key", "xyz"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tcp_fastopen_key");
    }
}
