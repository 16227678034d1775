package dev.jtcp.wire;

import java.util.HexFormat;

/**
 * Known packets built by hand from the RFC 791 / RFC 9293 layouts, with checksums computed by an
 * independent implementation (not this package).
 */
final class Vectors {

    private Vectors() {
    }

    static final int CLIENT = 0x0A000001; // 10.0.0.1
    static final int SERVER = 0x0A000002; // 10.0.0.2

    /**
     * A Linux SYN, 10.0.0.1:33000 to 10.0.0.2:80, seq 1000, win 64240, with Linux's SYN options
     * "mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7".
     *
     * <pre>
     * IPv4  45 00 003c  1c46 4000  40 06 0a74  0a000001  0a000002
     *       v4 IHL5 len 60, id 0x1c46, DF, ttl 64, proto 6, csum 0x0a74, src, dst
     * TCP   80e8 0050  000003e8  00000000  a0 02 faf0  b3eb 0000
     *       33000 80, seq 1000, ack 0, doff 10, SYN, win 64240, csum 0xb3eb, urg 0
     * opts  02 04 05b4 | 04 02 08 0a | 00000001 | 00000000 | 01 03 03 07
     *       MSS 1460   | SACK_PERM, TS kind/len | TSval 1  | TSecr 0  | NOP, WS 7
     * </pre>
     */
    static final String LINUX_SYN_HEX = "4500003c1c46400040060a740a0000010a000002"
            + "80e80050000003e800000000a002faf0b3eb0000"
            + "020405b40402080a000000010000000001030307";

    static final int LINUX_SYN_TCP_CHECKSUM = 0xb3eb;
    static final int LINUX_SYN_IP_CHECKSUM = 0x0a74;

    static byte[] linuxSyn() {
        return hex(LINUX_SYN_HEX);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Fixes up the TCP checksum of an IPv4+TCP packet (20-byte IP header) after the test changed bytes. */
    static void fixTcpChecksum(byte[] packet) {
        int tcpLen = packet.length - Ipv4Header.MIN_HEADER_LENGTH;
        int at = Ipv4Header.MIN_HEADER_LENGTH + TcpHeader.CHECKSUM_OFFSET;
        packet[at] = 0;
        packet[at + 1] = 0;
        int c = Checksum.tcpIpv4(CLIENT, SERVER, packet, Ipv4Header.MIN_HEADER_LENGTH, tcpLen);
        packet[at] = (byte) (c >>> 8);
        packet[at + 1] = (byte) c;
    }

    /** Fixes up the IPv4 header checksum (20-byte header at 0). */
    static void fixIpChecksum(byte[] packet) {
        int at = Ipv4Header.CHECKSUM_OFFSET;
        packet[at] = 0;
        packet[at + 1] = 0;
        int c = Checksum.ipv4Header(packet, 0, Ipv4Header.MIN_HEADER_LENGTH);
        packet[at] = (byte) (c >>> 8);
        packet[at + 1] = (byte) c;
    }
}
