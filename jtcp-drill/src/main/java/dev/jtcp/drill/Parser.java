package dev.jtcp.drill;

import dev.jtcp.drill.Ast.Direction;
import dev.jtcp.drill.Ast.TimeType;
import dev.jtcp.drill.Ast.TosCheck;
import dev.jtcp.drill.Token.Kind;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser for the packetdrill language as parser.y defines it: option lines, the init
 * command, timed events (packets, system calls, commands, code snippets) and the cleanup command. Errors
 * name the file, line and column and say what was expected. Constructs packetdrill accepts that this runner
 * cannot play (GRE, MPLS, PSP, UDP, explicit IP headers, AccECN) raise {@link Unsupported}.
 */
public final class Parser {
    private static final String FLAG_CHARS = "FSRP.EWAU";
    private static final String ACE_DIGITS = "01234567";

    private final Lexer lexer;
    private final String file;
    private final Map<String, String> defines;
    private Token peek;

    private Parser(String src, String file, Map<String, String> defines) {
        this.file = file;
        this.defines = defines;
        this.lexer = new Lexer(src, file, defines);
        this.peek = lexer.next();
    }

    /**
     * Parses a script. {@code defines} are the {@code -D NAME=VALUE} macros; {@code --define=NAME=VALUE} lines
     * in the script add to them (the map is modified).
     */
    public static Ast.Script parse(String src, String file, Map<String, String> defines) {
        return new Parser(src, file, defines).script();
    }

    public static Ast.Script parse(String src, String file) {
        return parse(src, file, new LinkedHashMap<>());
    }

    // ---------------------------------------------------------------- token helpers

    private Token next() {
        Token t = peek;
        peek = lexer.next();
        return t;
    }

    private ScriptError error(Token at, String expected) {
        return new ScriptError(file, at.line(), at.col(), "syntax error: expected " + expected + ", found " + at.describe());
    }

    private ScriptError semantic(Token at, String message) {
        return new ScriptError(file, at.line(), at.col(), message);
    }

    private Token expect(char c) {
        if (!peek.is(c)) {
            throw error(peek, "'" + c + "'");
        }
        return next();
    }

    private Token expectWord(String w) {
        if (!peek.isWord(w)) {
            throw error(peek, "'" + w + "'");
        }
        return next();
    }

    private Token expectKind(Kind k, String what) {
        if (peek.kind() != k) {
            throw error(peek, what);
        }
        return next();
    }

    private long expectInt(String what) {
        if (peek.kind() != Kind.INT) {
            throw error(peek, what);
        }
        return next().num();
    }

    // ---------------------------------------------------------------- script

    private Ast.Script script() {
        List<Ast.Option> options = new ArrayList<>();
        while (peek.kind() == Kind.OPTION) {
            options.add(option());
        }
        Ast.Command init = null;
        if (peek.kind() == Kind.BACKQUOTE) {
            Token t = next();
            init = new Ast.Command(t.text(), t.line());
        }
        List<Ast.Event> events = new ArrayList<>();
        Ast.Command cleanup = null;
        while (peek.kind() != Kind.EOF) {
            if (peek.kind() == Kind.BACKQUOTE && !events.isEmpty()) {
                Token t = next();
                cleanup = new Ast.Command(t.text(), t.line());
                if (peek.kind() != Kind.EOF) {
                    throw error(peek, "end of file after the cleanup command (a command without a time must be the last line)");
                }
                break;
            }
            events.add(event());
        }
        if (events.isEmpty()) {
            throw error(peek, "at least one event (a time followed by a packet, system call, command or code snippet)");
        }
        return new Ast.Script(file, List.copyOf(options), init, List.copyOf(events), cleanup);
    }

