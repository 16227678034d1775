package dev.jtcp.report;

import dev.jtcp.time.Nanos;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace as a mermaid {@code sequenceDiagram}, which GitHub, GitLab and most Markdown editors draw
 * from text: one participant per host, one arrow per segment (flags, relative seq/ack, window), a note for
 * each state change and failed socket call, and a lost segment as an arrow ending in a cross. With
 * {@code whyNotes}, each segment's rule follows it as a note, and timer expiries are shown too.
 *
 * <p>A sequence diagram has no time axis, so an arrow is placed where its segment was sent, and a note
 * gives the time whenever the run was idle for a while (a retransmission timeout is then visible). Text is
 * escaped with mermaid's entity codes ({@code #60;} for "&lt;"), since "&lt;", "#" and ";" have meanings
 * in the diagram language.
 */
public final class MermaidRenderer {
    private final boolean whyNotes;

    public MermaidRenderer(boolean whyNotes) {
        this.whyNotes = whyNotes;
    }

    public String render(TraceView view) {
        Flights flights = new Flights(view);
        List<String> hosts = new ArrayList<>(view.hosts());
        hosts.addAll(flights.outsideHosts(view.hosts()));
        Map<String, String> ids = new LinkedHashMap<>();
        for (String h : hosts) {
            String id = h.replaceAll("[^A-Za-z0-9_]", "_");
            if (id.isEmpty() || !Character.isLetter(id.charAt(0))) {
                id = "h_" + id;
            }
            while (ids.containsValue(id)) {
                id = id + "_";
            }
            ids.put(h, id);
        }
        StringBuilder sb = new StringBuilder(4096);
        sb.append("sequenceDiagram\n");
        if (!view.title().isEmpty()) {
            sb.append("    %% ").append(oneLine(view.title())).append('\n');
        }
        if (!view.description().isEmpty()) {
            sb.append("    %% ").append(oneLine(view.description())).append('\n');
        }
        for (String h : hosts) {
            String a = view.addresses().get(h);
            sb.append("    participant ").append(ids.get(h)).append(" as ").append(esc(a == null ? h : h + " " + a)).append('\n');
        }
        String everyone = hosts.size() > 1 ? ids.get(hosts.getFirst()) + "," + ids.get(hosts.getLast()) : ids.get(hosts.getFirst());
        long idle = Math.max(4 * Math.max(0, flights.typicalDelayNs()), 10 * Nanos.PER_MS);
        long lastShown = 0;
        List<? extends TraceEvent> events = view.events();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            boolean drawn = switch (e) {
                case SegmentEvent s -> s.kind() == SegmentEvent.Kind.SEND
                        || (flights.of(i) != null && flights.of(i).send < 0 && (s.kind() == SegmentEvent.Kind.RECV || s.by() != null));
                case StateEvent s -> true;
                case CallEvent c -> c.failed();
                case TimerEvent t -> whyNotes && "fire".equals(t.action());
                default -> false;
            };
            if (!drawn) {
                continue;
            }
            if (e.tNs() - lastShown >= idle) {
                sb.append("    Note over ").append(everyone).append(": t = ").append(Nanos.toSecondsString(e.tNs())).append(" s\n");
            }
            lastShown = e.tNs();
            switch (e) {
                case SegmentEvent s -> segment(sb, flights, ids, events, i, s);
                case StateEvent s -> sb.append("    Note over ").append(ids.get(s.host())).append(": ").append(esc(Labels.state(s)))
                        .append(whyNotes ? esc(" (" + oneLine(s.why()) + ")") : "").append('\n');
                case CallEvent c -> sb.append("    Note over ").append(ids.get(c.host())).append(": ").append(esc(Labels.call(c)))
                        .append('\n');
                case TimerEvent t -> sb.append("    Note over ").append(ids.get(t.host())).append(": ").append(esc(Labels.timer(t)
                        + ": " + oneLine(t.why()))).append('\n');
                default -> { }
            }
        }
        return sb.toString();
    }

    private void segment(StringBuilder sb, Flights flights, Map<String, String> ids, List<? extends TraceEvent> events,
                         int i, SegmentEvent s) {
        Flights.Flight f = flights.of(i);
        String from = ids.get(f.from);
        String to = ids.get(f.to);
        String label = Labels.segment(s, flights.isnSrc(i), flights.isnDst(i));
        String arrow;
        String suffix = "";
        String note = null;
        if (f.lost()) {
            arrow = "-x";
            suffix = " (lost)";
            note = "lost in the network: " + events.get(f.networkDrop).why();
        } else if (f.hostDrop >= 0) {
            arrow = "-x";
            suffix = " (discarded by " + f.to + ")";
            note = f.to + " discarded it: " + events.get(f.hostDrop).why();
        } else if (f.recvs.isEmpty()) {
            arrow = "-)";
            suffix = " (no arrival in the trace)";
        } else {
            arrow = "->>";
        }
        sb.append("    ").append(from).append(arrow).append(to).append(": ").append(esc(label + suffix)).append('\n');
        if (whyNotes) {
            sb.append("    Note over ").append(from).append(": ").append(esc(oneLine(s.why()))).append('\n');
            if (note != null) {
                sb.append("    Note over ").append(to).append(": ").append(esc(oneLine(note))).append('\n');
            }
        } else if (f.hostDrop >= 0) {
            sb.append("    Note over ").append(to).append(": ").append(esc(oneLine(note))).append('\n');
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Mermaid entity codes for the characters the diagram language would read as syntax. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '#' -> sb.append("#35;");
                case ';' -> sb.append("#59;");
                case '<' -> sb.append("#60;");
                case '>' -> sb.append("#62;");
                case '%' -> sb.append("#37;");
                case '&' -> sb.append("#38;");
                case '"' -> sb.append("#quot;");
                case '\n', '\r' -> sb.append(' ');
                default -> sb.append(c < 0x20 ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
