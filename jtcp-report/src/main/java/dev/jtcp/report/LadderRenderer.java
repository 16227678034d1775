package dev.jtcp.report;

import dev.jtcp.sys.Errno;
import dev.jtcp.time.Nanos;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The terminal ladder diagram of a trace: one column per host, time flowing down, an arrow leaving the
 * sender's column when a segment is sent and reaching the receiver's column when it arrives (or a cross
 * where it is dropped), state changes, timers and socket calls in their host's column, and the rule that
 * caused each event at the end of its line. Sequence numbers are shown relative to each direction's ISN
 * (as tcpdump does) with the absolute values beside them.
 */
public final class LadderRenderer {
    private static final int TIME_WIDTH = 11;
    private final int columnWidth;
    private final boolean color;
    private final boolean showTimers;

    /** ANSI colours used when writing to a terminal. */
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";

    public LadderRenderer(int columnWidth, boolean color, boolean showTimers) {
        this.columnWidth = Math.max(30, columnWidth);
        this.color = color;
        this.showTimers = showTimers;
    }

    public static LadderRenderer standard(boolean color) {
        return new LadderRenderer(60, color, true);
    }

    /**
     * Renders the events.
     *
     * @param hostColumns host names in column order (hosts found in the trace but not listed are appended)
     * @param addresses optional host name to address text, shown in the header
     */
    public String render(List<? extends TraceEvent> events, List<String> hostColumns, Map<String, String> addresses) {
        List<String> hosts = new ArrayList<>(hostColumns);
        for (TraceEvent e : events) {
            if (!hosts.contains(e.host()) && !"network".equals(e.host())) {
                hosts.add(e.host());
            }
        }
        Map<String, String> hostByAddr = new HashMap<>();
        addresses.forEach((h, a) -> hostByAddr.put(a, h));
        Isns isns = new Isns();
        for (TraceEvent e : events) {
            if (e instanceof SegmentEvent s && s.tcp() != null && s.tcp().has(TcpFlags.SYN)) {
                isns.note(s.src(), s.dst(), s.tcp().seq());
            }
        }
        StringBuilder out = new StringBuilder();
        // Header.
        StringBuilder head = new StringBuilder(pad("time (s)", TIME_WIDTH));
        for (String h : hosts) {
            String a = addresses.get(h);
            head.append(pad(a == null ? h : h + " " + a, columnWidth));
        }
        out.append(bold(head.toString().stripTrailing())).append('\n');
        out.append("-".repeat(TIME_WIDTH + columnWidth * hosts.size())).append('\n');

        List<TraceEvent> visible = filter(events);
        for (TraceEvent e : visible) {
            int col = hosts.indexOf(e.host());
            String text;
            String why = e.why();
            switch (e) {
                case SegmentEvent s -> {
                    String seg = segment(s, isns);
                    int other = otherColumn(s, hosts, hostByAddr, col);
                    boolean peerOnRight = other > col;
                    // The arrow follows the segment: it leaves the sender's column towards the receiver's.
                    switch (s.kind()) {
                        case SEND -> text = peerOnRight ? seg + " -->" : "<-- " + seg;
                        case RECV -> text = peerOnRight ? seg + " <--" : "--> " + seg;
                        default -> {
                            if ("network".equals(s.by())) {
                                // Drawn where the segment was heading, as a lost arrow.
                                col = hosts.indexOf(e.host());
                                int from = hostByAddr.containsKey(s.src().toString().split(":")[0])
                                        ? hosts.indexOf(hostByAddr.get(s.src().toString().split(":")[0])) : -1;
                                text = (from >= 0 && from < col) ? "--x LOST " + seg : seg + " LOST x--";
                                why = "network: " + why;
                            } else {
                                text = "DROP " + seg;
                            }
                        }
                    }
                    text = colorize(s.kind() == SegmentEvent.Kind.DROP ? RED : (s.kind() == SegmentEvent.Kind.SEND ? GREEN : ""), text);
                }
                case StateEvent st -> text = colorize(YELLOW, "[" + st.from() + " -> " + st.to() + "]");
                case TimerEvent t -> text = colorize(CYAN, "timer " + t.timer() + " " + t.action()
                        + ("arm".equals(t.action()) ? " @" + Nanos.toSecondsString(t.expiresNs()) : ""));
                case CallEvent c -> text = call(c);
                case TcpInfoEvent i -> text = "tcpinfo " + i.state() + " cwnd " + i.cwnd() + " inflight " + i.inFlight();
            }
            if (col < 0) {
                col = 0;
            }
            StringBuilder line = new StringBuilder(pad(Nanos.toSecondsString(e.tNs()), TIME_WIDTH));
            line.append(" ".repeat(columnWidth * col));
            line.append(pad(text, columnWidth));
            line.append(" ".repeat(columnWidth * (hosts.size() - 1 - col)));
            line.append(dim("# " + why));
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** Hides noise: tcpinfo samples, timer cancels, and an "arm" superseded by another arm of the same timer at the same instant. */
    private List<TraceEvent> filter(List<? extends TraceEvent> events) {
        List<TraceEvent> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            if (e instanceof TcpInfoEvent) {
                continue;   // samples for the plots of the HTML report: one per ACK would bury the ladder
            }
            if (e instanceof TimerEvent t) {
                if (!showTimers || "cancel".equals(t.action())) {
                    continue;
                }
                if ("arm".equals(t.action()) && supersededLater(events, i, t)) {
                    continue;
                }
            }
            out.add(e);
        }
        return out;
    }

    private static boolean supersededLater(List<? extends TraceEvent> events, int i, TimerEvent t) {
        for (int j = i + 1; j < events.size(); j++) {
            TraceEvent e = events.get(j);
            if (e.tNs() != t.tNs()) {
                return false;
            }
            if (e instanceof TimerEvent u && "arm".equals(u.action()) && u.host().equals(t.host())
                    && u.conn().equals(t.conn()) && u.timer().equals(t.timer())) {
                return true;
            }
        }
        return false;
    }

    private static int otherColumn(SegmentEvent s, List<String> hosts, Map<String, String> hostByAddr, int col) {
        Endpoint peer = s.kind() == SegmentEvent.Kind.RECV ? s.src() : s.dst();
        String addr = peer.toString().substring(0, peer.toString().lastIndexOf(':'));
        String h = hostByAddr.get(addr);
        int idx = h == null ? -1 : hosts.indexOf(h);
        if (idx < 0 || idx == col) {
            return col == 0 ? 1 : col - 1;
        }
        return idx;
    }

    private String call(CallEvent c) {
        StringBuilder sb = new StringBuilder(c.call()).append('(').append(c.args()).append(") = ");
        sb.append(c.result() >= 0 ? Long.toString(c.result()) : "-1 " + Errno.describe(c.result()));
        if (c.detail() != null && !c.detail().isEmpty()) {
            sb.append(' ').append(c.detail());
        }
        return c.result() < 0 ? colorize(RED, sb.toString()) : sb.toString();
    }

    /** "P. 1:6(5) ack 1 win 63 [2094726632/3016357988]". */
    static String segment(SegmentEvent s, Isns isns) {
        TcpHeader h = s.tcp();
        if (h == null) {
            return "(malformed)";
        }
        StringBuilder sb = new StringBuilder(TcpFlags.tcpdump(h.flags())).append(' ');
        int isn = isns.get(s.src(), s.dst());
        int rel = h.seq() - isn;
        int seqLen = s.seqLength();
        sb.append(Integer.toUnsignedString(rel));
        if (s.payloadLength() > 0) {
            sb.append(':').append(Integer.toUnsignedString(rel + s.payloadLength())).append('(').append(s.payloadLength()).append(')');
        }
        if (h.has(TcpFlags.ACK)) {
            int peerIsn = isns.get(s.dst(), s.src());
            sb.append(" ack ").append(Integer.toUnsignedString(h.ack() - peerIsn));
        }
        sb.append(" win ").append(h.window());
        if (h.has(TcpFlags.URG)) {
            sb.append(" urg ").append(h.urgentPointer());
        }
        TcpOptions o = h.options();
        if (h.has(TcpFlags.SYN) && !o.isEmpty()) {
            sb.append(" <").append(o.toTcpdump().replaceAll("TS val \\d+ ecr \\d+", "TS").replace("nop,", "")).append('>');
        } else if (!o.sackBlocks().isEmpty()) {
            int peerIsn = isns.get(s.dst(), s.src());
            sb.append(" <sack");
            for (SackBlock b : o.sackBlocks()) {
                sb.append(' ').append(Integer.toUnsignedString(b.start() - peerIsn)).append(':')
                        .append(Integer.toUnsignedString(b.end() - peerIsn));
            }
            sb.append('>');
        }
        sb.append(" [").append(Integer.toUnsignedString(h.seq()));
        if (h.has(TcpFlags.ACK)) {
            sb.append('/').append(Integer.toUnsignedString(h.ack()));
        }
        sb.append(']');
        if (seqLen == 0 && s.payloadLength() == 0) {
            // nothing more
        }
        return sb.toString();
    }

    /** Initial sequence numbers per direction, from the SYNs in the trace (0 when unknown). */
    static final class Isns {
        private final Map<String, Integer> map = new LinkedHashMap<>();

        void note(Endpoint src, Endpoint dst, int isn) {
            map.putIfAbsent(src + ">" + dst, isn);
        }

        int get(Endpoint src, Endpoint dst) {
            return map.getOrDefault(src + ">" + dst, 0);
        }
    }

    private static String pad(String s, int w) {
        int visible = visibleLength(s);
        if (visible >= w) {
            return s + " ";
        }
        return s + " ".repeat(w - visible);
    }

    private static int visibleLength(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }

    private String colorize(String code, String s) {
        return color && !code.isEmpty() ? code + s + RESET : s;
    }

    private String dim(String s) {
        return color ? DIM + s + RESET : s;
    }

    private String bold(String s) {
        return color ? "\u001b[1m" + s + RESET : s;
    }
}