    private Ast.Option option() {
        Token t = next();
        String name = t.text();
        String value = null;
        if (peek.is('=')) {
            next();
            Token v = next();
            switch (v.kind()) {
                case INT, HEX, FLOAT, IPV4, IPV6, STRING -> value = v.text();
                case WORD -> {
                    value = v.text();
                    if (peek.is('=')) {   // --define=NAME=value
                        next();
                        Token r = next();
                        value = switch (r.kind()) {
                            case STRING -> value + "=\"" + r.text() + "\"";
                            case BACKQUOTE -> value + "=`" + r.text() + "`";
                            case WORD, INT, HEX, FLOAT -> value + "=" + r.text();
                            default -> throw error(r, "a value after " + value + "=");
                        };
                    }
                }
                default -> throw error(v, "a value for --" + name);
            }
        }
        if (name.equals("define") && value != null) {
            int eq = value.indexOf('=');
            if (eq > 0) {
                defines.put(value.substring(0, eq), value.substring(eq + 1));
            }
        }
        return new Ast.Option(name, value, t.line());
    }

    // ---------------------------------------------------------------- events

    /** After an event, the next token starts another event (a time), is the cleanup command, or ends the file. */
    private void endOfEvent(String expected) {
        Token t = peek;
        boolean ok = t.kind() == Kind.EOF || t.is('+') || t.is('*') || t.kind() == Kind.INT || t.kind() == Kind.FLOAT
                || t.kind() == Kind.BACKQUOTE;
        if (!ok) {
            throw error(t, expected);
        }
    }

    private Ast.Event event() {
        Token start = peek;
        Ast.Time time = eventTime();
        Ast.Action action = action();
        endOfEvent("the next event (a time such as +0 or 0.100) after this one");
        int line = start.line();
        if (time.type() == TimeType.ANY && !isOutbound(action)) {
            throw semantic(start, "event time <star> can only be used with outbound packets");
        }
        if ((time.type() == TimeType.ABSOLUTE_RANGE || time.type() == TimeType.RELATIVE_RANGE) && !isOutbound(action)) {
            throw semantic(start, "event time range can only be used with outbound packets");
        }
        if ((time.type() == TimeType.ABSOLUTE_RANGE || time.type() == TimeType.RELATIVE_RANGE) && time.endUs() < time.startUs()) {
            throw semantic(start, "time range is backwards");
        }
        return new Ast.Event(line, time, action);
    }

    private static boolean isOutbound(Ast.Action a) {
        return a instanceof Ast.Packet p && p.direction() == Direction.OUTBOUND;
    }

    private Ast.Time eventTime() {
        if (peek.is('*')) {
            next();
            return new Ast.Time(TimeType.ANY, 0, 0);
        }
        if (peek.is('+')) {
            next();
            long a = time();
            if (peek.is('~')) {
                next();
                expect('+');
                long b = time();
                return new Ast.Time(TimeType.RELATIVE_RANGE, a, b);
            }
            return new Ast.Time(TimeType.RELATIVE, a, 0);
        }
        if (peek.kind() == Kind.INT || peek.kind() == Kind.FLOAT) {
            long a = time();
            if (peek.is('~')) {
                next();
                long b = time();
                return new Ast.Time(TimeType.ABSOLUTE_RANGE, a, b);
            }
            return new Ast.Time(TimeType.ABSOLUTE, a, 0);
        }
        throw error(peek, "an event time (0.100, +.1, *, 0.1~0.2)");
    }

    /** Seconds as written, to microseconds exactly as packetdrill computes them: (s64)(secs * 1.0e6). */
    private long time() {
        Token t = peek;
        if (t.kind() == Kind.FLOAT) {
            next();
            if (t.real() < 0) {
                throw semantic(t, "negative time");
            }
            return (long) (t.real() * 1.0e6);
        }
        if (t.kind() == Kind.INT) {
            next();
            if (t.num() < 0) {
                throw semantic(t, "negative time");
            }
            return t.num() * 1_000_000L;
        }
        throw error(t, "a time in seconds");
    }

