package dev.jtcp.trace;

import dev.jtcp.time.Nanos;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The trace as JSON Lines: one object per event. Field order is fixed (t, host, type, type-specific
 * fields, why) so that the same run gives byte-identical output. Sequence numbers are absolute and
 * unsigned; {@code t} is virtual seconds with microsecond precision.
 */
public final class Jsonl {
    private Jsonl() {}

    /** One event as one JSON object (no trailing newline). */
    public static String toJson(TraceEvent e) {
        StringBuilder sb = new StringBuilder(192);
        sb.append("{\"t\":").append(Nanos.toSecondsString(e.tNs()));
        str(sb, "host", e.host());
        str(sb, "type", e.type());
        switch (e) {
            case SegmentEvent s -> {
                str(sb, "src", s.src().toString());
                str(sb, "dst", s.dst().toString());
                TcpHeader h = s.tcp();
                if (h != null) {
                    str(sb, "flags", TcpFlags.tcpdump(h.flags()));
                    num(sb, "seq", Integer.toUnsignedLong(h.seq()));
                    num(sb, "ack", Integer.toUnsignedLong(h.ack()));
                    num(sb, "len", s.payloadLength());
                    num(sb, "win", h.window());
                    if (h.has(TcpFlags.URG)) {
                        num(sb, "urg", h.urgentPointer());
                    }
                    str(sb, "opts", h.options().toTcpdump());
                }
                if (s.by() != null) {
                    str(sb, "by", s.by());
                }
            }
            case StateEvent s -> {
                str(sb, "conn", s.conn());
                str(sb, "from", s.from());
                str(sb, "to", s.to());
            }
            case TimerEvent t -> {
                str(sb, "conn", t.conn());
                str(sb, "timer", t.timer());
                str(sb, "action", t.action());
                sb.append(",\"expires\":").append(Nanos.toSecondsString(t.expiresNs()));
            }
            case CallEvent c -> {
                num(sb, "fd", c.fd());
                str(sb, "call", c.call());
                str(sb, "args", c.args());
                if (c.result() >= 0) {
                    num(sb, "result", c.result());
                } else {
                    str(sb, "result", c.resultText());
                }
                if (c.detail() != null && !c.detail().isEmpty()) {
                    str(sb, "detail", c.detail());
                }
            }
            case TcpInfoEvent i -> {
                str(sb, "conn", i.conn());
                str(sb, "state", i.state());
                num(sb, "cwnd", i.cwnd());
                num(sb, "ssthresh", i.ssthresh());
                num(sb, "mss", i.mss());
                num(sb, "inflight", i.inFlight());
                num(sb, "rcv_wnd", i.rcvWnd());
                num(sb, "snd_wnd", i.sndWnd());
                num(sb, "srtt_us", i.srttUs());
            }
        }
        str(sb, "why", e.why());
        return sb.append('}').toString();
    }

    /** Writes every event, one per line. */
    public static void write(Iterable<? extends TraceEvent> events, Appendable out) {
        try {
            for (TraceEvent e : events) {
                out.append(toJson(e)).append('\n');
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void num(StringBuilder sb, String key, long v) {
        sb.append(",\"").append(key).append("\":").append(v);
    }

    private static void str(StringBuilder sb, String key, String v) {
        sb.append(",\"").append(key).append("\":");
        quote(sb, v);
    }

    /** Appends a JSON string literal. */
    public static void quote(StringBuilder sb, String v) {
        if (v == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
