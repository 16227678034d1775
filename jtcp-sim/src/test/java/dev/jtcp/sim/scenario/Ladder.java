package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.MibCounters;
import dev.jtcp.time.Nanos;
import dev.jtcp.trace.CallEvent;
import dev.jtcp.trace.Jsonl;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.StateEvent;
import dev.jtcp.trace.TcpInfoEvent;
import dev.jtcp.trace.TimerEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.TcpFlags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A finished scenario run, read like a packet ladder. Segment lines look like tcpdump's relative mode:
 * {@code "0.050000 client send . 1:1 ack 1 win 63"} (time, host, send/recv/drop, flags, sequence range
 * relative to the sender's ISN, acknowledgement relative to the receiver's ISN, raw window field).
 * State lines: {@code "61.440000 client TIME_WAIT->CLOSE"}; call lines: {@code "0.550000 client read=ECONNRESET"};
 * timer lines: {@code "1.024000 client retransmit fire"}.
 */
public final class Ladder {
    public static final String CLIENT = ScenarioParams.CLIENT;
    public static final String SERVER = ScenarioParams.SERVER;

    private final String name;
    private final List<TraceEvent> events;
    private final Map<String, MibCounters> mibs = new LinkedHashMap<>();
    private final long endNs;
    private final List<Seg> segs = new ArrayList<>();

    /** One TCP segment event with its sequence numbers made relative. */
    public record Seg(long tNs, String host, String kind, String src, String dst, String flags, long seq, long end,
                      long ack, int win, int len, String opts, Integer urg, String by, String why, SegmentEvent raw) {
        public String line() {
            return t(tNs) + " " + host + " " + kind + " " + flags + " " + seq + ":" + end
                    + (flags.contains(".") ? " ack " + ack : "") + " win " + win
                    + (urg != null ? " urg " + urg : "");
        }

        /** "t flags seq:end [ack a] win w": the line without host and kind. */
        public String brief() {
            return t(tNs) + " " + flags + " " + seq + ":" + end + (flags.contains(".") ? " ack " + ack : "") + " win " + win;
        }

        public boolean has(char flag) {
            return flags.indexOf(flag) >= 0;
        }

        public boolean isSend() {
            return kind.equals("send");
        }

        public boolean isRecv() {
            return kind.equals("recv");
        }

        public boolean isDrop() {
            return kind.equals("drop");
        }

        /** Sent by the host's own stack (not a network drop record). */
        public boolean from(String h) {
            return isSend() && host.equals(h);
        }

        public boolean isPureAck() {
            return flags.equals(".") && len == 0;
        }

        public double seconds() {
            return tNs / 1e9;
        }

        @Override
        public String toString() {
            return line() + " <" + opts + ">" + (by != null ? " by=" + by : "") + "  # " + why;
        }
    }

    private Ladder(String name, Simulation sim, List<TraceEvent> events) {
        this.name = name;
        this.events = List.copyOf(events);
        for (String h : sim.hostNames()) {
            mibs.put(h, sim.stack(h).mib());
        }
        this.endNs = sim.nowNs();
        // Relative sequence numbers: per direction "src>dst", the ISN is the seq of the latest SYN seen.
        Map<String, Long> isn = new HashMap<>();
        for (TraceEvent e : this.events) {
            if (!(e instanceof SegmentEvent s) || s.tcp() == null) {
                continue;
            }
            String dir = s.src() + ">" + s.dst();
            String rev = s.dst() + ">" + s.src();
            long seq = Integer.toUnsignedLong(s.tcp().seq());
            long ack = Integer.toUnsignedLong(s.tcp().ack());
            if (s.tcp().has(TcpFlags.SYN)) {
                isn.put(dir, seq);
            }
            Long myIsn = isn.get(dir);
            Long peerIsn = isn.get(rev);
            long rs = myIsn == null ? seq : (seq - myIsn) & 0xffffffffL;
            long ra = peerIsn == null || !s.tcp().has(TcpFlags.ACK) ? ack : (ack - peerIsn) & 0xffffffffL;
            segs.add(new Seg(s.tNs(), s.host(), s.type(), s.src().toString(), s.dst().toString(), s.flags(), rs,
                    rs + s.payloadLength(), ra, s.tcp().window(), s.payloadLength(), s.tcp().options().toTcpdump(),
                    s.tcp().has(TcpFlags.URG) ? s.tcp().urgentPointer() : null, s.by(), s.why(), s));
        }
    }

