package dev.jtcp.wire;

import static dev.jtcp.wire.TcpFlags.ACK;
import static dev.jtcp.wire.TcpFlags.FIN;
import static dev.jtcp.wire.TcpFlags.PSH;
import static dev.jtcp.wire.TcpFlags.RST;
import static dev.jtcp.wire.TcpFlags.SYN;
import static dev.jtcp.wire.TcpFlags.URG;
import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrettyPrintTest {

    private static final String C2S = "IP 10.0.0.1.33000 > 10.0.0.2.80: ";
    private static final String S2C = "IP 10.0.0.2.80 > 10.0.0.1.33000: ";

    private static TcpHeader c2s(int seq, int ack, int flags, int win, TcpOptions o) {
        return TcpHeader.of(33000, 80, seq, ack, flags, win, o);
    }

    @Test
    void syn() {
        TcpHeader h = c2s(1000, 0, SYN, 64240, TcpOptions.synLinux(1460, true, true, 1, 0, 7));
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, h, 0)).isEqualTo(C2S
                + "Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
    }

    @Test
    void synAck() {
        TcpHeader h = TcpHeader.of(80, 33000, 2000, 1001, SYN | ACK, 65160, TcpOptions.synLinux(1460, true, true, 3, 1, 7));
        assertThat(PrettyPrint.tcp(SERVER, CLIENT, h, 0)).isEqualTo(S2C
                + "Flags [S.], seq 2000, ack 1001, win 65160, options [mss 1460,sackOK,TS val 3 ecr 1,nop,wscale 7], length 0");
    }

    @Test
    void pureAckShowsNoSeq() {
        TcpHeader h = c2s(1001, 2001, ACK, 502, TcpOptions.dataLinux(true, 4, 3, List.of()));
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, h, 0))
                .isEqualTo(C2S + "Flags [.], ack 2001, win 502, options [nop,nop,TS val 4 ecr 3], length 0");
    }

    @Test
    void dataSegment() {
        TcpHeader h = c2s(1001, 2001, PSH | ACK, 502, TcpOptions.dataLinux(true, 5, 3, List.of()));
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, h, 5)).isEqualTo(C2S
                + "Flags [P.], seq 1001:1006, ack 2001, win 502, options [nop,nop,TS val 5 ecr 3], length 5");
    }

    @Test
    void finShowsSeqWithoutPayload() {
        TcpHeader h = c2s(1006, 2001, FIN | ACK, 502, TcpOptions.NONE);
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, h, 0)).isEqualTo(C2S + "Flags [F.], seq 1006, ack 2001, win 502, length 0");
        TcpHeader fp = c2s(1006, 2001, FIN | PSH | ACK, 502, TcpOptions.NONE);
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, fp, 3))
                .isEqualTo(C2S + "Flags [FP.], seq 1006:1009, ack 2001, win 502, length 3");
    }

    @Test
    void resets() {
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, c2s(1006, 0, RST, 0, TcpOptions.NONE), 0))
                .isEqualTo(C2S + "Flags [R], seq 1006, win 0, length 0");
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, c2s(0, 1001, RST | ACK, 0, TcpOptions.NONE), 0))
                .isEqualTo(C2S + "Flags [R.], seq 0, ack 1001, win 0, length 0");
    }

    @Test
    void urgentPointerFollowsTheWindow() {
        TcpHeader h = new TcpHeader(33000, 80, 1001, 2001, PSH | ACK | URG, 502, 0, 1, TcpOptions.NONE);
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, h, 1))
                .isEqualTo(C2S + "Flags [P.U], seq 1001:1002, ack 2001, win 502, urg 1, length 1");
    }

    @Test
    void sackBlocksAndNumbersAreUnsigned() {
        TcpHeader h = c2s(-2, -100, ACK | PSH, 502,
                TcpOptions.dataLinux(true, 5, 3, List.of(new SackBlock(-50, -40))));
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, h, 5)).isEqualTo(C2S
                + "Flags [P.], seq 4294967294:3, ack 4294967196, win 502,"
                + " options [nop,nop,TS val 5 ecr 3,nop,nop,sack 1 {4294967246:4294967256}], length 5");
    }

    @Test
    void noFlags() {
        assertThat(PrettyPrint.tcp(CLIENT, SERVER, c2s(1, 2, 0, 3, TcpOptions.NONE), 0))
                .isEqualTo(C2S + "Flags [none], win 3, length 0");
    }

    @Test
    void relativeNumbersLikeTcpdumpsDefault() {
        int isnC = (int) 3_000_000_000L;
        int isnS = 1234;
        TcpHeader syn = c2s(isnC, 0, SYN, 64240, TcpOptions.synLinux(1460, true, true, 1, 0, 7));
        TcpHeader synAck = TcpHeader.of(80, 33000, isnS, isnC + 1, SYN | ACK, 65160, TcpOptions.NONE);
        TcpHeader ack = c2s(isnC + 1, isnS + 1, ACK, 502, TcpOptions.NONE);
        TcpHeader data = c2s(isnC + 1, isnS + 1, PSH | ACK, 502, TcpOptions.NONE);
        TcpHeader sack = TcpHeader.of(80, 33000, isnS + 1, isnC + 1, ACK, 509,
                TcpOptions.dataLinux(false, 0, 0, List.of(new SackBlock(isnC + 101, isnC + 201))));
        TcpHeader rst = c2s(isnC + 6, 0, RST, 0, TcpOptions.NONE);
        // SYNs print absolute numbers, as tcpdump does (it has no base yet)
        assertThat(PrettyPrint.tcpRelative(CLIENT, SERVER, syn, 0, isnC, isnS))
                .isEqualTo(C2S + "Flags [S], seq 3000000000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
        assertThat(PrettyPrint.tcpRelative(SERVER, CLIENT, synAck, 0, isnS, isnC))
                .isEqualTo(S2C + "Flags [S.], seq 1234, ack 3000000001, win 65160, length 0");
        assertThat(PrettyPrint.tcpRelative(CLIENT, SERVER, ack, 0, isnC, isnS))
                .isEqualTo(C2S + "Flags [.], ack 1, win 502, length 0");
        assertThat(PrettyPrint.tcpRelative(CLIENT, SERVER, data, 5, isnC, isnS))
                .isEqualTo(C2S + "Flags [P.], seq 1:6, ack 1, win 502, length 5");
        assertThat(PrettyPrint.tcpRelative(SERVER, CLIENT, sack, 0, isnS, isnC))
                .isEqualTo(S2C + "Flags [.], ack 1, win 509, options [nop,nop,sack 1 {101:201}], length 0");
        // no ACK: tcpdump prints absolute numbers
        assertThat(PrettyPrint.tcpRelative(CLIENT, SERVER, rst, 0, isnC, isnS))
                .isEqualTo(C2S + "Flags [R], seq 3000000006, win 0, length 0");
    }

    // ---- whole packets ----

    @Test
    void packetOfTheLinuxSyn() {
        byte[] pkt = Vectors.linuxSyn();
        assertThat(PrettyPrint.packet(pkt, 0, pkt.length)).isEqualTo(C2S
                + "Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
    }

    @Test
    void packetWithPayload() {
        TcpHeader h = c2s(1001, 2001, PSH | ACK, 502, TcpOptions.dataLinux(true, 5, 3, List.of()));
        byte[] pkt = PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 2, h, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(PrettyPrint.packet(pkt, 0, pkt.length)).isEqualTo(C2S
                + "Flags [P.], seq 1001:1006, ack 2001, win 502, options [nop,nop,TS val 5 ecr 3], length 5");
    }

    @Test
    void badPackets() {
        byte[] pkt = Vectors.linuxSyn();
        assertThat(PrettyPrint.packet(pkt, 0, 10)).isEqualTo("IP bad-packet: IP_TOO_SHORT (packet is 10 bytes, an IPv4 header needs 20)");
        pkt[8] = 63;
        assertThat(PrettyPrint.packet(pkt, 0, pkt.length))
                .isEqualTo("IP bad-packet: IP_BAD_CHECKSUM (header checksum 0x0a74, expected 0x0b74)");
        byte[] tcpBad = Vectors.linuxSyn();
        tcpBad[59] = 8; // wscale 8, TCP checksum no longer matches
        assertThat(PrettyPrint.packet(tcpBad, 0, tcpBad.length))
                .isEqualTo("IP bad-packet: TCP_BAD_CHECKSUM (checksum 0xb3eb, expected 0xb3ea)");
        assertThat(PrettyPrint.packet(new byte[0], 0, 0)).startsWith("IP bad-packet: IP_TOO_SHORT");
    }

    @Test
    void badOptionPrintsLikeTcpdump() {
        byte[] pkt = Vectors.linuxSyn();
        pkt[47] = 0x00; // the timestamps option (kind at 46) now has length 0
        Vectors.fixTcpChecksum(pkt);
        assertThat(PrettyPrint.packet(pkt, 0, pkt.length))
                .isEqualTo(C2S + "Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,[bad opt]], length 0");
        pkt[41] = 0x01; // now the very first option (MSS) has length 1
        Vectors.fixTcpChecksum(pkt);
        assertThat(PrettyPrint.packet(pkt, 0, pkt.length))
                .isEqualTo(C2S + "Flags [S], seq 1000, win 64240, options [[bad opt]], length 0");
    }

    @Test
    void otherProtocolsAndFragments() {
        byte[] udp = new byte[28];
        Ipv4Header.of(CLIENT, SERVER, Ipv4Header.PROTO_UDP, 64, 1, 8).emit(udp, 0);
        assertThat(PrettyPrint.packet(udp, 0, udp.length)).isEqualTo("IP 10.0.0.1 > 10.0.0.2: ip-proto-17 8");
        byte[] frag = new byte[60];
        new Ipv4Header(0, 60, 99, false, true, 0, 64, Ipv4Header.PROTO_TCP, 0, CLIENT, SERVER, 20).emit(frag, 0);
        assertThat(PrettyPrint.packet(frag, 0, frag.length)).isEqualTo("IP 10.0.0.1 > 10.0.0.2: ip-proto-6 40 (frag 99:40@0+)");
    }
}