    private Ast.Action action() {
        Token t = peek;
        if (t.is('<') || t.is('>')) {
            return packet();
        }
        if (t.kind() == Kind.BACKQUOTE) {
            next();
            return new Ast.Command(t.text(), t.line());
        }
        if (t.kind() == Kind.CODE) {
            next();
            return new Ast.Code(t.text(), t.line());
        }
        if (t.kind() == Kind.ELLIPSIS || t.kind() == Kind.WORD) {
            return syscall();
        }
        throw error(t, "a packet (< or >), a system call, a `command` or a %{ code }% snippet");
    }

    // ---------------------------------------------------------------- packets

    private Ast.Packet packet() {
        Token dirTok = next();
        Direction dir = dirTok.is('<') ? Direction.INBOUND : Direction.OUTBOUND;
        if (peek.isWord("ipv4") || peek.isWord("ipv6")) {
            throw new Unsupported("explicit IP header in packet", peek.line(),
                    "line " + peek.line() + ": packets with an explicit " + peek.text() + " header (a > b:) are not supported");
        }
        if (peek.isWord("gre") || peek.isWord("GREv0") || peek.isWord("mpls")) {
            throw new Unsupported(peek.text() + " encapsulation", peek.line(),
                    "line " + peek.line() + ": " + peek.text() + " encapsulation is not supported");
        }
        TosCheck tosCheck = TosCheck.NONE;
        int tos = 0;
        int ttl = 0;
        if (peek.is('(') || peek.is('[')) {
            char close = next().is('(') ? ')' : ']';
            if (peek.isWord("ttl")) {
                next();
                ttl = (int) expectInt("a TTL value");
            } else if (peek.isWord("flowlabel")) {
                throw new Unsupported("IPv6 flow label", peek.line(), "line " + peek.line() + ": flowlabel (IPv6) is not supported");
            } else {
                Token w = peek;
                if (w.isWord("noecn")) {
                    tosCheck = TosCheck.ECN;
                    tos = 0;
                } else if (w.isWord("ect0")) {
                    tosCheck = TosCheck.ECN;
                    tos = 2;
                } else if (w.isWord("ect1")) {
                    tosCheck = TosCheck.ECN;
                    tos = 1;
                } else if (w.isWord("ce")) {
                    tosCheck = TosCheck.ECN;
                    tos = 3;
                } else if (w.isWord("ect01")) {
                    tosCheck = TosCheck.ECT01;
                } else if (w.isWord("tos")) {
                    next();
                    if (peek.kind() != Kind.HEX) {
                        throw error(peek, "a hex TOS value (tos 0x..)");
                    }
                    tosCheck = TosCheck.TOS;
                    tos = (int) peek.num();
                    if (tos > 255) {
                        throw semantic(peek, "tos out of range for 8 bits");
                    }
                } else {
                    throw error(w, "an IP field (ect0, ect1, ce, noecn, ect01, tos 0x.., ttl N)");
                }
                next();
                if (peek.is(',')) {
                    next();
                    throw new Unsupported("IPv6 flow label", peek.line(), "line " + peek.line() + ": flowlabel (IPv6) is not supported");
                }
            }
            expect(close);
            if (tosCheck == TosCheck.ECT01 && dir != Direction.OUTBOUND) {
                throw semantic(dirTok, "[ect01] can only be used with outbound packets");
            }
        }
        if (peek.isWord("encap")) {
            throw new Unsupported("PSP encapsulation", peek.line(), "line " + peek.line() + ": PSP encapsulation is not supported");
        }
        if (peek.isWord("udp")) {
            throw new Unsupported("UDP packet", peek.line(), "line " + peek.line() + ": UDP packets are not supported (jtcp is TCP only)");
        }
        if (peek.isWord("icmp")) {
            next();
            return icmp(dir, tosCheck, tos, ttl);
        }
        int srcPort = 0;
        int dstPort = 0;
        if (peek.kind() == Kind.INT) {
            Token p = next();
            expect('>');
            Token q = expectKind(Kind.INT, "a destination port");
            if (p.num() < 0 || p.num() > 65535) {
                throw semantic(p, "src port out of range");
            }
            if (q.num() < 0 || q.num() > 65535) {
                throw semantic(q, "dst port out of range");
            }
            srcPort = (int) p.num();
            dstPort = (int) q.num();
        }
        Token flagTok = peek;
        String flags = flags();
        long[] seq = seq();
        long ack = 0;
        if (peek.isWord("ack")) {
            next();
            Token a = expectKind(Kind.INT, "an ack number");
            if (a.num() < 0 || a.num() > 0xffffffffL) {
                throw semantic(a, "TCP ack sequence number out of range");
            }
            ack = a.num();
        }
        int window = -1;
        if (peek.isWord("win")) {
            next();
            Token w = expectKind(Kind.INT, "a window value");
            if (w.num() < 0 || w.num() > 65535) {
                throw semantic(w, "TCP window value out of range");
            }
            window = (int) w.num();
        }
        int urg = 0;
        if (peek.isWord("urg")) {
            next();
            Token u = expectKind(Kind.INT, "an urgent pointer");
            if (u.num() < 0 || u.num() > 65535) {
                throw semantic(u, "urg_ptr value out of range");
            }
            urg = (int) u.num();
        }
        List<Ast.TcpOpt> options = List.of();
        Token optTok = peek;
        if (peek.is('<')) {
            next();
            if (peek.kind() == Kind.ELLIPSIS) {
                next();
                expect('>');
                options = null;
                if (dir != Direction.OUTBOUND) {
                    throw semantic(optTok, "<...> for TCP options can only be used with outbound packets");
                }
            } else {
                options = tcpOptions(optTok);
            }
        }
        endOfEvent("ack N, win N, urg N, <options> or the next event");
        if (window == -1 && dir == Direction.INBOUND) {
            throw semantic(flagTok, "window must be specified for inbound packets");
        }
        return new Ast.Packet(dir, tosCheck, tos, ttl, srcPort, dstPort, flags, seq[0], (int) seq[1], ack, window,
                urg, options, null);
    }

