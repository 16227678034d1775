package dev.jtcp.stack;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack.Outbound;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Ipv4Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ICMP in virtual time: echo replies (ping), destination unreachable for TCP with tcp_v4_err's
 * semantics (a hard error while connecting, a soft one once established), fragmentation-needed lowering
 * the path MTU, and the Icmp* counters under Linux's names.
 */
class IcmpTest {
    private static final int ICMP_ECHO = 8;
    private static final int DEST_UNREACH = 3;

    /** An ICMP message from the peer to the stack: type, code, the 4 "rest of header" bytes, then data. */
    private static byte[] icmp(LadderPeer p, int type, int code, int rest, byte[] data) {
        int len = 8 + data.length;
        byte[] pkt = new byte[20 + len];
        Ipv4Header.of(p.peerAddr, p.localAddr, Ipv4Header.PROTO_ICMP, 64, 0x4321, len).emit(pkt, 0);
        pkt[20] = (byte) type;
        pkt[21] = (byte) code;
        pkt[24] = (byte) (rest >>> 24);
        pkt[25] = (byte) (rest >>> 16);
        pkt[26] = (byte) (rest >>> 8);
        pkt[27] = (byte) rest;
        System.arraycopy(data, 0, pkt, 28, data.length);
        int c = Checksum.fold(Checksum.sum(pkt, 20, len, 0));
        pkt[22] = (byte) (c >>> 8);
        pkt[23] = (byte) c;
        return pkt;
    }

    /** What a router quotes: the IP header and the first 8 bytes of the segment. */
    private static byte[] quote(Outbound o) {
        return Arrays.copyOf(o.packet(), 28);
    }

    private static TcpSocket established(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        return s;
    }

