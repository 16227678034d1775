package dev.jtcp.drill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Our own evaluator for the Python that packetdrill's {@code %{ ... }%} snippets use (no CPython): statements
 * {@code assert test[, message]}, {@code print(...)}, {@code name = expr}, {@code name += expr} (and the
 * other augmented assignments), bare expressions and {@code pass}, separated by newlines or {@code ;}, with
 * {@code \} continuations and {@code #} comments; expressions with int/hex/float/string literals, names,
 * parentheses and tuples, arithmetic, bitwise operators, chained comparisons, {@code and/or/not}, the
 * {@code %} string format, and the functions print, abs, min, max, int, str, len, hex.
 *
 * <p>As in packetdrill, all snippets run after the script with one shared namespace: each snippet first sees
 * the TCP_INFO snapshot taken at its own event, and plain variables carry over from one snippet to the next.
 */
public final class Snippets {

    /** A failed assert or a Python error: the script fails with this message. */
    public static final class SnippetFailure extends RuntimeException {
        private final int line;

        SnippetFailure(String message) {
            super(message);
            int l = 0;
            if (message.startsWith("line ")) {
                int c = message.indexOf(':');
                try {
                    l = Integer.parseInt(message.substring(5, c));
                } catch (RuntimeException e) {
                    l = 0;
                }
            }
            this.line = l;
        }

        /** The script line of the statement that failed. */
        public int line() {
            return line;
        }
    }

    private final Map<String, Object> globals = new HashMap<>();
    private final Set<String> linuxOnlyNames;
    private final StringBuilder output = new StringBuilder();

    /**
     * @param linuxOnlyNames names Linux's snapshot defines but jtcp cannot provide (tcp_info fields jtcp does
     *                       not keep): reading one makes the script SKIP instead of failing with a NameError
     */
    public Snippets(Set<String> linuxOnlyNames) {
        this.linuxOnlyNames = linuxOnlyNames;
    }

    /** What print() wrote. */
    public String output() {
        return output.toString();
    }

    /** Runs one snippet after loading its snapshot into the namespace. */
    public void run(String code, Map<String, Long> snapshot, int line) {
        globals.putAll(snapshot);
        for (Stmt s : split(code, line)) {
            exec(s);
        }
    }

    /** Evaluates one expression against the namespace (tests). */
    Object eval(String expr) {
        Lex lx = new Lex(expr, 0);
        Object v = new ExprParser(lx).test();
        lx.expectEnd();
        return v;
    }

    // ---------------------------------------------------------------- statements

    private record Stmt(String text, int line) {
    }

    /** Splits into logical statements: newlines and ';' outside brackets and strings, '\' continuations. */
    private static List<Stmt> split(String code, int firstLine) {
        List<Stmt> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        int line = firstLine;
        int stmtLine = firstLine;
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                cur.append(c);
                if (c == '\\' && i + 1 < code.length()) {
                    cur.append(code.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                cur.append(c);
            } else if (c == '#') {
                while (i + 1 < code.length() && code.charAt(i + 1) != '\n') {
                    i++;
                }
            } else if (c == '\\' && i + 1 < code.length() && code.charAt(i + 1) == '\n') {
                i++;
                line++;
                cur.append(' ');
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
                cur.append(c);
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
                cur.append(c);
            } else if ((c == '\n' && depth <= 0) || (c == ';' && depth <= 0)) {
                if (!cur.toString().isBlank()) {
                    out.add(new Stmt(cur.toString().strip(), stmtLine));
                }
                cur.setLength(0);
                if (c == '\n') {
                    line++;
                }
                stmtLine = line;
            } else {
                if (c == '\n') {
                    line++;
                    c = ' ';
                }
                if (cur.toString().isBlank()) {
                    stmtLine = line;
                }
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(new Stmt(cur.toString().strip(), stmtLine));
        }
        return out;
    }

    private void exec(Stmt s) {
        String t = s.text();
        Lex lx = new Lex(t, s.line());
        ExprParser p = new ExprParser(lx);
        if (lx.peekIs("assert")) {
            lx.next();
            Object cond = p.test();
            Object msg = null;
            if (lx.peekOp(",")) {
                lx.next();
                msg = p.test();
            }
            lx.expectEnd();
            if (!truthy(cond)) {
                throw new SnippetFailure("line " + s.line() + ": AssertionError" + (msg == null ? "" : ": " + str(msg))
                        + " (assert " + t.substring("assert".length()).strip() + ")");
            }
            return;
        }
        if (lx.peekIs("pass")) {
            return;
        }
        for (String kw : List.of("if", "for", "while", "def", "import", "from", "class", "return", "with", "try", "del",
                "global", "lambda", "elif", "else")) {
            if (lx.peekIs(kw)) {
                throw new Unsupported("python '" + kw + "' statement", s.line(),
                        "line " + s.line() + ": the snippet evaluator does not support '" + kw + "' statements");
            }
        }
        // name = expr, name op= expr
        if (lx.peekKind() == 'n') {
            int save = lx.pos();
            String name = lx.next().text;
            if (lx.peekOp("=")) {
                lx.next();
                Object v = p.test();
                lx.expectEnd();
                globals.put(name, v);
                return;
            }
            for (String op : List.of("+=", "-=", "*=", "//=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=")) {
                if (lx.peekOp(op)) {
                    lx.next();
                    Object rhs = p.test();
                    lx.expectEnd();
                    Object lhs = lookup(name, s.line());
                    globals.put(name, binary(op.substring(0, op.length() - 1), lhs, rhs, s.line()));
                    return;
                }
            }
            lx.reset(save);
        }
        p.test();
        lx.expectEnd();
    }

    private Object lookup(String name, int line) {
        if (globals.containsKey(name)) {
            return globals.get(name);
        }
        if (linuxOnlyNames.contains(name)) {
            throw new Unsupported("TCP_INFO field " + name, line,
                    "line " + line + ": the snippet reads " + name + ", which jtcp's TCP_INFO (dev.jtcp.tcp.TcpInfo) does not provide");
        }
        switch (name) {
            case "True" -> {
                return Boolean.TRUE;
            }
            case "False" -> {
                return Boolean.FALSE;
            }
            case "None" -> {
                return null;
            }
            default -> throw new SnippetFailure("line " + line + ": NameError: name '" + name + "' is not defined");
        }
    }

    // ---------------------------------------------------------------- values

    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case Long l -> l != 0;
            case Double d -> d != 0;
            case String s -> !s.isEmpty();
            case List<?> l -> !l.isEmpty();
            default -> true;
        };
    }

    static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> b ? "True" : "False";
            case Double d -> d == Math.rint(d) && !Double.isInfinite(d) ? String.format("%.1f", d) : Double.toString(d);
            case List<?> l -> {
                StringBuilder sb = new StringBuilder("(");
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(", ");
                    }
                    sb.append(l.get(i) instanceof String s ? "'" + s + "'" : str(l.get(i)));
                }
                yield sb.append(l.size() == 1 ? ",)" : ")").toString();
            }
            default -> v.toString();
        };
    }

    private static boolean isNum(Object v) {
        return v instanceof Long || v instanceof Double || v instanceof Boolean;
    }

    private static long asLong(Object v, int line) {
        return switch (v) {
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case Double d -> d.longValue();
            default -> throw new SnippetFailure("line " + line + ": TypeError: expected an integer, got " + str(v));
        };
    }

    private static double asDouble(Object v) {
        return switch (v) {
            case Long l -> l;
            case Boolean b -> b ? 1 : 0;
            case Double d -> d;
            default -> Double.NaN;
        };
    }

    private static Object binary(String op, Object a, Object b, int line) {
        if (op.equals("%") && a instanceof String fmt) {
            return format(fmt, b, line);
        }
        if (op.equals("+") && a instanceof String s && b instanceof String t) {
            return s + t;
        }
        if (!isNum(a) || !isNum(b)) {
            throw new SnippetFailure("line " + line + ": TypeError: unsupported operand type(s) for " + op + ": "
                    + str(a) + " and " + str(b));
        }
        boolean real = a instanceof Double || b instanceof Double;
        if (op.equals("/")) {
            double d = asDouble(b);
            if (d == 0) {
                throw new SnippetFailure("line " + line + ": ZeroDivisionError: division by zero");
            }
            return asDouble(a) / d;
        }
        if (real) {
            double x = asDouble(a);
            double y = asDouble(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> Math.floor(x / y);
                case "%" -> x - Math.floor(x / y) * y;
                case "**" -> Math.pow(x, y);
                default -> throw new SnippetFailure("line " + line + ": TypeError: unsupported operand type(s) for " + op + ": float");
            };
        }
        long x = asLong(a, line);
        long y = asLong(b, line);
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "//", "%" -> {
                if (y == 0) {
                    throw new SnippetFailure("line " + line + ": ZeroDivisionError: integer division or modulo by zero");
                }
                yield op.equals("//") ? Math.floorDiv(x, y) : Math.floorMod(x, y);
            }
            case "**" -> {
                long r = 1;
                for (long i = 0; i < y; i++) {
                    r *= x;
                }
                yield r;
            }
            case "&" -> x & y;
            case "|" -> x | y;
            case "^" -> x ^ y;
            case "<<" -> x << y;
            case ">>" -> x >> y;
            default -> throw new SnippetFailure("line " + line + ": unsupported operator " + op);
        };
    }

    private static int compare(Object a, Object b, int line) {
        if (isNum(a) && isNum(b)) {
            if (a instanceof Double || b instanceof Double) {
                return Double.compare(asDouble(a), asDouble(b));
            }
            return Long.compare(asLong(a, line), asLong(b, line));
        }
        if (a instanceof String s && b instanceof String t) {
            return s.compareTo(t);
        }
        throw new SnippetFailure("line " + line + ": TypeError: cannot order " + str(a) + " and " + str(b));
    }

    private static boolean equal(Object a, Object b) {
        if (isNum(a) && isNum(b)) {
            return asDouble(a) == asDouble(b) && (a instanceof Double || b instanceof Double
                    || asLong(a, 0) == asLong(b, 0));
        }
        return a == null ? b == null : a.equals(b);
    }

    /** printf-style % formatting with %d %i %u %s %r %x %X %o %f %%. */
    private static String format(String fmt, Object args, int line) {
        List<?> list = args instanceof List<?> l ? l : List.of(args == null ? "None" : args);
        StringBuilder sb = new StringBuilder();
        int ai = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            int j = i + 1;
            StringBuilder spec = new StringBuilder("%");
            while (j < fmt.length() && "-+ 0#.123456789".indexOf(fmt.charAt(j)) >= 0) {
                spec.append(fmt.charAt(j++));
            }
            if (j >= fmt.length()) {
                throw new SnippetFailure("line " + line + ": ValueError: incomplete format");
            }
            char conv = fmt.charAt(j);
            i = j;
            if (conv == '%') {
                sb.append('%');
                continue;
            }
            if (ai >= list.size()) {
                throw new SnippetFailure("line " + line + ": TypeError: not enough arguments for format string");
            }
            Object v = list.get(ai++);
            switch (conv) {
                case 'd', 'i', 'u' -> sb.append(String.format(spec + "d", asLong(v, line)));
                case 'x', 'X', 'o' -> sb.append(String.format(spec.toString() + conv, asLong(v, line)));
                case 'f', 'e', 'g' -> sb.append(String.format(spec.toString() + conv, asDouble(v)));
                case 's', 'r' -> sb.append(String.format(spec + "s", str(v)));
                default -> throw new SnippetFailure("line " + line + ": ValueError: unsupported format character '" + conv + "'");
            }
        }
        if (ai < list.size()) {
            throw new SnippetFailure("line " + line + ": TypeError: not all arguments converted during string formatting");
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- lexer

    private record PyTok(char kind, String text, Object value) {
        // kind: 'n' name, '#' number, 's' string, 'o' operator, 'e' end
    }

    private static final class Lex {
        private final String src;
        private final int line;
        private final List<PyTok> toks = new ArrayList<>();
        private int i;

        Lex(String src, int line) {
            this.src = src;
            this.line = line;
            tokenize();
        }

        private void tokenize() {
            int p = 0;
            while (p < src.length()) {
                char c = src.charAt(p);
                if (Character.isWhitespace(c)) {
                    p++;
                } else if (Character.isLetter(c) || c == '_') {
                    int q = p;
                    while (q < src.length() && (Character.isLetterOrDigit(src.charAt(q)) || src.charAt(q) == '_')) {
                        q++;
                    }
                    toks.add(new PyTok('n', src.substring(p, q), null));
                    p = q;
                } else if (Character.isDigit(c) || (c == '.' && p + 1 < src.length() && Character.isDigit(src.charAt(p + 1)))) {
                    int q = p;
                    Object v;
                    if (c == '0' && q + 1 < src.length() && (src.charAt(q + 1) == 'x' || src.charAt(q + 1) == 'X')) {
                        q += 2;
                        while (q < src.length() && (Character.digit(src.charAt(q), 16) >= 0 || src.charAt(q) == '_')) {
                            q++;
                        }
                        v = Long.parseUnsignedLong(src.substring(p + 2, q).replace("_", ""), 16);
                    } else {
                        boolean real = false;
                        while (q < src.length() && (Character.isDigit(src.charAt(q)) || src.charAt(q) == '_'
                                || src.charAt(q) == '.' || src.charAt(q) == 'e' || src.charAt(q) == 'E'
                                || ((src.charAt(q) == '-' || src.charAt(q) == '+') && (src.charAt(q - 1) == 'e' || src.charAt(q - 1) == 'E')))) {
                            if (src.charAt(q) == '.' || src.charAt(q) == 'e' || src.charAt(q) == 'E') {
                                real = true;
                            }
                            q++;
                        }
                        String num = src.substring(p, q).replace("_", "");
                        try {
                            v = real ? (Object) Double.parseDouble(num) : (Object) Long.parseLong(num);
                        } catch (NumberFormatException e) {
                            throw new SnippetFailure("line " + line + ": SyntaxError: invalid number " + num);
                        }
                    }
                    toks.add(new PyTok('#', src.substring(p, q), v));
                    p = q;
                } else if (c == '\'' || c == '"') {
                    StringBuilder sb = new StringBuilder();
                    int q = p + 1;
                    while (q < src.length() && src.charAt(q) != c) {
                        char d = src.charAt(q);
                        if (d == '\\' && q + 1 < src.length()) {
                            char e = src.charAt(++q);
                            sb.append(switch (e) {
                                case 'n' -> '\n';
                                case 't' -> '\t';
                                default -> e;
                            });
                        } else {
                            sb.append(d);
                        }
                        q++;
                    }
                    if (q >= src.length()) {
                        throw new SnippetFailure("line " + line + ": SyntaxError: unterminated string");
                    }
                    toks.add(new PyTok('s', src.substring(p, q + 1), sb.toString()));
                    p = q + 1;
                } else {
                    String op = null;
                    for (String o : List.of("//=", "<<=", ">>=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+=", "-=",
                            "*=", "/=", "%=", "&=", "|=", "^=")) {
                        if (src.startsWith(o, p)) {
                            op = o;
                            break;
                        }
                    }
                    if (op == null) {
                        if ("+-*/%&|^~<>()[],=:".indexOf(c) < 0) {
                            throw new SnippetFailure("line " + line + ": SyntaxError: unexpected character '" + c + "'");
                        }
                        op = String.valueOf(c);
                    }
                    toks.add(new PyTok('o', op, null));
                    p += op.length();
                }
            }
            toks.add(new PyTok('e', "", null));
        }

        PyTok peek() {
            return toks.get(i);
        }

        PyTok next() {
            PyTok t = toks.get(i);
            if (t.kind != 'e') {
                i++;
            }
            return t;
        }

        char peekKind() {
            return peek().kind;
        }

        boolean peekOp(String op) {
            return peek().kind == 'o' && peek().text.equals(op);
        }

        boolean peekIs(String name) {
            return peek().kind == 'n' && peek().text.equals(name);
        }

        int pos() {
            return i;
        }

        void reset(int p) {
            i = p;
        }

        void expect(String op) {
            if (!peekOp(op)) {
                throw new SnippetFailure("line " + line + ": SyntaxError: expected '" + op + "', found '" + peek().text + "'");
            }
            next();
        }

        void expectEnd() {
            if (peek().kind != 'e') {
                throw new SnippetFailure("line " + line + ": SyntaxError: unexpected '" + peek().text + "'");
            }
        }

        int line() {
            return line;
        }
    }

    // ---------------------------------------------------------------- expressions

    private final class ExprParser {
        private final Lex lx;

        ExprParser(Lex lx) {
            this.lx = lx;
        }

        private SnippetFailure syntax() {
            return new SnippetFailure("line " + lx.line() + ": SyntaxError: unexpected '" + lx.peek().text + "'");
        }

        Object test() {
            Object v = orTest();
            if (lx.peekIs("if")) {
                lx.next();
                Object cond = orTest();
                if (!lx.peekIs("else")) {
                    throw syntax();
                }
                lx.next();
                Object other = test();
                return truthy(cond) ? v : other;
            }
            return v;
        }

        Object orTest() {
            Object v = andTest();
            while (lx.peekIs("or")) {
                lx.next();
                Object r = andTest();
                v = truthy(v) ? v : r;
            }
            return v;
        }

        Object andTest() {
            Object v = notTest();
            while (lx.peekIs("and")) {
                lx.next();
                Object r = notTest();
                v = truthy(v) ? r : v;
            }
            return v;
        }

        Object notTest() {
            if (lx.peekIs("not")) {
                lx.next();
                return !truthy(notTest());
            }
            return comparison();
        }

        Object comparison() {
            Object left = bitOr();
            Boolean result = null;
            while (true) {
                String op = null;
                if (lx.peekKind() == 'o' && List.of("==", "!=", "<", "<=", ">", ">=").contains(lx.peek().text)) {
                    op = lx.next().text;
                } else if (lx.peekIs("is") || lx.peekIs("in")) {
                    throw new Unsupported("python '" + lx.peek().text + "' operator", lx.line(),
                            "line " + lx.line() + ": the snippet evaluator does not support '" + lx.peek().text + "'");
                }
                if (op == null) {
                    return result == null ? left : result;
                }
                Object right = bitOr();
                boolean r = switch (op) {
                    case "==" -> equal(left, right);
                    case "!=" -> !equal(left, right);
                    case "<" -> compare(left, right, lx.line()) < 0;
                    case "<=" -> compare(left, right, lx.line()) <= 0;
                    case ">" -> compare(left, right, lx.line()) > 0;
                    default -> compare(left, right, lx.line()) >= 0;
                };
                result = (result == null || result) && r;
                left = right;
            }
        }

        Object bitOr() {
            Object v = bitXor();
            while (lx.peekOp("|")) {
                lx.next();
                v = binary("|", v, bitXor(), lx.line());
            }
            return v;
        }

        Object bitXor() {
            Object v = bitAnd();
            while (lx.peekOp("^")) {
                lx.next();
                v = binary("^", v, bitAnd(), lx.line());
            }
            return v;
        }

        Object bitAnd() {
            Object v = shift();
            while (lx.peekOp("&")) {
                lx.next();
                v = binary("&", v, shift(), lx.line());
            }
            return v;
        }

        Object shift() {
            Object v = arith();
            while (lx.peekOp("<<") || lx.peekOp(">>")) {
                String op = lx.next().text;
                v = binary(op, v, arith(), lx.line());
            }
            return v;
        }

        Object arith() {
            Object v = term();
            while (lx.peekOp("+") || lx.peekOp("-")) {
                String op = lx.next().text;
                v = binary(op, v, term(), lx.line());
            }
            return v;
        }

        Object term() {
            Object v = factor();
            while (lx.peekOp("*") || lx.peekOp("/") || lx.peekOp("//") || lx.peekOp("%")) {
                String op = lx.next().text;
                v = binary(op, v, factor(), lx.line());
            }
            return v;
        }

        Object factor() {
            if (lx.peekOp("-")) {
                lx.next();
                Object v = factor();
                return v instanceof Double d ? (Object) (-d) : (Object) (-asLong(v, lx.line()));
            }
            if (lx.peekOp("+")) {
                lx.next();
                return factor();
            }
            if (lx.peekOp("~")) {
                lx.next();
                return ~asLong(factor(), lx.line());
            }
            return power();
        }

        Object power() {
            Object v = atom();
            if (lx.peekOp("**")) {
                lx.next();
                v = binary("**", v, factor(), lx.line());
            }
            return v;
        }

        Object atom() {
            PyTok t = lx.next();
            switch (t.kind) {
                case '#', 's' -> {
                    Object v = t.value;
                    while (t.kind == 's' && lx.peekKind() == 's') {
                        v = v + (String) lx.next().value;
                    }
                    return v;
                }
                case 'n' -> {
                    if (lx.peekOp("(")) {
                        lx.next();
                        List<Object> args = new ArrayList<>();
                        while (!lx.peekOp(")")) {
                            args.add(test());
                            if (lx.peekOp(",")) {
                                lx.next();
                            } else {
                                break;
                            }
                        }
                        lx.expect(")");
                        return call(t.text, args);
                    }
                    return lookup(t.text, lx.line());
                }
                case 'o' -> {
                    if (t.text.equals("(")) {
                        if (lx.peekOp(")")) {
                            lx.next();
                            return List.of();
                        }
                        Object v = test();
                        if (lx.peekOp(",")) {
                            List<Object> tuple = new ArrayList<>();
                            tuple.add(v);
                            while (lx.peekOp(",")) {
                                lx.next();
                                if (lx.peekOp(")")) {
                                    break;
                                }
                                tuple.add(test());
                            }
                            lx.expect(")");
                            return tuple;
                        }
                        lx.expect(")");
                        return v;
                    }
                    throw new SnippetFailure("line " + lx.line() + ": SyntaxError: unexpected '" + t.text + "'");
                }
                default -> throw new SnippetFailure("line " + lx.line() + ": SyntaxError: unexpected end of statement");
            }
        }

        private Object call(String fn, List<Object> args) {
            int line = lx.line();
            switch (fn) {
                case "print" -> {
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < args.size(); k++) {
                        if (k > 0) {
                            sb.append(' ');
                        }
                        sb.append(str(args.get(k)));
                    }
                    output.append(sb).append('\n');
                    return null;
                }
                case "abs" -> {
                    Object v = one(fn, args);
                    return v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(asLong(v, line));
                }
                case "int" -> {
                    Object v = one(fn, args);
                    if (v instanceof String s) {
                        try {
                            return Long.parseLong(s.strip());
                        } catch (NumberFormatException e) {
                            throw new SnippetFailure("line " + line + ": ValueError: invalid literal for int(): '" + s + "'");
                        }
                    }
                    return asLong(v, line);
                }
                case "str" -> {
                    return str(one(fn, args));
                }
                case "hex" -> {
                    long v = asLong(one(fn, args), line);
                    return (v < 0 ? "-0x" : "0x") + Long.toHexString(Math.abs(v));
                }
                case "len" -> {
                    Object v = one(fn, args);
                    if (v instanceof String s) {
                        return (long) s.length();
                    }
                    if (v instanceof List<?> l) {
                        return (long) l.size();
                    }
                    throw new SnippetFailure("line " + line + ": TypeError: object has no len()");
                }
                case "min", "max" -> {
                    List<?> items = args.size() == 1 && args.get(0) instanceof List<?> l ? l : args;
                    if (items.isEmpty()) {
                        throw new SnippetFailure("line " + line + ": ValueError: " + fn + "() arg is an empty sequence");
                    }
                    Object best = items.get(0);
                    for (Object o : items) {
                        int c = compare(o, best, line);
                        if (fn.equals("min") ? c < 0 : c > 0) {
                            best = o;
                        }
                    }
                    return best;
                }
                default -> {
                    if (globals.containsKey(fn)) {
                        throw new SnippetFailure("line " + line + ": TypeError: '" + fn + "' is not callable");
                    }
                    throw new Unsupported("python function " + fn + "()", line,
                            "line " + line + ": the snippet evaluator does not support " + fn + "()");
                }
            }
        }

        private Object one(String fn, List<Object> args) {
            if (args.size() != 1) {
                throw new SnippetFailure("line " + lx.line() + ": TypeError: " + fn + "() takes exactly one argument");
            }
            return args.get(0);
        }
    }
}
