package dev.jtcp.report;

import dev.jtcp.time.Nanos;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A report of one run as a single self-contained HTML file: the ladder diagram, a state timeline per
 * connection, plots over time of the congestion window, slow-start threshold, bytes in flight, receive
 * windows and smoothed RTT of each connection, the hosts' counters, the settings used, and every event with
 * its rule.
 *
 * <p>Everything is inline (styles and SVG pictures, no script, no font, no image file), and a content
 * security policy forbids the page any other source, so it opens anywhere without network access and
 * can be mailed or attached as one file. The plots are drawn as SVG here rather than by a charting
 * library in the browser, which keeps the file small, deterministic (same trace, same bytes) and readable
 * without JavaScript.
 *
 * <p>The plots read {@link TcpInfoEvent} samples. A trace without them (an engine that does not emit them,
 * a trace saved by an older version) gets "no samples" in place of each plot.
 */
public final class HtmlRenderer {
    /** Rows of the ladder by default: enough for any scenario, and a page a browser still opens quickly. */
    public static final int DEFAULT_LADDER_ROWS = 6000;
    private static final int MAX_EVENT_ROWS = 50_000;
    private static final double PLOT_W = 320;
    private static final double PLOT_H = 170;
    private static final double TIMELINE_W = 880;

    private final int ladderRows;

    /** A report whose ladder stops after {@code ladderRows} rows (the event table has every event). */
    public HtmlRenderer(int ladderRows) {
        this.ladderRows = ladderRows;
    }

    public HtmlRenderer() {
        this(DEFAULT_LADDER_ROWS);
    }

    public String render(TraceView view) {
        return new Page(view, ladderRows).build();
    }

    /** One connection as seen from one host. */
    private record Side(String host, String conn) {
        String label() {
            return host + " " + conn;
        }
    }

    private static final class Page {
        private final TraceView view;
        private final Flights flights;
        private final StringBuilder out = new StringBuilder(1 << 16);
        private final int ladderRows;

        Page(TraceView view, int ladderRows) {
            this.view = view;
            this.flights = new Flights(view);
            this.ladderRows = ladderRows;
        }

        String build() {
            String title = view.title().isEmpty() ? "jtcp trace report" : view.title();
            out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<meta name=\"generator\" content=\"jtcp\">\n")
                    .append("<title>").append(Xml.esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
            out.append("<header>\n<h1>").append(Xml.esc(title)).append("</h1>\n");
            if (!view.description().isEmpty()) {
                out.append("<p class=\"description\">").append(Xml.esc(view.description())).append("</p>\n");
            }
            out.append("<nav><a href=\"#ladder\">ladder</a> <a href=\"#connections\">connections</a> <a href=\"#plots\">plots</a> ")
                    .append("<a href=\"#counters\">counters</a> <a href=\"#settings\">settings</a> <a href=\"#events\">events</a></nav>\n</header>\n");
            summary();
            ladder();
            connections();
            plots();
            counters();
            settings();
            eventTable();
            out.append("<footer>made by jtcp from ").append(view.events().size()).append(" trace events</footer>\n</body>\n</html>\n");
            return out.toString();
        }

        private void summary() {
            int sent = 0;
            int lost = 0;
            int discarded = 0;
            for (TraceEvent e : view.events()) {
                if (e instanceof SegmentEvent s) {
                    switch (s.kind()) {
                        case SEND -> sent++;
                        case DROP -> {
                            if ("network".equals(s.by())) {
                                lost++;
                            } else {
                                discarded++;
                            }
                        }
                        default -> { }
                    }
                }
            }
            out.append("<section id=\"summary\">\n<table class=\"summary\">\n");
            StringBuilder hosts = new StringBuilder();
            for (String h : view.hosts()) {
                if (!hosts.isEmpty()) {
                    hosts.append(", ");
                }
                String a = view.addresses().get(h);
                hosts.append(h).append(a == null ? "" : " (" + a + ")");
            }
            row2("hosts", hosts.toString());
            row2("run length", Nanos.toSecondsString(view.endNs()) + " s (virtual time)");
            row2("events", Integer.toString(view.events().size()));
            row2("segments sent", Integer.toString(sent));
            row2("lost in the network", Integer.toString(lost));
            row2("discarded by a host", Integer.toString(discarded));
            out.append("</table>\n</section>\n");
        }

