package dev.jtcp.wire;

import java.util.Objects;

/**
 * Builds whole IPv4+TCP packets: the stack's output path and the tests' packet factory.
 *
 * <p>The IPv4 header is Linux's for a TCP socket: 20 bytes, TOS 0, DF set (Linux does path MTU
 * discovery, RFC 1191, so it sets DF), not a fragment, protocol 6, header checksum computed. The
 * TCP header is written as given except for its checksum field, which is computed over the
 * pseudo-header, header and payload (RFC 9293 section 3.1), so the record's checksum is ignored.
 */
public final class PacketBuilder {

    private static final int MAX_TOTAL_LENGTH = 0xFFFF;

    private PacketBuilder() {
    }

    /** Total packet length for this header and payload length: 20 + TCP header + payload. */
    public static int totalLength(TcpHeader tcp, int payloadLen) {
        return Ipv4Header.MIN_HEADER_LENGTH + tcp.headerLength() + payloadLen;
    }

    /** A new array holding the IPv4 header, the TCP header with a correct checksum, and the payload. */
    public static byte[] ipv4Tcp(int srcAddr, int dstAddr, int ttl, int ipId, TcpHeader tcp,
                                 byte[] payload, int payloadOff, int payloadLen) {
        byte[] buf = new byte[checkedTotal(tcp, payloadLen)];
        writeIpv4Tcp(buf, 0, srcAddr, dstAddr, ttl, ipId, tcp, payload, payloadOff, payloadLen);
        return buf;
    }

    /** A packet with the whole of {@code payload}. */
    public static byte[] ipv4Tcp(int srcAddr, int dstAddr, int ttl, int ipId, TcpHeader tcp, byte[] payload) {
        return ipv4Tcp(srcAddr, dstAddr, ttl, ipId, tcp, payload, 0, payload.length);
    }

    /** A packet without payload. */
    public static byte[] ipv4Tcp(int srcAddr, int dstAddr, int ttl, int ipId, TcpHeader tcp) {
        return ipv4Tcp(srcAddr, dstAddr, ttl, ipId, tcp, null, 0, 0);
    }

    /**
     * Writes the packet into {@code buf} at {@code off}.
     *
     * @param payload may be null when {@code payloadLen} is 0
     * @return the total length written
     * @throws IllegalArgumentException  when the packet would exceed 65535 bytes
     * @throws IndexOutOfBoundsException when {@code buf} or {@code payload} is too small
     */
    public static int writeIpv4Tcp(byte[] buf, int off, int srcAddr, int dstAddr, int ttl, int ipId, TcpHeader tcp,
                                   byte[] payload, int payloadOff, int payloadLen) {
        return writeIpv4Tcp(buf, off, srcAddr, dstAddr, ttl, ipId, tcp, payload, payloadOff, payloadLen, true);
    }

    /**
     * As {@link #writeIpv4Tcp(byte[], int, int, int, int, int, TcpHeader, byte[], int, int)}; with
     * {@code tcpChecksum} false the TCP checksum field is left 0, for a device that computes checksums
     * itself (Linux's loopback device never computes them at all).
     */
    public static int writeIpv4Tcp(byte[] buf, int off, int srcAddr, int dstAddr, int ttl, int ipId, TcpHeader tcp,
                                   byte[] payload, int payloadOff, int payloadLen, boolean tcpChecksum) {
        return writeIpv4Tcp(buf, off, srcAddr, dstAddr, 0, true, ttl, ipId, tcp, payload, payloadOff, payloadLen, tcpChecksum);
    }

    /**
     * As above, with the socket's TOS byte and DF flag (ip_queue_xmit(): {@code inet->tos}, and DF as
     * ip_dont_fragment() decides from IP_MTU_DISCOVER and the route).
     */
    public static int writeIpv4Tcp(byte[] buf, int off, int srcAddr, int dstAddr, int tos, boolean df, int ttl, int ipId,
                                   TcpHeader tcp, byte[] payload, int payloadOff, int payloadLen, boolean tcpChecksum) {
        if (payloadLen > 0) {
            Objects.requireNonNull(payload, "payload");
            Bytes.checkSlice(payloadOff, payloadLen, payload.length);
            Bytes.checkSlice(off, checkedTotal(tcp, payloadLen), buf.length);
            System.arraycopy(payload, payloadOff, buf, off + Ipv4Header.MIN_HEADER_LENGTH + tcp.headerLength(), payloadLen);
        }
        return writeHeaders(buf, off, srcAddr, dstAddr, tos, df, ttl, ipId, tcp, payloadLen, tcpChecksum);
    }

    /**
     * Writes the IPv4 and TCP headers in front of a payload already in place at
     * {@code buf[off + 20 + tcp.headerLength()]}, as Linux pushes headers into an skb's headroom in
     * front of the data copied from the socket: the output path's one copy of the payload is the
     * caller's. The TCP checksum is computed when {@code tcpChecksum}, else left 0 (offloaded).
     *
     * @return the total length written
     */
    public static int writeHeaders(byte[] buf, int off, int srcAddr, int dstAddr, int ttl, int ipId, TcpHeader tcp,
                                   int payloadLen, boolean tcpChecksum) {
        return writeHeaders(buf, off, srcAddr, dstAddr, 0, true, ttl, ipId, tcp, payloadLen, tcpChecksum);
    }

    /** As above, with the TOS byte and the DF flag. */
    public static int writeHeaders(byte[] buf, int off, int srcAddr, int dstAddr, int tos, boolean df, int ttl, int ipId,
                                   TcpHeader tcp, int payloadLen, boolean tcpChecksum) {
        int total = checkedTotal(tcp, payloadLen);
        Bytes.checkSlice(off, total, buf.length);
        int tcpOff = off + Ipv4Header.MIN_HEADER_LENGTH;
        int tcpLen = total - Ipv4Header.MIN_HEADER_LENGTH;

        Ipv4Header.emitOf(buf, off, srcAddr, dstAddr, Ipv4Header.PROTO_TCP, tos, df, ttl, ipId, tcpLen);
        tcp.emit(buf, tcpOff);
        Bytes.put16(buf, tcpOff + TcpHeader.CHECKSUM_OFFSET, 0);
        if (tcpChecksum) {
            Bytes.put16(buf, tcpOff + TcpHeader.CHECKSUM_OFFSET, Checksum.tcpIpv4(srcAddr, dstAddr, buf, tcpOff, tcpLen));
        }
        return total;
    }

    private static int checkedTotal(TcpHeader tcp, int payloadLen) {
        if (payloadLen < 0) {
            throw new IllegalArgumentException("payloadLen is negative: " + payloadLen);
        }
        long total = (long) Ipv4Header.MIN_HEADER_LENGTH + tcp.headerLength() + payloadLen;
        if (total > MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("an IPv4 packet is at most 65535 bytes, this one would be " + total);
        }
        return (int) total;
    }
}