    private String flags() {
        Token t = peek;
        String flags;
        if (t.is('.')) {
            next();
            flags = ".";
        } else if (t.is('-')) {
            next();
            flags = "";
        } else if (t.kind() == Kind.FLOAT && t.text().startsWith(".")) {
            next();
            flags = t.text();
        } else if (t.kind() == Kind.WORD) {
            next();
            flags = t.text();
            if (peek.is('.')) {
                next();
                flags += ".";
            } else if (peek.kind() == Kind.FLOAT && peek.text().startsWith(".")) {
                flags += next().text();
            }
        } else {
            throw error(t, "TCP flags (S, S., ., P., F., R, -, ...)");
        }
        boolean ecn = false;
        boolean ace = false;
        for (char c : flags.toCharArray()) {
            if (FLAG_CHARS.indexOf(c) < 0 && ACE_DIGITS.indexOf(c) < 0) {
                throw semantic(t, "Invalid TCP flag: '" + c + "'");
            }
            if ("EWA".indexOf(c) >= 0) {
                if (ace) {
                    throw semantic(t, "Conflicting TCP flag: '" + c + "'");
                }
                ecn = true;
            }
            if (ACE_DIGITS.indexOf(c) >= 0) {
                if (ecn || ace) {
                    throw semantic(t, "Conflicting TCP flag: '" + c + "'");
                }
                ace = true;
            }
        }
        return flags;
    }