        private void row2(String k, String v) {
            out.append("<tr><th>").append(Xml.esc(k)).append("</th><td>").append(Xml.esc(v)).append("</td></tr>\n");
        }

        private void ladder() {
            out.append("<section id=\"ladder\">\n<h2>Ladder</h2>\n<p class=\"help\">Time flows down; long idle stretches are compressed "
                    + "(marked \u2248 with their length). Each arrow is a segment from its sender to its receiver; a cross marks a "
                    + "segment lost in the network or discarded. The bands beside each host show its connections' states. "
                    + "Hover over anything for the rule that caused it.</p>\n<div class=\"scroll\">\n");
            // the page already has the title: the picture goes without its own heading
            TraceView bare = view.withTitle("", "");
            out.append(new SvgRenderer(ladderRows).svg(bare, "ladder-"));
            out.append("</div>\n</section>\n");
        }

        /** Sides grouped by connection (the two ends of a 4-tuple together), in order of first appearance. */
        private Map<String, List<Side>> connectionsOf(Set<Side> sides) {
            Map<String, List<Side>> groups = new LinkedHashMap<>();
            for (Side s : sides) {
                groups.computeIfAbsent(canonical(s.conn()), k -> new ArrayList<>()).add(s);
            }
            return groups;
        }

        private static String canonical(String conn) {
            int gt = conn.indexOf('>');
            if (gt < 0) {
                return conn;
            }
            String a = conn.substring(0, gt);
            String b = conn.substring(gt + 1);
            if (b.equals("0.0.0.0:0")) {
                return "listener " + a;
            }
            return a.compareTo(b) <= 0 ? a + " \u2194 " + b : b + " \u2194 " + a;
        }