    /** Runs a built-in scenario with these parameters and reads its trace. */
    public static Ladder run(String scenario, ScenarioParams params) {
        Scenario sc = Scenarios.get(scenario);
        if (sc == null) {
            throw new IllegalArgumentException("no scenario " + scenario);
        }
        Scenario.Run run = sc.build(params);
        try (Simulation sim = run.sim()) {
            run.run();
            return new Ladder(scenario, sim, sim.trace().events());
        }
    }

    public static Ladder run(String scenario) {
        return run(scenario, ScenarioParams.defaults());
    }

    /** Reads an already finished simulation (not closed by this call). */
    public static Ladder of(String label, Simulation sim) {
        return new Ladder(label, sim, sim.trace().events());
    }

    public static String t(long ns) {
        return Nanos.toSecondsString(ns);
    }

    /** Seconds to nanoseconds, exactly for microsecond values written as decimals ("1.024"). */
    public static long ns(String seconds) {
        return Math.round(Double.parseDouble(seconds) * 1_000_000.0) * 1000L;
    }

    public String name() {
        return name;
    }

    public long endNs() {
        return endNs;
    }

    public List<TraceEvent> events() {
        return events;
    }

    public String jsonl() {
        StringBuilder sb = new StringBuilder();
        Jsonl.write(events, sb);
        return sb.toString();
    }

    public long mib(String host, Mib m) {
        return mibs.get(host).get(m);
    }

    public Map<String, Long> nstat(String host) {
        return mibs.get(host).nonZero();
    }

    // ================================================================ segments

    public List<Seg> segments() {
        return List.copyOf(segs);
    }

    public List<Seg> segments(Predicate<Seg> p) {
        return segs.stream().filter(p).toList();
    }

    /** What host put on the wire, in order. */
    public List<Seg> sent(String host) {
        return segments(s -> s.from(host));
    }

    /** Segments host received (delivered to its stack). */
    public List<Seg> received(String host) {
        return segments(s -> s.isRecv() && s.host().equals(host));
    }

    /** Segments host's stack discarded (by = host). */
    public List<Seg> drops(String host) {
        return segments(s -> s.isDrop() && host.equals(s.by()));
    }

    /** Segments lost in the network (by = "network"). */
    public List<Seg> networkDrops() {
        return segments(s -> s.isDrop() && "network".equals(s.by()));
    }

    /** Ladder lines of what host sent. */
    public List<String> sentLines(String host) {
        return sent(host).stream().map(Seg::brief).toList();
    }

    public List<String> lines(Predicate<Seg> p) {
        return segments(p).stream().map(Seg::line).toList();
    }

    /** Times (as "12.345678") at which host sent segments matching p. */
    public List<String> sendTimes(String host, Predicate<Seg> p) {
        return sent(host).stream().filter(p).map(s -> t(s.tNs())).toList();
    }

    // ================================================================ states

    public List<StateEvent> states() {
        return events.stream().filter(e -> e instanceof StateEvent).map(e -> (StateEvent) e).toList();
    }

    /** The connections (not listeners) a host had, in order of first appearance. */
    public List<String> connections(String host) {
        List<String> out = new ArrayList<>();
        for (StateEvent s : states()) {
            if (s.host().equals(host) && !s.conn().endsWith(">0.0.0.0:0") && !out.contains(s.conn())) {
                out.add(s.conn());
            }
        }
        return out;
    }

    /** The only connection a host had (fails if it had several). */
    public String connection(String host) {
        List<String> c = connections(host);
        if (c.size() != 1) {
            throw new AssertionError(host + " has connections " + c + ", expected exactly one");
        }
        return c.get(0);
    }