    /** INT ':' INT '(' INT ')' with end == start + length. */
    private long[] seq() {
        Token s = expectKind(Kind.INT, "a sequence range start:end(length)");
        expect(':');
        Token e = expectKind(Kind.INT, "the end of the sequence range");
        expect('(');
        Token l = expectKind(Kind.INT, "the payload length");
        expect(')');
        if (s.num() < 0 || s.num() > 0xffffffffL) {
            throw semantic(s, "TCP start sequence number out of range");
        }
        if (e.num() < 0 || e.num() > 0xffffffffL) {
            throw semantic(e, "TCP end sequence number out of range");
        }
        if (l.num() < 0 || l.num() > 65535) {
            throw semantic(l, "TCP payload size out of range");
        }
        if (e.num() != s.num() + l.num()) {
            throw semantic(s, "inconsistent TCP sequence numbers and payload size");
        }
        return new long[] {s.num(), l.num()};
    }

    private List<Ast.TcpOpt> tcpOptions(Token open) {
        List<Ast.TcpOpt> list = new ArrayList<>();
        int bytes = 0;
        while (true) {
            Ast.TcpOpt o = tcpOption();
            list.add(o);
            bytes += optionLength(o);
            if (peek.is(',')) {
                next();
                continue;
            }
            expect('>');
            break;
        }
        if (bytes % 4 != 0) {
            throw semantic(open, "TCP options are not padded correctly to ensure TCP header is a multiple of 4 bytes: "
                    + (bytes % 4) + " excess bytes");
        }
        if (bytes > 40) {
            throw semantic(open, "TCP option list too long");
        }
        return List.copyOf(list);
    }

    static int optionLength(Ast.TcpOpt o) {
        return switch (o) {
            case Ast.Nop n -> 1;
            case Ast.Eol e -> 1;
            case Ast.Mss m -> 4;
            case Ast.WScale w -> 3;
            case Ast.SackOk s -> 2;
            case Ast.Sack s -> 2 + 8 * s.blocks().size();
            case Ast.Ts t -> 10;
            case Ast.Md5 m -> 18;
            case Ast.FastOpen f -> (f.experimental() ? 4 : 2) + f.cookie().length;
            case Ast.AccEcn a -> 2;
        };
    }

    private Ast.TcpOpt tcpOption() {
        Token t = peek;
        if (t.kind() != Kind.WORD) {
            throw error(t, "a TCP option (nop, mss N, wscale N, sackOK, sack A:B, TS val N ecr N, ...)");
        }
        next();
        switch (t.text()) {
            case "nop" -> {
                return new Ast.Nop();
            }
            case "eol" -> {
                return new Ast.Eol();
            }
            case "mss" -> {
                Token v = expectKind(Kind.INT, "an MSS value");
                if (v.num() < 0 || v.num() > 65535) {
                    throw semantic(v, "mss value out of range");
                }
                return new Ast.Mss((int) v.num());
            }
            case "wscale" -> {
                Token v = expectKind(Kind.INT, "a window scale shift count");
                if (v.num() < 0 || v.num() > 255) {
                    throw semantic(v, "window scale shift count out of range");
                }
                return new Ast.WScale((int) v.num());
            }
            case "sackOK" -> {
                return new Ast.SackOk();
            }
            case "sack" -> {
                List<long[]> blocks = new ArrayList<>();
                do {
                    Token l = expectKind(Kind.INT, "a SACK block left:right");
                    expect(':');
                    Token r = expectKind(Kind.INT, "the right edge of the SACK block");
                    if (l.num() < 0 || l.num() > 0xffffffffL || r.num() < 0 || r.num() > 0xffffffffL) {
                        throw semantic(l, "TCP SACK sequence number out of range");
                    }
                    blocks.add(new long[] {l.num(), r.num()});
                } while (peek.kind() == Kind.INT);
                return new Ast.Sack(List.copyOf(blocks));
            }
            case "TS" -> {
                expectWord("val");
                Token v = expectKind(Kind.INT, "a TS val");
                expectWord("ecr");
                Token e = expectKind(Kind.INT, "a TS ecr");
                if (v.num() < 0 || v.num() > 0xffffffffL) {
                    throw semantic(v, "ts val out of range");
                }
                if (e.num() < 0 || e.num() > 0xffffffffL) {
                    throw semantic(e, "ecr val out of range");
                }
                return new Ast.Ts(v.num(), e.num());
            }
            case "md5" -> {
                Token h = hexBlob("an MD5 digest in hex");
                byte[] d = hex(h, h.text());
                if (d.length != 16) {
                    throw semantic(h, "MD5 digest must be 16 bytes (32 hex digits)");
                }
                return new Ast.Md5(d);
            }
            case "FO", "FOEXP" -> {
                byte[] cookie = new byte[0];
                if (peek.kind() == Kind.WORD || peek.kind() == Kind.INT) {
                    Token h = next();
                    cookie = hex(h, h.text());
                    int max = t.text().equals("FOEXP") ? 36 : 38;
                    if (cookie.length > max) {
                        throw semantic(h, "TCP fast open cookie of " + cookie.length
                                + " bytes exceeds maximum cookie length of " + max + " bytes");
                    }
                }
                return new Ast.FastOpen(cookie, t.text().equals("FOEXP"));
            }
            case "ECN" -> {
                StringBuilder sb = new StringBuilder("ECN");
                while (peek.isWord("e0b") || peek.isWord("e1b") || peek.isWord("ceb")) {
                    sb.append(' ').append(next().text()).append(' ').append(expectInt("an AccECN counter"));
                }
                return new Ast.AccEcn(sb.toString());
            }
            default -> throw error(t, "a TCP option (nop, eol, mss, wscale, sackOK, sack, TS, md5, FO, FOEXP, ECN)");
        }
    }

