package dev.jtcp.report;

import dev.jtcp.sys.Errno;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

/**
 * The short texts the pictures put next to their marks. They follow the terminal ladder's notation so
 * that a reader who knows one knows the others: tcpdump's flags, sequence numbers relative to each
 * direction's ISN, the window as on the wire, and on a SYN its options without the timestamp values.
 */
final class Labels {
    private Labels() {}

    /** "S 0 win 64240 &lt;mss 1460,sackOK,TS,wscale 10&gt;", "P. 1:6(5) ack 1 win 63", ". 1 ack 7 win 64 &lt;sack 1449:2897&gt;". */
    static String segment(SegmentEvent s, int isnSrc, int isnDst) {
        TcpHeader h = s.tcp();
        if (h == null) {
            return "malformed packet";
        }
        StringBuilder sb = new StringBuilder(48).append(TcpFlags.tcpdump(h.flags())).append(' ');
        int rel = h.seq() - isnSrc;
        sb.append(Integer.toUnsignedString(rel));
        if (s.payloadLength() > 0) {
            sb.append(':').append(Integer.toUnsignedString(rel + s.payloadLength()))
                    .append('(').append(s.payloadLength()).append(')');
        }
        if (h.has(TcpFlags.ACK)) {
            sb.append(" ack ").append(Integer.toUnsignedString(h.ack() - isnDst));
        }
        sb.append(" win ").append(h.window());
        if (h.has(TcpFlags.URG)) {
            sb.append(" urg ").append(h.urgentPointer());
        }
        TcpOptions o = h.options();
        if (h.has(TcpFlags.SYN) && !o.isEmpty()) {
            sb.append(" <").append(synOptions(o)).append('>');
        } else if (!o.sackBlocks().isEmpty()) {
            sb.append(" <sack");
            for (SackBlock b : o.sackBlocks()) {
                sb.append(' ').append(Integer.toUnsignedString(b.start() - isnDst)).append(':')
                        .append(Integer.toUnsignedString(b.end() - isnDst));
            }
            sb.append('>');
        }
        return sb.toString();
    }

    /** A SYN's options without NOPs and timestamp values: what was negotiated, not the padding. */
    private static String synOptions(TcpOptions o) {
        StringBuilder sb = new StringBuilder();
        for (String part : o.toTcpdump().split(",")) {
            if (part.equals("nop") || part.equals("eol")) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(part.startsWith("TS ") ? "TS" : part);
        }
        return sb.toString();
    }

    /** "connect(10.0.0.2:80) = -1 ETIMEDOUT", "read(4096) = 5 \"hello\"". */
    static String call(CallEvent c) {
        StringBuilder sb = new StringBuilder(c.call()).append('(').append(c.args()).append(") = ");
        sb.append(c.result() >= 0 ? Long.toString(c.result()) : "-1 " + Errno.describe(c.result()));
        if (c.detail() != null && !c.detail().isEmpty()) {
            sb.append(' ').append(c.detail());
        }
        return sb.toString();
    }

    /** "SYN_SENT → ESTABLISHED". */
    static String state(StateEvent s) {
        return s.from() + " \u2192 " + s.to();
    }

    /** "retransmit timer fires". */
    static String timer(TimerEvent t) {
        return t.timer() + " timer " + switch (t.action()) {
            case "fire" -> "fires";
            case "arm" -> "armed";
            case "cancel" -> "cancelled";
            default -> t.action();
        };
    }

    /** Text cut to {@code max} characters with an ellipsis. */
    static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
