package dev.jtcp.report;

import dev.jtcp.time.Nanos;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ladder diagram as an SVG picture, drawn directly (no layout engine, no script): one vertical lifeline
 * per host, time flowing down, each segment an arrow from its sender at the time it left to its receiver at
 * the time it arrived, so the slant shows the link delay. A segment lost in the network ends in a cross
 * part of the way across; one the receiver discarded ends in a cross at the receiver. Beside each lifeline,
 * one coloured band per connection shows its state over time, and the host's state changes, socket calls
 * and timer expiries are written next to it. Every mark carries its rule (the {@code why}) as a tooltip.
 *
 * <p>The time scale is proportional with long idle stretches compressed (see {@link TimeAxis}); each
 * compressed gap is marked with its real length. Output is deterministic: the same trace gives the same
 * bytes. Elements carry classes ({@code seg}, {@code lost}, {@code band}, ...) so that tests and style
 * sheets can find them.
 */
public final class SvgRenderer {
    private static final double TIME_W = 96;
    private static final double OUTER = 290;
    private static final double GAP = 430;
    private static final double ROW = 18;
    private static final double UNIT = 54;
    private static final double CAP = 90;
    private static final double BAND_W = 6;
    private static final double BAND_STEP = 8;
    private static final String MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace";
    private static final String SANS = "DejaVu Sans, Helvetica, Arial, sans-serif";

    /** Colours of the connection states, chosen to be told apart and to read on white. */
    private static final Map<String, String> STATE_COLOURS = new LinkedHashMap<>();

    static {
        STATE_COLOURS.put("LISTEN", "#adb5bd");
        STATE_COLOURS.put("SYN_SENT", "#f4a261");
        STATE_COLOURS.put("SYN_RECV", "#e9c46a");
        STATE_COLOURS.put("ESTABLISHED", "#2a9d8f");
        STATE_COLOURS.put("FIN_WAIT1", "#48cae4");
        STATE_COLOURS.put("FIN_WAIT2", "#0077b6");
        STATE_COLOURS.put("CLOSE_WAIT", "#b388eb");
        STATE_COLOURS.put("CLOSING", "#f15bb5");
        STATE_COLOURS.put("LAST_ACK", "#e76f51");
        STATE_COLOURS.put("TIME_WAIT", "#6d597a");
    }

    /** Arrow colours by what the segment carries. */
    private static final String C_SYN = "#2b9348";
    private static final String C_FIN = "#7b2cbf";
    private static final String C_RST = "#c1121f";
    private static final String C_DATA = "#1d4ed8";
    private static final String C_ACK = "#495057";
    private static final String C_LOST = "#d62828";

    private final int maxRows;

    /** A renderer that draws at most {@code maxRows} rows (events beyond are left out, with a note). */
    public SvgRenderer(int maxRows) {
        this.maxRows = Math.max(1, maxRows);
    }

    /**
     * Rows drawn by default: every scenario whole but the long congestion-control runs (slow-start, cubic:
     * their HTML plots show cwnd over the whole run), and a flood of thousands of segments still opens.
     */
    public static final int DEFAULT_ROWS = 20_000;

    public SvgRenderer() {
        this(DEFAULT_ROWS);
    }

    /** The colour a state is drawn in (grey for states without one of their own). */
    static String stateColour(String state) {
        return STATE_COLOURS.getOrDefault(state, "#ced4da");
    }