        private void connections() {
            out.append("<section id=\"connections\">\n<h2>Connections</h2>\n");
            Map<Side, List<StateEvent>> states = new LinkedHashMap<>();
            for (TraceEvent e : view.events()) {
                if (e instanceof StateEvent s) {
                    states.computeIfAbsent(new Side(s.host(), s.conn()), k -> new ArrayList<>()).add(s);
                }
            }
            if (states.isEmpty()) {
                out.append("<p class=\"none\">no state changes in this trace</p>\n</section>\n");
                return;
            }
            out.append("<p class=\"help\">Each row is one end of a connection; each bar a state, from the change that entered it "
                    + "to the next. The scale is compressed like the ladder's.</p>\n");
            // One horizontal scale for all rows: every change time is a stop on it.
            TreeSet<Long> stops = new TreeSet<>();
            stops.add(0L);
            stops.add(view.endNs());
            states.values().forEach(l -> l.forEach(s -> stops.add(s.tNs())));
            long[] times = stops.stream().mapToLong(Long::longValue).toArray();
            long unit = flights.typicalDelayNs() > 0 ? flights.typicalDelayNs() : Nanos.PER_MS * 10;
            TimeAxis axis = new TimeAxis(times, unit, 0, 3, 30, 90);
            double span = Math.max(1, axis.y(view.endNs()));
            double left = 330;
            double scale = (TIMELINE_W - left - 20) / span;
            Map<String, List<Side>> groups = connectionsOf(states.keySet());
            for (Map.Entry<String, List<Side>> g : groups.entrySet()) {
                List<Side> sides = g.getValue();
                double h = 30 + sides.size() * 26 + 24;
                out.append("<h3>").append(Xml.esc(g.getKey())).append("</h3>\n");
                out.append("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(Xml.num(TIMELINE_W))
                        .append("\" height=\"").append(Xml.num(h)).append("\" font-size=\"11\">\n");
                Set<Long> used = new TreeSet<>();
                for (int k = 0; k < sides.size(); k++) {
                    Side side = sides.get(k);
                    double y = 16 + k * 26;
                    out.append("<text x=\"0\" y=\"").append(Xml.num(y + 14)).append("\">").append(Xml.esc(side.label())).append("</text>\n");
                    List<StateEvent> l = states.get(side);
                    for (int j = 0; j < l.size(); j++) {
                        StateEvent s = l.get(j);
                        used.add(s.tNs());
                        if ("CLOSE".equals(s.to())) {
                            continue;
                        }
                        long t1 = j + 1 < l.size() ? l.get(j + 1).tNs() : view.endNs();
                        double x0 = left + axis.y(s.tNs()) * scale;
                        double x1 = left + axis.y(t1) * scale;
                        double w = Math.max(2, x1 - x0);
                        out.append("<g class=\"state\"><title>").append(Xml.esc(side.label() + ": " + s.to() + " from "
                                        + Nanos.toSecondsString(s.tNs()) + " to " + Nanos.toSecondsString(t1) + " s ("
                                        + (j + 1 < l.size() ? "then " + l.get(j + 1).to() : "at the end of the run") + "); " + s.why()))
                                .append("</title><rect x=\"").append(Xml.num(x0)).append("\" y=\"").append(Xml.num(y))
                                .append("\" width=\"").append(Xml.num(w)).append("\" height=\"20\" fill=\"")
                                .append(SvgRenderer.stateColour(s.to())).append("\"/>");
                        if (w > s.to().length() * 6.6 + 6) {
                            out.append("<text x=\"").append(Xml.num(x0 + 3)).append("\" y=\"").append(Xml.num(y + 14))
                                    .append("\" fill=\"#111\">").append(Xml.esc(s.to())).append("</text>");
                        }
                        out.append("</g>\n");
                    }
                }
                used.add(view.endNs());
                double ty = 16 + sides.size() * 26 + 14;
                double lastX = -1000;
                for (long t : used) {
                    double x = left + axis.y(t) * scale;
                    if (x - lastX < 56) {
                        continue;
                    }
                    out.append("<line x1=\"").append(Xml.num(x)).append("\" y1=\"").append(Xml.num(ty - 12)).append("\" x2=\"")
                            .append(Xml.num(x)).append("\" y2=\"").append(Xml.num(ty - 8)).append("\" stroke=\"#666\"/>")
                            .append("<text class=\"tick\" x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(ty + 2))
                            .append("\" text-anchor=\"middle\" fill=\"#666\" font-size=\"10\">").append(seconds(t)).append("</text>\n");
                    lastX = x;
                }
                out.append("</svg>\n");
            }
            out.append("</section>\n");
        }

        /** Seconds, trailing zeros dropped: "61.44", "0.025", "0". */
        private static String seconds(long ns) {
            String s = Nanos.toSecondsString(ns);
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }

        private void plots() {
            out.append("<section id=\"plots\">\n<h2>Congestion control and windows</h2>\n");
            Map<Side, List<TcpInfoEvent>> samples = new LinkedHashMap<>();
            Set<Side> known = new LinkedHashSet<>();
            for (TraceEvent e : view.events()) {
                if (e instanceof TcpInfoEvent i) {
                    samples.computeIfAbsent(new Side(i.host(), i.conn()), k -> new ArrayList<>()).add(i);
                    known.add(new Side(i.host(), i.conn()));
                } else if (e instanceof StateEvent s && !s.conn().startsWith("0.0.0.0:")) {
                    known.add(new Side(s.host(), s.conn()));
                }
            }
            if (samples.isEmpty()) {
                out.append("<p class=\"no-samples\">no samples: this trace has no tcpinfo events, so there is nothing to plot "
                        + "(congestion window, slow-start threshold, bytes in flight, receive window, smoothed RTT)</p>\n</section>\n");
                return;
            }
            out.append("<p class=\"help\">Per connection end, from its tcpinfo samples (taken as the stack processes ACKs and "
                    + "transmits). Steps hold a value until the next sample.</p>\n");
            for (Map.Entry<String, List<Side>> g : connectionsOf(known).entrySet()) {
                out.append("<h3>").append(Xml.esc(g.getKey())).append("</h3>\n");
                for (Side side : g.getValue()) {
                    List<TcpInfoEvent> l = samples.get(side);
                    out.append("<div class=\"plots\" data-side=\"").append(Xml.esc(side.label())).append("\">\n<h4>")
                            .append(Xml.esc(side.label())).append("</h4>\n");
                    if (l == null) {
                        out.append("<p class=\"no-samples\">no samples for this end of the connection</p>\n</div>\n");
                        continue;
                    }
                    int n = l.size();
                    long[] t = new long[n];
                    double[] cwnd = new double[n];
                    double[] ssthresh = new double[n];
                    double[] inflight = new double[n];
                    double[] rcv = new double[n];
                    double[] snd = new double[n];
                    double[] srtt = new double[n];
                    for (int k = 0; k < n; k++) {
                        TcpInfoEvent i = l.get(k);
                        t[k] = i.tNs();
                        cwnd[k] = i.cwnd();
                        ssthresh[k] = i.ssthreshInfinite() ? Double.NaN : i.ssthresh();
                        inflight[k] = i.inFlight();
                        rcv[k] = i.rcvWnd();
                        snd[k] = i.sndWnd();
                        srtt[k] = i.srttUs() == 0 ? Double.NaN : i.srttUs() / 1000.0;
                    }
                    plot("cwnd", "congestion window", "segments", t, List.of(new Series("cwnd", "#1d4ed8", false, cwnd)));
                    plot("ssthresh", "slow-start threshold", "segments", t, List.of(new Series("ssthresh", "#e76f51", false, ssthresh)));
                    plot("inflight", "bytes in flight", "bytes", t, List.of(new Series("in flight", "#2a9d8f", false, inflight)));
                    plot("rwnd", "receive window", "bytes", t, List.of(new Series("advertised by this end", "#7b2cbf", false, rcv),
                            new Series("peer's window", "#adb5bd", true, snd)));
                    plot("srtt", "smoothed RTT", "ms", t, List.of(new Series("srtt", "#c1121f", false, srtt)));
                    out.append("</div>\n");
                }
            }
            out.append("</section>\n");
        }

        private record Series(String name, String colour, boolean dashed, double[] v) {}

        /** One small step plot; NaN values are gaps (no sample of that quantity yet). */
        private void plot(String id, String title, String unit, long[] t, List<Series> series) {
            double ml = 56;
            double mr = 10;
            double mt = 24;
            double mb = 30;
            double w = PLOT_W - ml - mr;
            double h = PLOT_H - mt - mb;
            double max = 0;
            int points = 0;
            for (Series s : series) {
                for (double v : s.v()) {
                    if (!Double.isNaN(v)) {
                        max = Math.max(max, v);
                        points++;
                    }
                }
            }
            long t0 = t[0];
            long t1 = Math.max(t[t.length - 1], t0 + Nanos.PER_MS);
            double step = niceStep(max > 0 ? max / 4 : 1);
            double top = Math.max(step, Math.ceil(max * 1.05 / step) * step);
            out.append("<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" data-series=\"").append(id).append("\" data-points=\"")
                    .append(points).append("\" width=\"").append(Xml.num(PLOT_W)).append("\" height=\"").append(Xml.num(PLOT_H))
                    .append("\" font-size=\"10\">\n<text x=\"").append(Xml.num(ml)).append("\" y=\"14\" font-size=\"12\" font-weight=\"bold\">")
                    .append(Xml.esc(title)).append("</text><text x=\"").append(Xml.num(PLOT_W - mr)).append("\" y=\"14\" text-anchor=\"end\" fill=\"#666\">")
                    .append(Xml.esc(unit)).append("</text>\n");
            out.append("<rect x=\"").append(Xml.num(ml)).append("\" y=\"").append(Xml.num(mt)).append("\" width=\"").append(Xml.num(w))
                    .append("\" height=\"").append(Xml.num(h)).append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n");
            if (points == 0) {
                out.append("<text class=\"no-samples\" x=\"").append(Xml.num(ml + w / 2)).append("\" y=\"").append(Xml.num(mt + h / 2 + 4))
                        .append("\" text-anchor=\"middle\" fill=\"#888\">no samples</text>\n</svg>\n");
                return;
            }
            for (double v = 0; v <= top + step / 2; v += step) {
                double y = mt + h - v / top * h;
                out.append("<line x1=\"").append(Xml.num(ml)).append("\" y1=\"").append(Xml.num(y)).append("\" x2=\"").append(Xml.num(ml + w))
                        .append("\" y2=\"").append(Xml.num(y)).append("\" stroke=\"#e5e5e5\"/><text x=\"").append(Xml.num(ml - 4))
                        .append("\" y=\"").append(Xml.num(y + 3)).append("\" text-anchor=\"end\" fill=\"#666\">").append(quantity(v)).append("</text>\n");
            }
            int decimals = Math.max(0, Math.min(6, (int) Math.ceil(-Math.log10((t1 - t0) / 4e9)) + 1));
            for (int k = 0; k <= 4; k++) {
                long tt = t0 + (t1 - t0) * k / 4;
                double x = ml + w * k / 4;
                String anchor = k == 0 ? "start" : k == 4 ? "end" : "middle";
                out.append("<text x=\"").append(Xml.num(x)).append("\" y=\"").append(Xml.num(mt + h + 14)).append("\" text-anchor=\"")
                        .append(anchor).append("\" fill=\"#666\">")
                        .append(fixed(tt / 1e9, decimals)).append("</text>\n");
            }
            out.append("<text x=\"").append(Xml.num(ml + w / 2)).append("\" y=\"").append(Xml.num(PLOT_H - 2))
                    .append("\" text-anchor=\"middle\" fill=\"#666\">time (s)</text>\n");
            double lx = ml + 4;
            for (Series s : series) {
                StringBuilder pts = new StringBuilder();
                int count = 0;
                double prevY = Double.NaN;
                for (int k = 0; k < t.length; k++) {
                    double v = s.v()[k];
                    double x = ml + (t[k] - t0) / (double) (t1 - t0) * w;
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    double y = mt + h - v / top * h;
                    if (!Double.isNaN(prevY)) {
                        pts.append(' ').append(Xml.num(x)).append(',').append(Xml.num(prevY));
                    }
                    pts.append(pts.isEmpty() ? "" : " ").append(Xml.num(x)).append(',').append(Xml.num(y));
                    prevY = y;
                    count++;
                }
                if (count > 0) {
                    double lastX = ml + w;
                    pts.append(' ').append(Xml.num(lastX)).append(',').append(Xml.num(prevY));
                    out.append("<polyline class=\"series\" data-name=\"").append(Xml.esc(s.name())).append("\" data-samples=\"").append(count)
                            .append("\" points=\"").append(pts).append("\" fill=\"none\" stroke=\"").append(s.colour()).append("\" stroke-width=\"1.6\"");
                    if (s.dashed()) {
                        out.append(" stroke-dasharray=\"4 3\"");
                    }
                    out.append("><title>").append(Xml.esc(s.name() + ": " + count + " samples")).append("</title></polyline>\n");
                }
                if (series.size() > 1) {
                    out.append("<text x=\"").append(Xml.num(lx)).append("\" y=\"").append(Xml.num(mt + 11)).append("\" fill=\"")
                            .append(s.colour()).append("\">").append(Xml.esc(s.name())).append("</text>\n");
                    lx += s.name().length() * 5.6 + 12;
                }
            }
            out.append("</svg>\n");
        }

        private static double niceStep(double raw) {
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / p;
            double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
            return nice * p;
        }

        /** 12, 1.5, 64k, 1.2M: short labels for an axis. */
        private static String quantity(double v) {
            if (v >= 1e6) {
                return Xml.num(v / 1e6) + "M";
            }
            if (v >= 1e4) {
                return Xml.num(v / 1e3) + "k";
            }
            return Xml.num(v);
        }

        private static String fixed(double v, int decimals) {
            long scale = 1;
            for (int i = 0; i < decimals; i++) {
                scale *= 10;
            }
            long n = Math.round(v * scale);
            String whole = Long.toString(n / scale);
            if (decimals == 0) {
                return whole;
            }
            String frac = Long.toString(Math.abs(n % scale));
            return whole + "." + "0".repeat(decimals - frac.length()) + frac;
        }

        private void counters() {
            out.append("<section id=\"counters\">\n<h2>Counters</h2>\n");
            if (view.counters().isEmpty()) {
                out.append("<p class=\"none\">no counters recorded (a saved trace has them when written with --nstat)</p>\n</section>\n");
                return;
            }
            out.append("<p class=\"help\">Each host's non-zero counters at the end of the run, by their Linux (nstat) names.</p>\n");
            Set<String> names = new LinkedHashSet<>();
            view.counters().values().forEach(m -> names.addAll(m.keySet()));
            out.append("<table class=\"counters\">\n<tr><th>counter</th>");
            for (String h : view.counters().keySet()) {
                out.append("<th>").append(Xml.esc(h)).append("</th>");
            }
            out.append("</tr>\n");
            for (String n : names) {
                out.append("<tr><td>").append(Xml.esc(n)).append("</td>");
                for (Map<String, Long> m : view.counters().values()) {
                    Long v = m.get(n);
                    out.append("<td class=\"num\">").append(v == null ? "" : Long.toString(v)).append("</td>");
                }
                out.append("</tr>\n");
            }
            out.append("</table>\n</section>\n");
        }

        private void settings() {
            out.append("<section id=\"settings\">\n<h2>Settings</h2>\n");
            if (view.settings().isEmpty()) {
                out.append("<p class=\"none\">not recorded (a saved trace does not keep the settings)</p>\n</section>\n");
                return;
            }
            out.append("<p class=\"help\">Highlighted: values that differ from Linux's default.</p>\n<table class=\"settings\">\n"
                    + "<tr><th>setting</th><th>value</th><th>Linux default</th></tr>\n");
            for (TraceView.Setting s : view.settings()) {
                out.append("<tr").append(s.changed() ? " class=\"changed\"" : "").append("><td>").append(Xml.esc(s.name()))
                        .append("</td><td>").append(Xml.esc(s.value())).append("</td><td>")
                        .append(Xml.esc(s.defaultValue() == null ? "" : s.defaultValue())).append("</td></tr>\n");
            }
            out.append("</table>\n</section>\n");
        }

        private void eventTable() {
            List<TraceEvent> events = view.events();
            out.append("<section id=\"events\">\n<h2>Events</h2>\n<details>\n<summary>all ").append(events.size())
                    .append(" events, each with the rule that caused it</summary>\n<table class=\"events\">\n")
                    .append("<tr><th>time (s)</th><th>host</th><th>event</th><th>what</th><th>why</th></tr>\n");
            int n = Math.min(events.size(), MAX_EVENT_ROWS);
            for (int i = 0; i < n; i++) {
                TraceEvent e = events.get(i);
                String what = switch (e) {
                    case SegmentEvent s -> {
                        String dir = s.src() + " > " + s.dst();
                        yield Labels.segment(s, flights.isnSrc(i), flights.isnDst(i)) + "  " + dir
                                + (s.by() != null ? " (dropped by " + s.by() + ")" : "");
                    }
                    case StateEvent s -> s.conn() + " " + Labels.state(s);
                    case CallEvent c -> Labels.call(c);
                    case TimerEvent t -> t.conn() + " " + Labels.timer(t)
                            + ("arm".equals(t.action()) ? " for " + Nanos.toSecondsString(t.expiresNs()) : "");
                    case TcpInfoEvent t -> t.conn() + " " + t.state() + " cwnd " + t.cwnd() + " ssthresh "
                            + (t.ssthreshInfinite() ? "\u221e" : Integer.toString(t.ssthresh())) + " in flight " + t.inFlight()
                            + " rwnd " + t.rcvWnd() + " peer wnd " + t.sndWnd() + " srtt " + t.srttUs() + " us";
                };
                out.append("<tr class=\"").append(e.type()).append("\"><td class=\"num\">").append(Nanos.toSecondsString(e.tNs()))
                        .append("</td><td>").append(Xml.esc(e.host())).append("</td><td>").append(e.type()).append("</td><td class=\"what\">")
                        .append(Xml.esc(what)).append("</td><td>").append(Xml.esc(e.why())).append("</td></tr>\n");
            }
            out.append("</table>\n");
            if (n < events.size()) {
                out.append("<p class=\"none\">").append(events.size() - n).append(" more events not listed</p>\n");
            }
            out.append("</details>\n</section>\n");
        }
    }

    private static final String CSS = """
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 0 24px 24px; color: #212529; background: #fff; }
            header { border-bottom: 1px solid #dee2e6; margin-bottom: 12px; }
            h1 { font-size: 22px; margin: 16px 0 4px; }
            h2 { font-size: 18px; margin: 24px 0 6px; border-bottom: 1px solid #eee; }
            h3 { font-size: 14px; margin: 14px 0 4px; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            h4 { font-size: 12px; margin: 8px 0 2px; font-weight: normal; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            nav a { margin-right: 12px; font-size: 13px; }
            .description, .help, .none, .no-samples { color: #555; font-size: 13px; max-width: 70em; }
            .no-samples { font-style: italic; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; font-size: 12px; }
            th, td { border: 1px solid #dee2e6; padding: 2px 8px; text-align: left; vertical-align: top; }
            th { background: #f1f3f5; }
            td.num { text-align: right; font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
            td.what { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: nowrap; }
            tr.changed td { background: #fff3bf; font-weight: bold; }
            tr.drop td { color: #c1121f; }
            tr.tcpinfo td { color: #777; }
            table.summary th { width: 11em; }
            .plots { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; margin-bottom: 8px; }
            .plots h4 { flex-basis: 100%; }
            svg.plot, svg.timeline { background: #fff; }
            footer { margin-top: 24px; color: #888; font-size: 11px; }
            """;
}