    private Token hexBlob(String what) {
        if (peek.kind() != Kind.WORD && peek.kind() != Kind.INT) {
            throw error(peek, what);
        }
        return next();
    }

    private byte[] hex(Token at, String s) {
        if (s.length() % 2 != 0) {
            throw semantic(at, "hex string '" + s + "' has an odd number of digits");
        }
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw semantic(at, "'" + s + "' is not a hex string");
        }
    }

    private Ast.Packet icmp(Direction dir, TosCheck tosCheck, int tos, int ttl) {
        Token type = expectKind(Kind.WORD, "an ICMP type (unreachable, time_exceeded, ...)");
        String code = null;
        if (peek.kind() == Kind.WORD && !peek.isWord("mtu") && !peek.isWord("id")) {
            code = next().text();
        }
        int mtu = -1;
        if (peek.isWord("mtu")) {
            next();
            mtu = (int) expectInt("an MTU value");
        }
        if (peek.isWord("id")) {
            next();
            expectInt("an ICMP echo id");
        }
        long echoSeq = 0;
        int echoLen = 0;
        String proto = "tcp";
        if (peek.is('[')) {
            next();
            if (peek.isWord("udp") || peek.isWord("raw")) {
                proto = next().text();
                expect('(');
                echoLen = (int) expectInt("a payload length");
                expect(')');
            } else {
                long[] s = seq();
                echoSeq = s[0];
                echoLen = (int) s[1];
            }
            expect(']');
        }
        return new Ast.Packet(dir, tosCheck, tos, ttl, 0, 0, "", 0, 0, 0, 0, 0, List.of(),
                new Ast.Icmp(type.text(), code, mtu, echoSeq, echoLen, proto));
    }

    // ---------------------------------------------------------------- system calls

    private Ast.Syscall syscall() {
        Long end = null;
        if (peek.kind() == Kind.ELLIPSIS) {
            next();
            end = time();
        }
        Token name = expectKind(Kind.WORD, "a system call name");
        expect('(');
        List<Expr> args = new ArrayList<>();
        if (!peek.is(')')) {
            args.add(expression());
            while (peek.is(',')) {
                next();
                args.add(expression());
            }
        }
        expect(')');
        expect('=');
        Expr result = expression();
        String errno = null;
        String note = null;
        if (peek.kind() == Kind.WORD) {
            errno = next().text();
            if (!peek.is('(')) {
                throw error(peek, "a note in parentheses after the errno name, e.g. (Operation now in progress)");
            }
            note = note();
        } else if (peek.is('(')) {
            note = note();
        }
        return new Ast.Syscall(name.text(), List.copyOf(args), end, result, errno, note);
    }

    private String note() {
        expect('(');
        StringBuilder sb = new StringBuilder();
        while (!peek.is(')')) {
            if (peek.kind() != Kind.WORD) {
                throw error(peek, "words or ')' in the note");
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(next().text());
        }
        next();
        return sb.toString();
    }

    private Expr expression() {
        Expr e = primary();
        while (peek.is('|')) {
            next();
            e = new Expr.Binary("|", e, primary());
        }
        return e;
    }

    private Expr primary() {
        Token t = peek;
        switch (t.kind()) {
            case ELLIPSIS -> {
                next();
                return new Expr.Ellipsis();
            }
            case INT -> {
                next();
                return new Expr.Int(t.num(), false);
            }
            case HEX -> {
                next();
                return new Expr.Int(t.num(), true);
            }
            case STRING -> {
                next();
                StringBuilder sb = new StringBuilder(t.text());
                while (peek.kind() == Kind.STRING) {
                    sb.append(next().text());
                }
                boolean ell = false;
                if (peek.kind() == Kind.ELLIPSIS) {
                    next();
                    ell = true;
                }
                return new Expr.Str(sb.toString(), ell);
            }
            case WORD -> {
                next();
                if (t.text().equals("inet_addr") || t.text().equals("inet6_addr")) {
                    expect('(');
                    Token s = expectKind(Kind.STRING, "an address string");
                    expect(')');
                    return new Expr.SockAddr(t.text().equals("inet_addr") ? "AF_INET" : "AF_INET6", -1, s.text());
                }
                if (peek.is('=')) {
                    next();
                    return new Expr.Binary("=", new Expr.Word(t.text()), expression());
                }
                return new Expr.Word(t.text());
            }
            case PUNCT -> {
                if (t.is('[')) {
                    next();
                    List<Expr> items = new ArrayList<>();
                    if (!peek.is(']')) {
                        items.add(expression());
                        while (peek.is(',')) {
                            next();
                            items.add(expression());
                        }
                    }
                    expect(']');
                    return new Expr.ListExpr(List.copyOf(items));
                }
                if (t.is('{')) {
                    next();
                    return braces();
                }
                throw error(t, "an expression");
            }
            default -> throw error(t, "an expression");
        }
    }

    /** After '{': one of the named structs, or a plain brace list. */
    private Expr braces() {
        Token t = peek;
        if (t.kind() == Kind.ELLIPSIS) {
            next();
            expect(',');
            long len = expectInt("an iovec length");
            expect('}');
            return new Expr.Iovec(len);
        }
        if (t.kind() == Kind.WORD) {
            switch (t.text()) {
                case "msg_name" -> {
                    return msghdr();
                }
                case "fd" -> {
                    next();
                    expect('=');
                    Expr fd = expression();
                    expect(',');
                    expectWord("events");
                    expect('=');
                    Expr ev = expression();
                    Expr rev = new Expr.Int(0, false);
                    if (peek.is(',')) {
                        next();
                        expectWord("revents");
                        expect('=');
                        rev = expression();
                    }
                    expect('}');
                    return new Expr.PollFd(fd, ev, rev);
                }
                case "events" -> {
                    next();
                    expect('=');
                    Expr ev = expression();
                    expect(',');
                    Token k = peek;
                    if (!(k.isWord("fd") || k.isWord("ptr") || k.isWord("u32") || k.isWord("u64"))) {
                        throw error(k, "fd=, ptr=, u32= or u64= in the epoll_event");
                    }
                    next();
                    expect('=');
                    Expr data = expression();
                    expect('}');
                    return new Expr.EpollEvent(ev, k.text(), data);
                }
                case "cmsg_level" -> {
                    next();
                    expect('=');
                    Expr level = expression();
                    expect(',');
                    expectWord("cmsg_type");
                    expect('=');
                    Expr type = expression();
                    expect(',');
                    expectWord("cmsg_data");
                    expect('=');
                    Expr data = expression();
                    expect('}');
                    return new Expr.Cmsg(level, type, data);
                }
                case "onoff" -> {
                    next();
                    expect('=');
                    long on = expectInt("the onoff value");
                    expect(',');
                    expectWord("linger");
                    expect('=');
                    long l = expectInt("the linger value");
                    expect('}');
                    return new Expr.Linger(on, l);
                }
                case "scm_sec" -> {
                    next();
                    expect('=');
                    long s = expectInt("seconds");
                    expect(',');
                    expectWord("scm_nsec");
                    expect('=');
                    long ns = expectInt("nanoseconds");
                    expect('}');
                    return new Expr.ScmTimestamping(s, ns);
                }
                case "ee_errno" -> {
                    List<Expr> fields = new ArrayList<>();
                    String[] names = {"ee_errno", "ee_origin", "ee_type", "ee_code", "ee_info", "ee_data"};
                    for (int i = 0; i < names.length; i++) {
                        if (i > 0) {
                            expect(',');
                        }
                        expectWord(names[i]);
                        expect('=');
                        fields.add(expression());
                    }
                    expect('}');
                    return new Expr.SockExtendedErr(List.copyOf(fields));
                }
                case "sa_family" -> {
                    next();
                    expect('=');
                    Token fam = expectKind(Kind.WORD, "AF_INET or AF_INET6");
                    expect(',');
                    expectWord("sin_port");
                    expect('=');
                    expectWord("htons");
                    expect('(');
                    long port = expectInt("a port");
                    expect(')');
                    expect(',');
                    expectWord("sin_addr");
                    expect('=');
                    Token kw = expectKind(Kind.WORD, "inet_addr(\"...\")");
                    if (!kw.text().equals("inet_addr") && !kw.text().equals("inet6_addr")) {
                        throw error(kw, "inet_addr(\"...\")");
                    }
                    expect('(');
                    Token a = expectKind(Kind.STRING, "an address string");
                    expect(')');
                    expect('}');
                    return new Expr.SockAddr(fam.text(), port, a.text());
                }
                case "mpls", "gre", "GREv0", "flags" -> throw new Unsupported(t.text() + " expression", t.line(),
                        "line " + t.line() + ": " + t.text() + " expressions are not supported");
                default -> {
                }
            }
        }
        List<Expr> items = new ArrayList<>();
        items.add(expression());
        while (peek.is(',')) {
            next();
            items.add(expression());
        }
        expect('}');
        return new Expr.Braces(List.copyOf(items));
    }

    private Expr msghdr() {
        expectWord("msg_name");
        expect('(');
        expectKind(Kind.ELLIPSIS, "'...'");
        expect(')');
        expect('=');
        expectKind(Kind.ELLIPSIS, "'...'");
        expect(',');
        expectWord("msg_iov");
        expect('(');
        long iovLen = expectInt("the iovec count");
        expect(')');
        expect('=');
        if (!peek.is('[')) {
            throw error(peek, "an iovec array [{..., N}, ...]");
        }
        Expr.ListExpr iov = (Expr.ListExpr) primary();
        expect(',');
        expectWord("msg_flags");
        expect('=');
        Expr flags = expression();
        List<Expr> control = List.of();
        if (peek.is(',')) {
            next();
            expectWord("msg_control");
            expect('=');
            if (!peek.is('[')) {
                throw error(peek, "a control message array [{cmsg_level=..., ...}]");
            }
            control = ((Expr.ListExpr) primary()).items();
        }
        expect('}');
        return new Expr.Msghdr(iovLen, iov.items(), flags, control);
    }
}