    /** A standalone SVG document. */
    public String render(TraceView view) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(view, "jtcp-");
    }

    /** The svg element alone, for embedding in HTML; ids start with {@code idPrefix}. */
    String svg(TraceView view, String idPrefix) {
        return new Drawing(view, idPrefix).draw();
    }

    /** One drawing: layout first, then the elements in a fixed order. */
    private final class Drawing {
        private final TraceView view;
        private final List<TraceEvent> events;
        private final Flights flights;
        private final List<String> columns = new ArrayList<>();
        private final String ids;
        private final int[] rowOf;
        private final int[] eventOfRow;
        private final int hidden;
        private final TimeAxis axis;
        private final double top;
        private final double width;
        private final double bottom;
        private final long unitNs;
        private final Map<String, List<Band>> bands = new LinkedHashMap<>();
        private final Map<String, Integer> slotsPerHost = new LinkedHashMap<>();
        private final Set<String> statesSeen = new LinkedHashSet<>();
        private final StringBuilder out = new StringBuilder(1 << 16);

        Drawing(TraceView view, String ids) {
            this.view = view;
            this.ids = ids;
            this.events = view.events();
            this.flights = new Flights(view);
            columns.addAll(view.hosts());
            columns.addAll(flights.outsideHosts(view.hosts()));
            if (columns.isEmpty()) {
                columns.add("(no hosts)");
            }
            rowOf = new int[events.size()];
            Arrays.fill(rowOf, -1);
            List<Integer> rowEvents = new ArrayList<>();
            int skipped = 0;
            for (int i = 0; i < events.size(); i++) {
                if (visible(i)) {
                    if (rowEvents.size() >= maxRows) {
                        skipped++;
                        continue;
                    }
                    rowOf[i] = rowEvents.size();
                    rowEvents.add(i);
                }
            }
            hidden = skipped;
            eventOfRow = rowEvents.stream().mapToInt(Integer::intValue).toArray();
            long[] times = new long[eventOfRow.length];
            for (int r = 0; r < times.length; r++) {
                times[r] = events.get(eventOfRow[r]).tNs();
            }
            unitNs = unit(times);
            top = view.title().isEmpty() ? 64 : view.description().isEmpty() ? 96 : 112;
            axis = new TimeAxis(times, unitNs, top, ROW, UNIT, CAP);
            double last = times.length == 0 ? top : axis.rowY(times.length - 1);
            layoutBands(last + 2 * ROW);
            bottom = last + 2 * ROW;
            width = x(columns.size() - 1) + OUTER + 16;
        }

        /** What gets a row: everything a reader follows; timer arms and cancels, and samples, do not. */
        private boolean visible(int i) {
            return switch (events.get(i)) {
                case SegmentEvent s -> s.kind() != SegmentEvent.Kind.DROP || !"network".equals(s.by());
                case StateEvent s -> true;
                case CallEvent c -> true;
                case TimerEvent t -> "fire".equals(t.action());
                default -> false;
            };
        }

        /** The time that spans {@link #UNIT} pixels: the link delay when the trace shows it. */
        private long unit(long[] times) {
            long d = flights.typicalDelayNs();
            if (d > 0) {
                return d;
            }
            List<Long> dts = new ArrayList<>();
            for (int r = 1; r < times.length; r++) {
                if (times[r] > times[r - 1]) {
                    dts.add(times[r] - times[r - 1]);
                }
            }
            if (dts.isEmpty()) {
                return Nanos.PER_MS;
            }
            dts.sort(null);
            return dts.get(dts.size() / 2);
        }

        private double x(int column) {
            return TIME_W + OUTER + column * GAP;
        }

        private double x(String host) {
            int c = columns.indexOf(host);
            return x(Math.max(0, c));
        }

        /** Which way a host's texts and bands go: left for the first column, right for the others. */
        private int side(String host) {
            return columns.indexOf(host) == 0 && columns.size() > 1 ? -1 : 1;
        }

        private double textX(String host) {
            int slots = slotsPerHost.getOrDefault(host, 0);
            return x(host) + side(host) * (BAND_STEP + slots * BAND_STEP + 6);
        }

        private String anchor(String host) {
            return side(host) < 0 ? "end" : "start";
        }

        record Band(String conn, String state, double y0, double y1, int slot) {}

        /** Each connection's states as stretches of its band; a band slot is reused once its connection ended. */
        private void layoutBands(double end) {
            Map<String, Map<String, List<Integer>>> perHost = new LinkedHashMap<>();
            for (int r = 0; r < eventOfRow.length; r++) {
                if (events.get(eventOfRow[r]) instanceof StateEvent s) {
                    perHost.computeIfAbsent(s.host(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(s.conn(), k -> new ArrayList<>()).add(r);
                }
            }
            for (Map.Entry<String, Map<String, List<Integer>>> h : perHost.entrySet()) {
                List<Double> slotFree = new ArrayList<>();
                List<Band> list = new ArrayList<>();
                for (Map.Entry<String, List<Integer>> c : h.getValue().entrySet()) {
                    List<Integer> rows = c.getValue();
                    double start = axis.rowY(rows.getFirst());
                    StateEvent last = (StateEvent) events.get(eventOfRow[rows.getLast()]);
                    double stop = "CLOSE".equals(last.to()) ? axis.rowY(rows.getLast()) : end;
                    int slot = 0;
                    while (slot < slotFree.size() && slotFree.get(slot) > start) {
                        slot++;
                    }
                    if (slot == slotFree.size()) {
                        slotFree.add(stop);
                    } else {
                        slotFree.set(slot, stop);
                    }
                    for (int k = 0; k < rows.size(); k++) {
                        StateEvent s = (StateEvent) events.get(eventOfRow[rows.get(k)]);
                        if ("CLOSE".equals(s.to())) {
                            continue;
                        }
                        double y0 = axis.rowY(rows.get(k));
                        double y1 = k + 1 < rows.size() ? axis.rowY(rows.get(k + 1)) : end;
                        list.add(new Band(c.getKey(), s.to(), y0, y1, slot));
                        statesSeen.add(s.to());
                    }
                }
                bands.put(h.getKey(), list);
                slotsPerHost.put(h.getKey(), slotFree.size());
            }
        }

        String draw() {
            double height = bottom + (statesSeen.isEmpty() ? 0 : 34) + (hidden > 0 ? 22 : 0) + 12;
            out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"jtcp-ladder\" width=\"").append(Xml.num(width))
                    .append("\" height=\"").append(Xml.num(height)).append("\" viewBox=\"0 0 ").append(Xml.num(width))
                    .append(' ').append(Xml.num(height)).append("\" font-family=\"").append(SANS).append("\" font-size=\"11\">\n");
            out.append("<title>").append(Xml.esc(view.title().isEmpty() ? "jtcp ladder diagram" : view.title())).append("</title>\n");
            defs();
            out.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(Xml.num(width)).append("\" height=\"")
                    .append(Xml.num(height)).append("\" fill=\"#ffffff\"/>\n");
            heading();
            lifelines();
            bandsAndLegend();
            timeLabels();
            for (int r = 0; r < eventOfRow.length; r++) {
                row(r);
            }
            if (hidden > 0) {
                out.append("<text class=\"note\" x=\"").append(Xml.num(TIME_W)).append("\" y=\"")
                        .append(Xml.num(height - 16)).append("\" fill=\"#c1121f\">").append(hidden)
                        .append(" more events not drawn (the picture stops after ").append(maxRows)
                        .append(" rows; the text and JSONL formats have them all)</text>\n");
            }
            out.append("</svg>\n");
            return out.toString();
        }

        private void defs() {
            out.append("<defs>\n");
            for (String c : List.of(C_SYN, C_FIN, C_RST, C_DATA, C_ACK)) {
                out.append("<marker id=\"").append(ids).append("ah").append(c.substring(1))
                        .append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">")
                        .append("<path d=\"M0,1L10,5L0,9z\" fill=\"").append(c).append("\"/></marker>\n");
            }
            out.append("</defs>\n");
        }

        private void heading() {
            if (!view.title().isEmpty()) {
                out.append("<text class=\"title\" x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\">")
                        .append(Xml.esc(view.title())).append("</text>\n");
            }
            if (!view.title().isEmpty() && !view.description().isEmpty()) {
                int chars = (int) ((width - 32) / 6.2);
                out.append("<text class=\"description\" x=\"16\" y=\"42\" fill=\"#555\">")
                        .append(Xml.esc(Labels.cut(view.description(), chars))).append("</text>\n");
            }
            double hy = top - 36;
            for (String h : columns) {
                double x = x(h);
                out.append("<text class=\"host\" x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(hy))
                        .append("\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">").append(Xml.esc(h)).append("</text>\n");
                String a = view.addresses().get(h);
                if (a != null) {
                    out.append("<text class=\"address\" x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(hy + 14))
                            .append("\" text-anchor=\"middle\" fill=\"#555\">").append(Xml.esc(a)).append("</text>\n");
                }
            }
            out.append("<text class=\"axis-title\" x=\"").append(Xml.num(TIME_W - 8)).append("\" y=\"").append(Xml.num(hy))
                    .append("\" text-anchor=\"end\" fill=\"#555\">time (s)</text>\n");
        }

        private void lifelines() {
            double y0 = top - 14;
            for (String h : columns) {
                double x = x(h);
                out.append("<line class=\"lifeline\" x1=\"").append(Xml.num(x)).append("\" y1=\"").append(Xml.num(y0))
                        .append("\" x2=\"").append(Xml.num(x)).append("\" y2=\"").append(Xml.num(bottom))
                        .append("\" stroke=\"#343a40\" stroke-width=\"1.5\"/>\n");
            }
            for (TimeAxis.Gap g : axis.gaps()) {
                double ym = (g.y0() + g.y1()) / 2;
                out.append("<g class=\"gap\"><title>").append(Xml.esc(idle(g.dtNs()))).append(" without events (scale compressed)</title>");
                out.append("<text x=\"").append(Xml.num(TIME_W - 8)).append("\" y=\"").append(Xml.num(ym + 4))
                        .append("\" text-anchor=\"end\" fill=\"#868e96\" font-style=\"italic\">")
                        .append(Xml.esc("\u2248 +" + idle(g.dtNs()))).append("</text>");
                for (String h : columns) {
                    double x = x(h);
                    out.append("<rect x=\"").append(Xml.num(x - 7)).append("\" y=\"").append(Xml.num(ym - 5))
                            .append("\" width=\"14\" height=\"10\" fill=\"#ffffff\"/>");
                    for (double d : new double[] {-4, 3}) {
                        out.append("<line x1=\"").append(Xml.num(x - 7)).append("\" y1=\"").append(Xml.num(ym + d + 3))
                                .append("\" x2=\"").append(Xml.num(x + 7)).append("\" y2=\"").append(Xml.num(ym + d - 3))
                                .append("\" stroke=\"#343a40\" stroke-width=\"1.5\"/>");
                    }
                }
                out.append("</g>\n");
            }
        }

        private static String idle(long ns) {
            double s = ns / 1e9;
            if (s >= 1) {
                return Xml.num(s) + " s";
            }
            return Xml.num(s * 1000) + " ms";
        }

        private void bandsAndLegend() {
            for (Map.Entry<String, List<Band>> e : bands.entrySet()) {
                String host = e.getKey();
                for (Band b : e.getValue()) {
                    double x = x(host) + side(host) * (BAND_STEP + b.slot() * BAND_STEP) - (side(host) < 0 ? BAND_W : 0);
                    out.append("<rect class=\"band\" data-state=\"").append(b.state()).append("\" x=\"").append(Xml.num(x))
                            .append("\" y=\"").append(Xml.num(b.y0())).append("\" width=\"").append(Xml.num(BAND_W))
                            .append("\" height=\"").append(Xml.num(Math.max(1, b.y1() - b.y0()))).append("\" fill=\"")
                            .append(stateColour(b.state())).append("\"><title>").append(Xml.esc(host + " " + b.conn() + ": " + b.state()))
                            .append("</title></rect>\n");
                }
            }
            if (statesSeen.isEmpty()) {
                return;
            }
            double y = bottom + 20;
            double x = TIME_W;
            out.append("<g class=\"legend\">");
            for (String s : STATE_COLOURS.keySet()) {
                if (!statesSeen.contains(s)) {
                    continue;
                }
                out.append("<rect x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(y - 9)).append("\" width=\"10\" height=\"10\" fill=\"")
                        .append(stateColour(s)).append("\"/><text x=\"").append(Xml.num(x + 14)).append("\" y=\"").append(Xml.num(y))
                        .append("\">").append(s).append("</text>");
                x += 24 + s.length() * 7;
            }
            for (String s : statesSeen) {
                if (!STATE_COLOURS.containsKey(s)) {
                    out.append("<rect x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(y - 9)).append("\" width=\"10\" height=\"10\" fill=\"")
                            .append(stateColour(s)).append("\"/><text x=\"").append(Xml.num(x + 14)).append("\" y=\"").append(Xml.num(y))
                            .append("\">").append(Xml.esc(s)).append("</text>");
                    x += 24 + s.length() * 7;
                }
            }
            out.append("</g>\n");
        }

        private void timeLabels() {
            double lastY = -100;
            long lastT = -1;
            for (int r = 0; r < eventOfRow.length; r++) {
                long t = axis.rowTime(r);
                double y = axis.rowY(r);
                if (t == lastT || y - lastY < 13) {
                    continue;
                }
                out.append("<text class=\"time\" x=\"").append(Xml.num(TIME_W - 8)).append("\" y=\"").append(Xml.num(y + 4))
                        .append("\" text-anchor=\"end\" fill=\"#6c757d\" font-family=\"").append(MONO).append("\" font-size=\"10\">")
                        .append(Nanos.toSecondsString(t)).append("</text>\n");
                lastY = y;
                lastT = t;
            }
        }

        private void row(int r) {
            int i = eventOfRow[r];
            TraceEvent e = events.get(i);
            double y = axis.rowY(r);
            switch (e) {
                case SegmentEvent s -> segmentRow(i, s, y);
                case StateEvent s -> text(s, "state", Labels.state(s), darker(stateColour(s.to())), y, "bold");
                case CallEvent c -> text(c, "call", Labels.cut(Labels.call(c), 46), c.failed() ? C_RST : "#212529", y, null);
                case TimerEvent t -> {
                    out.append("<g class=\"timer\"><title>").append(Xml.esc(tip(t))).append("</title><circle cx=\"")
                            .append(Xml.num(x(t.host()))).append("\" cy=\"").append(Xml.num(y)).append("\" r=\"3\" fill=\"#0077b6\"/>");
                    textElement(t.host(), Labels.timer(t), "#0077b6", y, "italic");
                    out.append("</g>\n");
                }
                default -> { }
            }
        }

        private void text(TraceEvent e, String cls, String text, String colour, double y, String weight) {
            out.append("<g class=\"").append(cls).append("\"><title>").append(Xml.esc(tip(e))).append("</title>");
            textElement(e.host(), text, colour, y, weight);
            out.append("</g>\n");
        }

        private void textElement(String host, String text, String colour, double y, String style) {
            out.append("<text x=\"").append(Xml.num(textX(host))).append("\" y=\"").append(Xml.num(y + 4))
                    .append("\" text-anchor=\"").append(anchor(host))
                    .append("\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" fill=\"").append(colour).append('"');
            if ("bold".equals(style)) {
                out.append(" font-weight=\"bold\"");
            } else if ("italic".equals(style)) {
                out.append(" font-style=\"italic\"");
            }
            out.append('>').append(Xml.esc(text)).append("</text>");
        }

        private String tip(TraceEvent e) {
            return Nanos.toSecondsString(e.tNs()) + " " + e.host() + ": " + (e.why() == null ? "" : e.why());
        }

        private void segmentRow(int i, SegmentEvent s, double y) {
            Flights.Flight f = flights.of(i);
            switch (s.kind()) {
                case SEND -> arrow(f, i, s, y);
                case RECV -> {
                    if (f == null || f.send < 0 || rowOf[f.send] < 0) {
                        arrow(f, i, s, y);   // an arrival whose transmission is not drawn
                    }
                }
                case DROP -> {
                    String why = s.why() == null ? "" : s.why();
                    String text = f != null && !f.recvs.isEmpty() ? "discarded: " + why : "dropped: " + why;
                    double x = x(s.host());
                    out.append("<g class=\"discard\"><title>").append(Xml.esc(tip(s))).append("</title>");
                    cross(x, y, 5, C_LOST);
                    textElement(s.host(), Labels.cut(text, 46), C_LOST, y, null);
                    out.append("</g>\n");
                }
            }
        }

        /** One segment: from its sender to each arrival, or to a cross where it was lost. */
        private void arrow(Flights.Flight f, int i, SegmentEvent s, double y) {
            String from = f == null ? s.host() : f.from;
            String to = f == null ? s.host() : f.to;
            double x1 = x(from);
            double x2 = x(to);
            boolean self = x1 == x2;   // a host talking to itself: a loop beside its lifeline
            if (self) {
                x2 = x1 + (side(from) < 0 ? -GAP / 2 : GAP / 2);
            }
            String colour = colour(s);
            boolean lost = f != null && f.lost();
            long delay = flights.delayNs(from, to);
            String label = Labels.segment(s, flights.isnSrc(i), flights.isnDst(i));
            StringBuilder tip = new StringBuilder(Nanos.toSecondsString(s.tNs())).append(' ').append(from)
                    .append(" \u2192 ").append(to).append(": ").append(label).append(" \u2014 ").append(s.why() == null ? "" : s.why());
            List<double[]> ends = new ArrayList<>();
            double y1 = y;
            if (f != null && f.send >= 0 && s.kind() == SegmentEvent.Kind.SEND) {
                for (int rv : f.recvs) {
                    if (rowOf[rv] >= 0) {
                        ends.add(new double[] {x2, axis.rowY(rowOf[rv])});
                        TraceEvent re = events.get(rv);
                        tip.append("; arrived ").append(Nanos.toSecondsString(re.tNs())).append(": ").append(re.why());
                    }
                }
                if (f.networkDrop >= 0) {
                    tip.append("; lost in the network: ").append(events.get(f.networkDrop).why());
                }
            } else if (s.kind() == SegmentEvent.Kind.RECV) {
                // Drawn from where it would have left.
                y1 = delay > 0 ? Math.min(y - ROW, axis.y(s.tNs() - delay)) : y - 2 * ROW;
                ends.add(new double[] {x2, y});
            }
            String cls = lost ? "seg lost" : (ends.isEmpty() ? "seg unanswered" : "seg");
            out.append("<g class=\"").append(cls).append("\" data-from=\"").append(Xml.esc(from)).append("\" data-to=\"")
                    .append(Xml.esc(to)).append("\"><title>").append(Xml.esc(tip.toString())).append("</title>");
            double labelY2;
            if (ends.isEmpty()) {
                double projected = delay > 0 ? axis.y(s.tNs() + delay) : y + 2 * ROW;
                projected = Math.max(projected, y + 2 * ROW);
                if (lost) {
                    double cx = x1 + (x2 - x1) * 0.8;
                    double cy = y + (projected - y) * 0.8;
                    line(x1, y, cx, cy, C_LOST, true, null);
                    cross(cx, cy, 6, C_LOST);
                    labelY2 = projected;
                    colour = C_LOST;
                } else {
                    line(x1, y, x2, projected, "#adb5bd", true, C_ACK);
                    labelY2 = projected;
                }
            } else if (self) {
                for (double[] end : ends) {
                    loop(x1, y1, end[1], side(from), colour);
                }
                labelY2 = ends.getFirst()[1];
            } else {
                for (double[] end : ends) {
                    line(x1, y1, end[0], end[1], colour, false, colour);
                }
                labelY2 = ends.getFirst()[1];
            }
            if (self || crowded(i, s, x2 - x1, labelY2 - y1)) {
                flatLabel(x1, y1, x2, label, colour);
            } else {
                label(x1, y1, x2, labelY2, label, colour);
            }
            out.append("</g>\n");
        }

        /**
         * Whether the arrow has a parallel neighbour (the segment sent just before or after it, on the same
         * way) so close that labels along both would overlap: then the label is written flat on the arrow's
         * own row, where no other text is.
         */
        private boolean crowded(int i, SegmentEvent s, double dx, double dy) {
            int r = rowOf[i];
            double cos = Math.abs(dx) / Math.hypot(dx, dy);
            for (int n = Math.max(0, r - 3); n <= Math.min(eventOfRow.length - 1, r + 3); n++) {
                if (n != r && events.get(eventOfRow[n]) instanceof SegmentEvent o && o.kind() == SegmentEvent.Kind.SEND
                        && o.host().equals(s.host()) && o.dst().equals(s.dst())
                        && (Math.abs(n - r) == 1 || Math.abs(axis.rowY(n) - axis.rowY(r)) * cos < 16)) {
                    return true;
                }
            }
            return false;
        }

        /** A label on the sender's row, just off the lifeline, with a white halo over any line it crosses. */
        private void flatLabel(double x1, double y1, double x2, String text, String colour) {
            boolean leftwards = x2 < x1;
            double x = x1 + (leftwards ? -10 : 10);
            out.append("<text class=\"label\" x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(y1 - 2))
                    .append("\" text-anchor=\"").append(leftwards ? "end" : "start")
                    .append("\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" fill=\"").append(colour)
                    .append("\" font-family=\"").append(MONO).append("\" font-size=\"10.5\">").append(Xml.esc(text)).append("</text>");
        }

        private void line(double x1, double y1, double x2, double y2, String colour, boolean dashed, String marker) {
            out.append("<line x1=\"").append(Xml.num(x1)).append("\" y1=\"").append(Xml.num(y1)).append("\" x2=\"")
                    .append(Xml.num(x2)).append("\" y2=\"").append(Xml.num(y2)).append("\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"1.4\"");
            if (dashed) {
                out.append(" stroke-dasharray=\"5 3\"");
            }
            if (marker != null) {
                out.append(" marker-end=\"url(#").append(ids).append("ah").append(marker.substring(1)).append(")\"");
            }
            out.append("/>");
        }

        /** A segment from a host to itself: out of the lifeline and back, arriving at its arrival row. */
        private void loop(double x, double y1, double y2, int side, String colour) {
            double bulge = x + side * 70;
            out.append("<path d=\"M").append(Xml.num(x)).append(',').append(Xml.num(y1)).append('C').append(Xml.num(bulge))
                    .append(',').append(Xml.num(y1)).append(' ').append(Xml.num(bulge)).append(',').append(Xml.num(y2)).append(' ')
                    .append(Xml.num(x)).append(',').append(Xml.num(y2)).append("\" fill=\"none\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"1.4\" marker-end=\"url(#").append(ids).append("ah").append(colour.substring(1))
                    .append(")\"/>");
        }

        private void cross(double x, double y, double r, String colour) {
            out.append("<path class=\"cross\" d=\"M").append(Xml.num(x - r)).append(',').append(Xml.num(y - r))
                    .append('L').append(Xml.num(x + r)).append(',').append(Xml.num(y + r)).append('M')
                    .append(Xml.num(x - r)).append(',').append(Xml.num(y + r)).append('L').append(Xml.num(x + r))
                    .append(',').append(Xml.num(y - r)).append("\" stroke=\"").append(colour).append("\" stroke-width=\"2.2\" fill=\"none\"/>");
        }

        /**
         * The label runs along the arrow, starting just after the sender, so that parallel arrows of a burst
         * get parallel labels and arrows crossing in the middle do not cover each other's text.
         */
        private void label(double x1, double y1, double x2, double y2, String text, String colour) {
            double dx = x2 - x1;
            double dy = y2 - y1;
            boolean leftwards = dx < 0;
            double angle = Math.toDegrees(Math.atan2(leftwards ? -dy : dy, leftwards ? -dx : dx));
            double len = Math.hypot(dx, dy);
            double lift = 4;
            // a point 16 px along the arrow from the sender, lifted off the line
            double ux = dx / len;
            double uy = dy / len;
            double px = x1 + ux * 16;
            double py = y1 + uy * 16;
            // normal pointing up (towards smaller y) relative to reading direction
            double nx = leftwards ? -uy : uy;
            double ny = leftwards ? ux : -ux;
            if (ny > 0) {
                nx = -nx;
                ny = -ny;
            }
            px += nx * lift;
            py += ny * lift;
            out.append("<text class=\"label\" x=\"").append(Xml.num(px)).append("\" y=\"").append(Xml.num(py))
                    .append("\" text-anchor=\"").append(leftwards ? "end" : "start").append("\" transform=\"rotate(")
                    .append(Xml.num(angle)).append(' ').append(Xml.num(px)).append(' ').append(Xml.num(py))
                    .append(")\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\" fill=\"").append(colour)
                    .append("\" font-family=\"").append(MONO).append("\" font-size=\"10.5\">")
                    .append(Xml.esc(text)).append("</text>");
        }

        private String colour(SegmentEvent s) {
            TcpHeader h = s.tcp();
            if (h == null) {
                return C_RST;
            }
            if (h.has(TcpFlags.RST)) {
                return C_RST;
            }
            if (h.has(TcpFlags.SYN)) {
                return C_SYN;
            }
            if (h.has(TcpFlags.FIN)) {
                return C_FIN;
            }
            return s.payloadLength() > 0 ? C_DATA : C_ACK;
        }
    }

    /** A darker shade for text in a state's colour (the band colours are light). */
    private static String darker(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        int r = (v >> 16 & 0xff) * 6 / 10;
        int g = (v >> 8 & 0xff) * 6 / 10;
        int b = (v & 0xff) * 6 / 10;
        return String.format("#%02x%02x%02x", r, g, b);
    }
}