    @Test
    void echoRequestGetsAnEchoReplyWithTheSameIdentifierSequenceAndData() {
        LadderPeer p = LadderPeer.linuxDefaults();
        byte[] data = "jtcp ping payload 0123456789".getBytes(StandardCharsets.US_ASCII);
        p.k.inject(icmp(p, ICMP_ECHO, 0, 0x1234_0007, data));
        Outbound o = p.k.poll();
        assertThat(o).isNotNull();
        byte[] r = o.packet();
        assertThat(o.ip().protocol()).isEqualTo(Ipv4Header.PROTO_ICMP);
        assertThat(o.ip().src()).isEqualTo(p.localAddr);
        assertThat(o.ip().dst()).isEqualTo(p.peerAddr);
        assertThat(o.ip().dontFragment()).as("ICMP sockets send without DF").isFalse();
        assertThat(Checksum.ipv4Header(r, 0, 20)).isZero();
        assertThat(r[20]).as("type echo reply").isEqualTo((byte) 0);
        assertThat(r[21]).isEqualTo((byte) 0);
        assertThat(Arrays.copyOfRange(r, 24, 28)).containsExactly(0x12, 0x34, 0x00, 0x07);
        assertThat(Arrays.copyOfRange(r, 28, r.length)).isEqualTo(data);
        assertThat(Checksum.fold(Checksum.sum(r, 20, r.length - 20, 0))).as("ICMP checksum verifies").isZero();
        assertThat(p.mib(Mib.IcmpInMsgs)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpInEchos)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpMsgInType8)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpOutMsgs)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpOutEchoReps)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpMsgOutType0)).isEqualTo(1);
        assertThat(p.mib(Mib.IpInDelivers)).isEqualTo(1);
        assertThat(p.mib(Mib.IpOutRequests)).isEqualTo(1);
    }

    @Test
    void badChecksumIsCountedAndNotAnswered_ignoreAllSilencesPing() {
        LadderPeer p = LadderPeer.linuxDefaults();
        byte[] pkt = icmp(p, ICMP_ECHO, 0, 1, new byte[8]);
        pkt[30] ^= 1;
        p.k.inject(pkt);
        assertThat(p.k.poll()).isNull();
        assertThat(p.mib(Mib.IcmpInMsgs)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpInCsumErrors)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpInErrors)).isEqualTo(1);
        assertThat(p.mib(Mib.IcmpInEchos)).isZero();

        LadderPeer q = LadderPeer.with(new Sysctl().set(SysctlKey.ICMP_ECHO_IGNORE_ALL, 1));
        q.k.inject(icmp(q, ICMP_ECHO, 0, 1, new byte[8]));
        assertThat(q.k.poll()).isNull();
        assertThat(q.mib(Mib.IcmpInEchos)).isEqualTo(1);
        assertThat(q.mib(Mib.IcmpOutMsgs)).isZero();
    }

    @Test
    void truncatedMessagesAndErrorsForUnknownConnectionsAreCountedAsInErrors() {
        LadderPeer p = LadderPeer.linuxDefaults();
        byte[] shortMsg = Arrays.copyOf(icmp(p, ICMP_ECHO, 0, 1, new byte[0]), 24);
        shortMsg[3] = 24;   // IP total length
        byte[] fixed = shortMsg.clone();
        fixed[10] = 0;
        fixed[11] = 0;
        int c = Checksum.ipv4Header(fixed, 0, 20);
        fixed[10] = (byte) (c >>> 8);
        fixed[11] = (byte) c;
        p.k.inject(fixed);
        assertThat(p.mib(Mib.IcmpInErrors)).isEqualTo(1);
        // A port unreachable quoting a segment of a connection this host does not have.
        byte[] quoted = new byte[28];
        Ipv4Header.of(p.localAddr, p.peerAddr, Ipv4Header.PROTO_TCP, 64, 0, 8).emit(quoted, 0);
        quoted[20] = (byte) 0x9c;
        quoted[22] = (byte) 0x1f;
        p.k.inject(icmp(p, DEST_UNREACH, 3, 0, quoted));
        assertThat(p.mib(Mib.IcmpInErrors)).isEqualTo(2);
        assertThat(p.mib(Mib.IcmpInDestUnreachs)).isEqualTo(1);
        assertThat(p.k.poll()).isNull();
    }

    @Test
    void portUnreachableWhileConnectingFailsConnectWithEconnrefused() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        Outbound syn = p.k.poll();
        p.at(0.020);
        p.k.inject(icmp(p, DEST_UNREACH, 3, 0, quote(syn)));
        assertThat(s.connectDone()).isTrue();
        assertThat(s.connectResult()).isEqualTo(Errno.ECONNREFUSED.neg());
        assertThat(s.state()).isEqualTo(TcpState.CLOSE);
        assertThat(p.mib(Mib.TcpAttemptFails)).isEqualTo(1);
        p.none(10);   // no SYN retransmission: the attempt is over
    }

    @Test
    void hostUnreachableWhileConnectingIsAHardErrorToo() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        Outbound syn = p.k.poll();
        p.at(1.5);   // after the first SYN retransmission
        Outbound again = p.k.poll();
        assertThat(again).isNotNull();
        p.k.inject(icmp(p, DEST_UNREACH, 1, 0, quote(again)));
        assertThat(s.connectResult()).isEqualTo(Errno.EHOSTUNREACH.neg());
        assertThat(syn.tcp().seq()).isEqualTo(again.tcp().seq());
    }

    @Test
    void anErrorQuotingASequenceNumberOutsideTheWindowIsIgnored() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        Outbound syn = p.k.poll();
        byte[] q = quote(syn);
        q[27] += 100;   // seq + 100: beyond snd_nxt
        p.k.inject(icmp(p, DEST_UNREACH, 3, 0, q));
        assertThat(p.mib(Mib.TcpExtOutOfWindowIcmps)).isEqualTo(1);
        assertThat(s.state()).isEqualTo(TcpState.SYN_SENT);
    }

    @Test
    void hostUnreachableOnAnEstablishedConnectionIsSoft_reportedWhenTheConnectionTimesOut() {
        LadderPeer p = LadderPeer.with(new Sysctl().set(SysctlKey.TCP_RETRIES2, 3));
        TcpSocket s = established(p);
        p.at(0.100);
        assertThat(s.write(new byte[100], 0, 100)).isEqualTo(100);
        Outbound data = p.k.poll();
        p.at(0.110);
        p.k.inject(icmp(p, DEST_UNREACH, 1, 0, quote(data)));
        assertThat(s.state()).as("RFC 1122 4.2.3.9: keep trying").isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.readable()).isFalse();
        p.at(0.400);
        assertThat(p.k.drain()).as("the RTO retransmission still goes out").isNotEmpty();
        p.at(30);
        assertThat(s.state()).isEqualTo(TcpState.CLOSE);
        assertThat(s.read(new byte[10], 0, 10)).as("the soft error replaces ETIMEDOUT").isEqualTo(Errno.EHOSTUNREACH.neg());
    }

    @Test
    void fragmentationNeededLowersThePathMtuAndResendsTheSegmentsThatNoLongerFit() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        p.at(0.100);
        assertThat(s.write(new byte[3000], 0, 3000)).isEqualTo(3000);
        List<Outbound> sent = p.k.drain();
        assertThat(sent).extracting(Outbound::payloadLength).containsExactly(1448, 1448, 104);
        p.at(0.110);
        p.k.inject(icmp(p, DEST_UNREACH, 4, 1000, quote(sent.get(0))));
        assertThat(p.k.stack().mtuTo(p.peerAddr)).isEqualTo(1000);
        assertThat(s.info().pmtu()).isEqualTo(1000);
        assertThat(s.info().sndMss()).isEqualTo(1000 - 20 - 20 - 12);
        List<Outbound> resent = p.k.drain();
        assertThat(resent).as("resent at once, cut to the new MSS").isNotEmpty();
        assertThat(resent).allSatisfy(o -> {
            assertThat(o.packet().length).isLessThanOrEqualTo(1000);
            assertThat(o.tNs()).isEqualTo(LadderPeer.ns(0.110));
        });
        assertThat(resent.get(0).tcp().seq()).isEqualTo(sent.get(0).tcp().seq());
        // Each 1448-byte segment is cut at 948 (tcp_fragment); the 500-byte tail of the second takes in the
        // 104-byte segment behind it (tcp_retrans_try_collapse), which was not lost but fits.
        assertThat(resent).extracting(Outbound::payloadLength).containsExactly(948, 500, 948, 604);
        assertThat(p.mib(Mib.TcpRetransSegs)).isEqualTo(resent.size());
        // An MTU below route.min_pmtu (552) is raised to it.
        p.k.inject(icmp(p, DEST_UNREACH, 4, 300, quote(resent.get(0))));
        assertThat(p.k.stack().mtuTo(p.peerAddr)).isEqualTo(552);
        // The learned MTU expires after route.mtu_expires (600 s).
        p.at(700);
        assertThat(p.k.stack().mtuTo(p.peerAddr)).isEqualTo(1500);
    }

    @Test
    void zerocopySegmentsCutByASmallerPathMtuAreNeverMergedWhenResent() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        assertThat(s.setOption(dev.jtcp.tcp.SockOpt.SO_ZEROCOPY, 1)).isZero();
        p.at(0.100);
        assertThat(s.setOption(dev.jtcp.tcp.SockOpt.TCP_CORK, 1)).isZero();
        assertThat(s.send(new byte[2896], 0, 2896, dev.jtcp.tcp.Tcp.MSG_ZEROCOPY)).isEqualTo(2896);
        assertThat(s.send(new byte[104], 0, 104, 0)).isEqualTo(104);   // copied, behind the zerocopy bytes
        assertThat(s.setOption(dev.jtcp.tcp.SockOpt.TCP_CORK, 0)).isZero();
        List<Outbound> sent = p.k.drain();
        assertThat(sent).extracting(Outbound::payloadLength).containsExactly(1448, 1448, 104);
        p.at(0.110);
        p.k.inject(icmp(p, DEST_UNREACH, 4, 1000, quote(sent.get(0))));
        // As with copied data each 1448-byte segment is cut at 948 (tcp_fragment), but both parts keep the
        // zerocopy frags, so the 500-byte tail of the second does not take in the 104 copied bytes behind
        // it (tcp_retrans_try_collapse skips zerocopy skbs): those were not lost and are not resent.
        assertThat(p.k.drain()).extracting(Outbound::payloadLength).containsExactly(948, 500, 948, 500);
    }

    @Test
    void hostUnreachableDuringRetransmissionTimeoutsUndoesOneBackoffStep_rfc6069() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = established(p);
        p.at(0.100);
        s.write(new byte[100], 0, 100);
        Outbound first = p.k.poll();
        p.at(2.0);   // two RTO retransmissions (about 0.3 s and 0.9 s later)
        assertThat(s.info().backoff()).isEqualTo(2);
        long backedOff = s.info().rtoUs();
        p.k.drain();
        p.k.inject(icmp(p, DEST_UNREACH, 1, 0, quote(first)));
        assertThat(s.info().backoff()).isEqualTo(1);
        assertThat(s.info().rtoUs()).isEqualTo(backedOff / 2);
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void hostUnreachableForASynAckDropsTheRequestSilently_portUnreachableDoesNot() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        p.in(0.0, "S", 0, 0, 0, 65535);
        Outbound synAck = p.k.poll();
        assertThat(p.k.stack().tcp().miniSockets()).hasSize(1);
        // Port unreachable is not one of tcp_req_err's abort reasons: the request stays.
        p.k.inject(icmp(p, DEST_UNREACH, 3, 0, quote(synAck)));
        assertThat(p.k.stack().tcp().miniSockets()).hasSize(1);
        p.k.inject(icmp(p, DEST_UNREACH, 1, 0, quote(synAck)));
        assertThat(p.k.stack().tcp().miniSockets()).isEmpty();
        assertThat(p.mib(Mib.TcpExtListenDrops)).isEqualTo(1);
        assertThat(l.acceptQueueLength()).isZero();
        p.none(10);   // no SYN-ACK retransmission: the request is gone
    }
}
