package dev.jtcp.sim;

import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.Ipv4Parse;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpParse;

/**
 * A packet in flight as fault rules see it: who sent it to whom, when, and its TCP header. The bytes
 * are the packet as transmitted.
 *
 * @param tNs virtual time it entered the network
 * @param from sending host
 * @param to receiving host
 * @param bytes the IPv4 packet
 * @param tcp its TCP header, or null if it is not a parseable TCP segment
 * @param payloadLength TCP payload bytes
 */
public record SimPacket(long tNs, String from, String to, byte[] bytes, TcpHeader tcp, int payloadLength) {

    static SimPacket of(long tNs, String from, String to, byte[] bytes) {
        TcpHeader h = null;
        int payload = 0;
        if (Ipv4Header.parse(bytes, 0, bytes.length, false) instanceof Ipv4Parse.Ok ip
                && ip.header().protocol() == Ipv4Header.PROTO_TCP
                && TcpHeader.parse(bytes, ip.payloadOffset(), ip.payloadLength(), ip.header().src(), ip.header().dst(), false)
                instanceof TcpParse.Ok t) {
            h = t.header();
            payload = t.payloadLength();
        }
        return new SimPacket(tNs, from, to, bytes, h, payload);
    }

    public boolean isTcp() {
        return tcp != null;
    }

    private boolean flags(int mask, int value) {
        return tcp != null && (tcp.flags() & mask) == value;
    }

    private static final int MAIN = TcpFlags.SYN | TcpFlags.ACK | TcpFlags.FIN | TcpFlags.RST;

    /** A SYN without ACK. */
    public boolean isSyn() {
        return flags(MAIN, TcpFlags.SYN);
    }

    public boolean isSynAck() {
        return flags(MAIN, TcpFlags.SYN | TcpFlags.ACK);
    }

    /** Carries FIN. */
    public boolean isFin() {
        return tcp != null && tcp.has(TcpFlags.FIN);
    }

    public boolean isRst() {
        return tcp != null && tcp.has(TcpFlags.RST);
    }

    /** ACK only, no payload, no SYN/FIN/RST. */
    public boolean isPureAck() {
        return flags(MAIN, TcpFlags.ACK) && payloadLength == 0;
    }

    /** Carries payload. */
    public boolean hasData() {
        return payloadLength > 0;
    }

    public int seq() {
        return tcp == null ? 0 : tcp.seq();
    }

    public int ack() {
        return tcp == null ? 0 : tcp.ack();
    }
}