    /** "FROM->TO" of every state change of one connection, in order. */
    public List<String> stateSeq(String host, String conn) {
        return states().stream().filter(s -> s.host().equals(host) && s.conn().equals(conn))
                .map(s -> s.from() + "->" + s.to()).toList();
    }

    /** State path of one connection: "SYN_SENT ESTABLISHED FIN_WAIT1 ..." starting with the first from-state. */
    public String statePath(String host, String conn) {
        List<StateEvent> l = states().stream().filter(s -> s.host().equals(host) && s.conn().equals(conn)).toList();
        if (l.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(l.get(0).from());
        for (StateEvent s : l) {
            sb.append(' ').append(s.to());
        }
        return sb.toString();
    }

    /** State path of a host's only connection. */
    public String statePath(String host) {
        return statePath(host, connection(host));
    }

    /** The last state a connection reached. */
    public String finalState(String host, String conn) {
        String p = statePath(host, conn);
        return p.substring(p.lastIndexOf(' ') + 1);
    }

    /** When the connection entered this state (the last time it did). */
    public long enteredNs(String host, String conn, String state) {
        long t = -1;
        for (StateEvent s : states()) {
            if (s.host().equals(host) && s.conn().equals(conn) && s.to().equals(state)) {
                t = s.tNs();
            }
        }
        if (t < 0) {
            throw new AssertionError(conn + " on " + host + " never entered " + state + ": " + statePath(host, conn));
        }
        return t;
    }

    public StateEvent stateChange(String host, String conn, String to) {
        for (StateEvent s : states()) {
            if (s.host().equals(host) && s.conn().equals(conn) && s.to().equals(to)) {
                return s;
            }
        }
        throw new AssertionError(conn + " on " + host + " never entered " + to);
    }

    /** "t host FROM->TO" lines for every state change (listeners included). */
    public List<String> stateLines() {
        return states().stream().map(s -> t(s.tNs()) + " " + s.host() + " " + s.from() + "->" + s.to()).toList();
    }

    // ================================================================ calls and timers

    public List<CallEvent> calls(String host, String call) {
        return events.stream().filter(e -> e instanceof CallEvent c && c.host().equals(host) && c.call().equals(call))
                .map(e -> (CallEvent) e).toList();
    }

    /** "t call=RESULT" for every call of these kinds on host, e.g. "0.550000 read=ECONNRESET". */
    public List<String> callLines(String host, String... callNames) {
        List<String> names = List.of(callNames);
        return events.stream().filter(e -> e instanceof CallEvent c && c.host().equals(host) && names.contains(c.call()))
                .map(e -> (CallEvent) e).map(c -> t(c.tNs()) + " " + c.call() + "=" + c.resultText()).toList();
    }

    public List<TimerEvent> timers(String host, String timer, String action) {
        return events.stream().filter(e -> e instanceof TimerEvent te && te.host().equals(host)
                        && te.timer().equals(timer) && te.action().equals(action))
                .map(e -> (TimerEvent) e).toList();
    }

    public List<String> timerFireTimes(String host, String timer) {
        return timers(host, timer, "fire").stream().map(te -> t(te.tNs())).toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ladder of ").append(name).append('\n');
        for (TraceEvent e : events) {
            switch (e) {
                case SegmentEvent s -> { }
                case StateEvent s -> sb.append(t(s.tNs())).append(' ').append(s.host()).append(" [").append(s.from())
                        .append(" -> ").append(s.to()).append("] ").append(s.conn()).append('\n');
                case CallEvent c -> sb.append(t(c.tNs())).append(' ').append(c.host()).append(' ').append(c.call())
                        .append('(').append(c.args()).append(") = ").append(c.resultText()).append('\n');
                case TimerEvent te -> { }
                case TcpInfoEvent ti -> { }
            }
            if (e instanceof SegmentEvent s) {
                for (Seg g : segs) {
                    if (g.raw() == s) {
                        sb.append(g.line()).append("   # ").append(g.why()).append('\n');
                        break;
                    }
                }
            }
        }
        return sb.toString();
    }
}
