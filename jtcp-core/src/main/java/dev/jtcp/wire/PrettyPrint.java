package dev.jtcp.wire;

/**
 * tcpdump-style one-line rendering of IPv4/TCP packets, as {@code tcpdump -n} prints them (without
 * the timestamp), so traces from jtcp and from a real Linux capture can be compared by eye or by diff.
 *
 * <p>Field order follows tcpdump's print-tcp.c: "Flags [..]"; "seq" only when the segment has
 * payload or SYN, FIN or RST ("seq a:b" with payload, b = a + length); "ack" only when ACK is set;
 * "win"; "urg" when URG is set; "options [..]" when there are options; "length" of the payload.
 * For example:
 * <pre>
 * IP 10.0.0.1.33000 &gt; 10.0.0.2.80: Flags [S], seq 1000, win 64240, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0
 * IP 10.0.0.1.33000 &gt; 10.0.0.2.80: Flags [P.], seq 1001:1006, ack 2001, win 502, options [nop,nop,TS val 5 ecr 3], length 5
 * </pre>
 */
public final class PrettyPrint {

    private PrettyPrint() {
    }

    /** One line with absolute sequence numbers (like {@code tcpdump -n -S}). */
    public static String tcp(int srcAddr, int dstAddr, TcpHeader h, int payloadLength) {
        return line(srcAddr, dstAddr, h, payloadLength, 0, 0, false);
    }

    /**
     * One line with relative sequence numbers, tcpdump's default: seq minus {@code isnSrc} (the
     * sender's initial sequence number), ack and SACK edges minus {@code isnDst} (the receiver's).
     * Exactly like tcpdump, numbers are made relative only on segments that have ACK set and SYN
     * clear; a SYN, a SYN-ACK, or a segment without ACK (such as a bare RST) prints absolute numbers.
     */
    public static String tcpRelative(int srcAddr, int dstAddr, TcpHeader h, int payloadLength, int isnSrc, int isnDst) {
        boolean relative = h.has(TcpFlags.ACK) && !h.has(TcpFlags.SYN);
        return relative
                ? line(srcAddr, dstAddr, h, payloadLength, isnSrc, isnDst, false)
                : line(srcAddr, dstAddr, h, payloadLength, 0, 0, false);
    }

    /**
     * Parses an IPv4 packet in {@code buf[off..off+len)} and prints it. Checksums are verified; a
     * packet that IPv4 or TCP parsing rejects prints as "IP bad-packet: ERROR (detail)". A segment
     * whose option parsing stopped at a malformed option prints the options understood followed by
     * ",[bad opt]" as tcpdump does (tcpdump then stops printing; this line still ends with the length). Non-TCP packets and fragments print as
     * "IP a &gt; b: ip-proto-P LENGTH", with fragment details in parentheses. Never throws for any
     * packet content.
     */
    public static String packet(byte[] buf, int off, int len) {
        Ipv4Parse ip = Ipv4Header.parse(buf, off, len, true);
        if (ip instanceof Ipv4Parse.Bad(WireError error, String detail)) {
            return bad(error, detail);
        }
        Ipv4Parse.Ok ok = (Ipv4Parse.Ok) ip;
        Ipv4Header h = ok.header();
        if (h.protocol() != Ipv4Header.PROTO_TCP || h.isFragment()) {
            StringBuilder sb = new StringBuilder("IP ").append(Ipv4Addr.format(h.src())).append(" > ")
                    .append(Ipv4Addr.format(h.dst())).append(": ip-proto-").append(h.protocol())
                    .append(' ').append(ok.payloadLength());
            if (h.isFragment()) {
                sb.append(" (frag ").append(h.id()).append(':').append(ok.payloadLength()).append('@')
                        .append(h.fragmentOffset()).append(h.moreFragments() ? "+" : "").append(')');
            }
            return sb.toString();
        }
        TcpParse tcp = TcpHeader.parse(buf, ok.payloadOffset(), ok.payloadLength(), h.src(), h.dst(), true);
        return switch (tcp) {
            case TcpParse.Bad(WireError error, String detail) -> bad(error, detail);
            case TcpParse.Ok t -> line(h.src(), h.dst(), t.header(), t.payloadLength(), 0, 0, t.optionError() != null);
        };
    }

    private static String bad(WireError error, String detail) {
        return "IP bad-packet: " + error.name() + " (" + detail + ")";
    }

    private static String line(int srcAddr, int dstAddr, TcpHeader h, int payloadLength, int seqBase, int ackBase,
                               boolean badOption) {
        int seq = h.seq() - seqBase;
        StringBuilder sb = new StringBuilder(128);
        sb.append("IP ").append(Ipv4Addr.format(srcAddr)).append('.').append(h.srcPort())
                .append(" > ").append(Ipv4Addr.format(dstAddr)).append('.').append(h.dstPort())
                .append(": Flags [").append(TcpFlags.tcpdump(h.flags())).append(']');
        if (payloadLength > 0 || (h.flags() & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST)) != 0) {
            sb.append(", seq ").append(Integer.toUnsignedString(seq));
            if (payloadLength > 0) {
                sb.append(':').append(Integer.toUnsignedString(seq + payloadLength));
            }
        }
        if (h.has(TcpFlags.ACK)) {
            sb.append(", ack ").append(Integer.toUnsignedString(h.ack() - ackBase));
        }
        sb.append(", win ").append(h.window());
        if (h.has(TcpFlags.URG)) {
            sb.append(", urg ").append(h.urgentPointer());
        }
        if (!h.options().isEmpty() || badOption) {
            String options = h.options().toTcpdump(ackBase, badOption);
            sb.append(", options [").append(options);
            if (badOption) {
                sb.append(options.isEmpty() ? "" : ",").append("[bad opt]");
            }
            sb.append(']');
        }
        sb.append(", length ").append(payloadLength);
        return sb.toString();
    }
}
