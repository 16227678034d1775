package dev.jtcp.trace;

import dev.jtcp.sys.Errno;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.SackBlock;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOption;
import dev.jtcp.wire.TcpOptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads back what {@link Jsonl} writes, so that a saved trace can be rendered later ({@code jtcp report}).
 *
 * <p>The reader is strict on purpose: the JSONL form is the trace's interchange format, and a file cut
 * short or written by another version of jtcp would otherwise render as a plausible but wrong diagram.
 * Every problem is reported as one {@link BadTraceException} naming the line (and column where it helps)
 * and what was expected there. Unknown event types and unknown or missing fields are errors, since they
 * mean the file does not follow this version's format.
 *
 * <p>What the writer does not keep cannot come back: times are microseconds, segments have no packet
 * bytes ({@link SegmentEvent#packet()} is null) and no checksum, and the flags are those tcpdump prints.
 * Writing a read trace again gives the same bytes as the original file. Besides the events, the reader
 * keeps the per-host counter lines that {@code jtcp scenario --nstat --format jsonl} appends; the socket-table
 * lines of {@code --ss} are recognised and skipped.
 */
public final class JsonlReader {
    private JsonlReader() {}

    /**
     * A trace read from JSON Lines.
     *
     * @param events the events in file order
     * @param counters nstat counters per host, in file order (empty when the file has none)
     * @param endNs the latest time in the file (the counter lines are stamped with the end of the run)
     */
    public record Trace(List<TraceEvent> events, Map<String, Map<String, Long>> counters, long endNs) {
        public Trace {
            events = List.copyOf(events);
            counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
        }
    }

    /** The file is not a trace this version can read; the message is one line starting with "line N". */
    public static final class BadTraceException extends IOException {
        private final int line;

        public BadTraceException(int line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }

        /** The 1-based line the problem is on. */
        public int line() {
            return line;
        }
    }

    /** Field names per type, in the order {@link Jsonl} writes them; the common t, host, type, why are implied. */
    private static final Map<String, List<String>> FIELDS = Map.of(
            "send", List.of("src", "dst", "flags", "seq", "ack", "len", "win", "urg", "opts", "by"),
            "recv", List.of("src", "dst", "flags", "seq", "ack", "len", "win", "urg", "opts", "by"),
            "drop", List.of("src", "dst", "flags", "seq", "ack", "len", "win", "urg", "opts", "by"),
            "state", List.of("conn", "from", "to"),
            "timer", List.of("conn", "timer", "action", "expires"),
            "call", List.of("fd", "call", "args", "result", "detail"),
            "tcpinfo", List.of("conn", "state", "cwnd", "ssthresh", "mss", "inflight", "rcv_wnd", "snd_wnd", "srtt_us"),
            "nstat", List.of("counters"),
            "ss", List.of("state", "recv_q", "send_q", "local", "peer", "timer"));
    private static final String TYPES = "send, recv, drop, state, timer, call, tcpinfo, nstat or ss";
    private static final String OTHER_VERSION = " (is the trace from another jtcp version?)";
    private static final Set<String> COMMON = Set.of("t", "host", "type", "why");

    /** Reads every line; blank lines are skipped. */
    public static Trace read(Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<TraceEvent> events = new ArrayList<>();
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        StringBuilder raw = new StringBuilder();
        int lineNo = 0;
        long lastT = Long.MIN_VALUE;
        while (true) {
            raw.setLength(0);
            boolean ended = readLine(r, raw);
            if (raw.isEmpty() && !ended) {
                break;
            }
            lineNo++;
            String line = raw.toString();
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> o;
            try {
                o = new Parser(line).object();
            } catch (ParseError e) {
                String hint = ended ? "" : " (the file ends inside this line: truncated?)";
                throw new BadTraceException(lineNo, "column " + (e.column + 1) + ": " + e.getMessage() + hint);
            }
            try {
                String type = string(o, "type");
                if (!FIELDS.containsKey(type)) {
                    throw new IllegalArgumentException("unknown event type \"" + type + "\", expected " + TYPES + OTHER_VERSION);
                }
                checkFields(o, type);
                if (type.equals("ss")) {
                    continue;   // socket-table snapshots (--ss) are for reading, not part of the trace
                }
                long t = seconds(o, "t");
                if (t < lastT) {
                    throw new IllegalArgumentException("time " + o.get("t") + " is before the previous line's; expected events in time order");
                }
                lastT = t;
                if (type.equals("nstat")) {
                    counters.put(string(o, "host"), counters(o));
                } else {
                    events.add(event(o, type, t));
                }
            } catch (IllegalArgumentException | ArithmeticException e) {
                String hint = ended ? "" : " (the file ends inside this line: truncated?)";
                throw new BadTraceException(lineNo, e.getMessage() + hint);
            }
        }
        if (events.isEmpty() && counters.isEmpty()) {
            throw new BadTraceException(Math.max(1, lineNo), (lineNo == 0 ? "the file is empty" : "the file has no events")
                    + "; expected JSON Lines as written by jtcp scenario --format jsonl");
        }
        return new Trace(events, counters, lastT == Long.MIN_VALUE ? 0 : lastT);
    }

    /** Reads one line into {@code sb}; returns whether it ended with a newline (false at end of input). */
    private static boolean readLine(BufferedReader r, StringBuilder sb) throws IOException {
        while (true) {
            int c = r.read();
            if (c < 0) {
                return false;
            }
            if (c == '\n') {
                return true;
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
    }

    private static void checkFields(Map<String, Object> o, String type) {
        List<String> allowed = FIELDS.get(type);
        for (String k : o.keySet()) {
            if (!COMMON.contains(k) && !allowed.contains(k)) {
                throw new IllegalArgumentException("unexpected field \"" + k + "\" in a " + type + " event; expected "
                        + String.join(", ", allowed) + OTHER_VERSION);
            }
        }
        for (String k : List.of("t", "host", "type", "why")) {
            if (!o.containsKey(k)) {
                throw new IllegalArgumentException("missing field \"" + k + "\"; every event has t, host, type and why" + OTHER_VERSION);
            }
        }
    }

    private static TraceEvent event(Map<String, Object> o, String type, long t) {
        String host = string(o, "host");
        String why = o.get("why") == NULL ? null : string(o, "why");
        return switch (type) {
            case "send", "recv", "drop" -> segment(o, type, t, host, why);
            case "state" -> new StateEvent(t, host, string(o, "conn"), string(o, "from"), string(o, "to"), why);
            case "timer" -> {
                String action = string(o, "action");
                if (!Set.of("arm", "fire", "cancel").contains(action)) {
                    throw new IllegalArgumentException("field \"action\" is \"" + action + "\", expected arm, fire or cancel");
                }
                yield new TimerEvent(t, host, string(o, "conn"), string(o, "timer"), action, seconds(o, "expires"), why);
            }
            case "call" -> {
                long result;
                Object r = o.get("result");
                if (r instanceof String name) {
                    result = errno(name);
                } else {
                    result = integer(o, "result", 0, Long.MAX_VALUE);
                }
                String detail = o.containsKey("detail") ? string(o, "detail") : "";
                yield new CallEvent(t, host, (int) integer(o, "fd", -1, Integer.MAX_VALUE), string(o, "call"),
                        string(o, "args"), result, detail, why);
            }
            case "tcpinfo" -> new TcpInfoEvent(t, host, string(o, "conn"), string(o, "state"),
                    (int) integer(o, "cwnd", 0, Integer.MAX_VALUE), (int) integer(o, "ssthresh", 0, Integer.MAX_VALUE),
                    (int) integer(o, "mss", 0, Integer.MAX_VALUE), (int) integer(o, "inflight", 0, Integer.MAX_VALUE),
                    (int) integer(o, "rcv_wnd", 0, Integer.MAX_VALUE), (int) integer(o, "snd_wnd", 0, Integer.MAX_VALUE),
                    integer(o, "srtt_us", 0, Long.MAX_VALUE), why);
            default -> throw new IllegalStateException(type);
        };
    }

    private static long errno(String name) {
        if (name.matches("E[0-9]+")) {
            return -Long.parseLong(name.substring(1));
        }
        try {
            return -Errno.valueOf(name).code;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"result\" is \"" + name + "\", expected a number or an errno name such as ECONNREFUSED");
        }
    }

    private static SegmentEvent segment(Map<String, Object> o, String type, long t, String host, String why) {
        SegmentEvent.Kind kind = switch (type) {
            case "send" -> SegmentEvent.Kind.SEND;
            case "recv" -> SegmentEvent.Kind.RECV;
            default -> SegmentEvent.Kind.DROP;
        };
        Endpoint src = endpoint(o, "src");
        Endpoint dst = endpoint(o, "dst");
        String by = o.containsKey("by") ? string(o, "by") : null;
        if (!o.containsKey("flags")) {
            for (String k : List.of("seq", "ack", "len", "win", "urg", "opts")) {
                if (o.containsKey(k)) {
                    throw new IllegalArgumentException("field \"" + k + "\" without \"flags\"; expected either a whole TCP header or none");
                }
            }
            return new SegmentEvent(t, host, kind, src, dst, null, 0, by, why, null);
        }
        int flags = flags(string(o, "flags"));
        int seq = (int) integer(o, "seq", 0, 0xffffffffL);
        int ack = (int) integer(o, "ack", 0, 0xffffffffL);
        int len = (int) integer(o, "len", 0, 0xffff);
        int win = (int) integer(o, "win", 0, 0xffff);
        int urg = o.containsKey("urg") ? (int) integer(o, "urg", 0, 0xffff) : 0;
        TcpOptions opts = options(string(o, "opts"));
        TcpHeader h = new TcpHeader(src.port(), dst.port(), seq, ack, flags, win, 0, urg, opts);
        return new SegmentEvent(t, host, kind, src, dst, h, len, by, why, null);
    }

    private static Map<String, Long> counters(Map<String, Object> o) {
        if (!(o.get("counters") instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("field \"counters\" should be an object of counter names and numbers");
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof BigDecimal v)) {
                throw new IllegalArgumentException("counter \"" + e.getKey() + "\" should be a number");
            }
            out.put((String) e.getKey(), v.longValueExact());
        }
        return out;
    }

    // ------------------------------------------------------------------ field helpers

    private static String string(Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing field \"" + key + "\"" + OTHER_VERSION);
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("field \"" + key + "\" should be a string, found " + v);
        }
        return s;
    }

    private static BigDecimal number(Map<String, Object> o, String key) {
        Object v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing field \"" + key + "\"" + OTHER_VERSION);
        }
        if (!(v instanceof BigDecimal d)) {
            throw new IllegalArgumentException("field \"" + key + "\" should be a number, found \"" + v + "\"");
        }
        return d;
    }

    private static long integer(Map<String, Object> o, String key, long min, long max) {
        BigDecimal d = number(o, key);
        long v;
        try {
            v = d.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("field \"" + key + "\" is " + d.toPlainString() + ", expected an integer " + min + ".." + max);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("field \"" + key + "\" is " + v + ", expected " + min + ".." + max);
        }
        return v;
    }

    /** Seconds with up to nine decimals, to nanoseconds without rounding through a double. */
    private static long seconds(Map<String, Object> o, String key) {
        BigDecimal d = number(o, key);
        if (d.signum() < 0) {
            throw new IllegalArgumentException("field \"" + key + "\" is negative; expected seconds since the start of the run");
        }
        try {
            return d.movePointRight(9).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("field \"" + key + "\" is " + d.toPlainString() + ", expected seconds with at most 9 decimals");
        }
    }

    private static Endpoint endpoint(Map<String, Object> o, String key) {
        String s = string(o, key);
        try {
            return Endpoint.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"" + key + "\": " + e.getMessage());
        }
    }

    /** tcpdump's flag letters (see {@link TcpFlags#tcpdump}) back to bits. */
    static int flags(String s) {
        try {
            return TcpFlags.fromTcpdump(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"flags\" is \"" + s
                    + "\", expected tcpdump's letters F S R P . U E W e (or none)");
        }
    }

    /** The options in {@link TcpOptions#toTcpdump()}'s notation back to a list. */
    static TcpOptions options(String s) {
        if (s.isEmpty()) {
            return TcpOptions.NONE;
        }
        List<TcpOption> l = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            l.add(option(part, s));
        }
        try {
            return new TcpOptions(l);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field \"opts\": " + e.getMessage());
        }
    }

    private static TcpOption option(String p, String all) {
        try {
            String[] w = p.split(" ", -1);
            switch (w[0]) {
                case "eol" -> {
                    if (w.length == 1) {
                        return new TcpOption.Eol();
                    }
                }
                case "nop" -> {
                    if (w.length == 1) {
                        return new TcpOption.Nop();
                    }
                }
                case "sackOK" -> {
                    if (w.length == 1) {
                        return new TcpOption.SackPermitted();
                    }
                }
                case "mss" -> {
                    if (w.length == 2) {
                        return new TcpOption.Mss(Integer.parseInt(w[1]));
                    }
                }
                case "wscale" -> {
                    if (w.length == 2) {
                        int shift = Integer.parseInt(w[1]);
                        if (shift >= 0 && shift <= 255) {
                            return new TcpOption.WindowScale(shift);
                        }
                    }
                }
                case "TS" -> {
                    if (w.length == 5 && w[1].equals("val") && w[3].equals("ecr")) {
                        return new TcpOption.Timestamps(Integer.parseUnsignedInt(w[2]), Integer.parseUnsignedInt(w[4]));
                    }
                }
                case "sack" -> {
                    if (w.length == 3) {
                        int n = Integer.parseInt(w[1]);
                        String b = w[2];
                        List<SackBlock> blocks = new ArrayList<>();
                        int at = 0;
                        while (at < b.length()) {
                            int close = b.indexOf('}', at);
                            int colon = b.indexOf(':', at);
                            if (b.charAt(at) != '{' || close < 0 || colon < 0 || colon > close) {
                                throw new NumberFormatException();
                            }
                            blocks.add(new SackBlock(Integer.parseUnsignedInt(b.substring(at + 1, colon)),
                                    Integer.parseUnsignedInt(b.substring(colon + 1, close))));
                            at = close + 1;
                        }
                        if (blocks.size() == n) {
                            return new TcpOption.Sack(blocks);
                        }
                    }
                }
                default -> {
                    if (w[0].startsWith("unknown-") && w.length <= 2) {
                        int kind = Integer.parseInt(w[0].substring("unknown-".length()));
                        byte[] data = new byte[0];
                        if (w.length == 2) {
                            if (!w[1].startsWith("0x")) {
                                throw new NumberFormatException();
                            }
                            data = HexFormat.of().parseHex(w[1].substring(2));
                        }
                        return new TcpOption.Unknown(kind, data);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException included: reported below with the option's text
        }
        throw new IllegalArgumentException("field \"opts\": cannot read option \"" + p + "\" in \"" + all
                + "\"; expected tcpdump notation (mss N, sackOK, TS val N ecr N, nop, wscale N, sack N {a:b}, eol, unknown-K 0xHEX)");
    }

    // ------------------------------------------------------------------ JSON

    /** A syntax error at a column of the line. */
    private static final class ParseError extends RuntimeException {
        final int column;

        ParseError(int column, String message) {
            super(message, null, false, false);
            this.column = column;
        }
    }

    /**
     * Just enough JSON for one line of the trace: objects, strings, numbers (kept exact as
     * {@link BigDecimal}), true, false, null and arrays. Keys keep their order.
     */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Map<String, Object> object() {
            skipSpace();
            if (i >= s.length() || s.charAt(i) != '{') {
                throw new ParseError(i, "expected a JSON object starting with '{', found " + found()
                        + "; is this a jtcp JSONL trace (jtcp scenario --format jsonl)?");
            }
            Map<String, Object> m = objectBody();
            skipSpace();
            if (i < s.length()) {
                throw new ParseError(i, "expected the end of the line after the object, found " + found());
            }
            return m;
        }

        private Map<String, Object> objectBody() {
            i++; // '{'
            Map<String, Object> m = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw new ParseError(i, "expected a field name in quotes, found " + found());
                }
                String key = string();
                skipSpace();
                expect(':', "after the field name \"" + key + "\"");
                Object v = value();
                if (m.put(key, v) != null) {
                    throw new ParseError(i, "field \"" + key + "\" appears twice");
                }
                skipSpace();
                char c = peek();
                if (c == ',') {
                    i++;
                } else if (c == '}') {
                    i++;
                    return m;
                } else {
                    throw new ParseError(i, "expected ',' or '}' after the value of \"" + key + "\", found " + found());
                }
            }
        }

        private Object value() {
            skipSpace();
            char c = peek();
            switch (c) {
                case '{' -> {
                    return objectBody();
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    skipSpace();
                    if (peek() == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        skipSpace();
                        char d = peek();
                        i++;
                        if (d == ']') {
                            return l;
                        }
                        if (d != ',') {
                            throw new ParseError(i - 1, "expected ',' or ']' in an array, found " + found(i - 1));
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                case 't' -> {
                    word("true");
                    return Boolean.TRUE;
                }
                case 'f' -> {
                    word("false");
                    return Boolean.FALSE;
                }
                case 'n' -> {
                    word("null");
                    return NULL;
                }
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw new ParseError(i, "expected a value, found " + found());
                }
            }
        }

        private BigDecimal number() {
            int start = i;
            if (peek() == '-') {
                i++;
            }
            while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            try {
                return new BigDecimal(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new ParseError(start, "expected a number, found \"" + s.substring(start, i) + "\"");
            }
        }

        private String string() {
            int start = i;
            i++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw new ParseError(start, "expected a closing '\"' for the string that starts here");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw new ParseError(start, "expected a closing '\"' for the string that starts here");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new ParseError(i - 2, "expected four hex digits after \\u");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw new ParseError(i - 2, "expected four hex digits after \\u");
                        }
                        i += 4;
                    }
                    default -> throw new ParseError(i - 2, "unknown escape \\" + e + " in a string");
                }
            }
        }

        private void word(String w) {
            if (!s.startsWith(w, i)) {
                throw new ParseError(i, "expected a value, found " + found());
            }
            i += w.length();
        }

        private void expect(char c, String where) {
            if (peek() != c) {
                throw new ParseError(i, "expected '" + c + "' " + where + ", found " + found());
            }
            i++;
        }

        private char peek() {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void skipSpace() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        private String found() {
            return found(i);
        }

        private String found(int at) {
            if (at >= s.length()) {
                return "the end of the line";
            }
            return "'" + s.charAt(at) + "'";
        }
    }

    /** JSON null, distinct from an absent field. */
    private static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
}
