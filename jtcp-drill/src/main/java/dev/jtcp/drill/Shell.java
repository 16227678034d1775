package dev.jtcp.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Emulates the shell commands packetdrill scripts run in backquotes, without executing anything: the
 * {@code /bin/sh -c} grammar the corpus uses (lists with {@code ;}, {@code &&}, {@code ||} and newlines,
 * pipes, redirections, quotes, {@code ${PPID}}, {@code $((...))}, comments, {@code \} continuations) over a
 * small set of commands: {@code defaults.sh} (interpreted line by line), {@code set_sysctls.py} and the
 * restore script it writes, {@code sysctl}, {@code ip tcp_metrics}, {@code ip route}, {@code tc qdisc},
 * {@code ethtool -K}, {@code nstat}, {@code grep} (over {@code /proc/net/tcp} and pipes), {@code echo} into
 * {@code /proc/sys} or {@code /sys/module}, {@code cat}, {@code rm}, {@code dd}, {@code true}, {@code false}.
 * A command outside that set, or a form of one that jtcp cannot honour, raises {@link Unsupported}.
 * As with {@code sh -c}, the exit status is that of the last command.
 */
final class Shell {
    /** The process id scripts see as ${PPID} (packetdrill's pid in the real tool). */
    static final String PPID = "4242";

    /** What the commands act on. */
    interface Env {
        /** Directory of the running script (relative paths such as ../common/defaults.sh resolve here). */
        Path scriptDir();

        Sysctls sysctls();

        /** The virtual files written by the script's commands (/tmp/testfile). */
        Map<String, byte[]> files();

        /** The text of /proc/net/tcp for the stack. */
        String procNetTcp();

        /** Current counters by nstat name (TcpExtTW, TcpInSegs, ...). */
        Map<String, Long> counters();

        /** The root qdisc of tun0: a pfifo of at most limit packets, or -1 for none (NetStack.setQdiscLimit). */
        void qdisc(int limit);

        /** The route to cidr with these metrics, 0 when unset (NetStack.changeRoute). */
        void route(String cidr, int mtu, boolean mtuLock, int advmss, int initcwnd);

        /** ip tcp_metrics flush: the stack forgets what it cached per destination (TFO cookies). */
        default void flushTcpMetrics() {
        }
    }

    /** tx_queue_len of a tun device (TUN_READQ_SIZE): the limit of a pfifo added without one. */
    private static final int TUN_TX_QUEUE_LEN = 500;

    record Result(int status, String out, String err) {
    }

    private final Env env;
    private int line;
    /** Values set_sysctls.py recorded for the restore script, by key; null until it ran. */
    private Map<String, String> restore;
    /** Counters as of the last nstat that updated its history; null before the first. */
    private Map<String, Long> nstatHistory;
    /** Whether tun0 has a root qdisc (a tun device starts with none: IFF_NO_QUEUE). */
    private boolean rootQdisc;

    /** One shell per script run: the restore script and nstat's history persist between commands. */
    Shell(Env env) {
        this.env = env;
    }

    private Unsupported unsupported(String construct, String detail) {
        return new Unsupported(construct, line, "line " + line + ": " + detail);
    }

    // ---------------------------------------------------------------- parsing

    private record Word(String text) {
    }

    private record Redirect(String op, String target) {
    }

    private record Cmd(List<String> args, List<Redirect> redirects) {
    }

    private record Pipeline(List<Cmd> cmds, String connector) {
        // connector: how this pipeline joins the previous one: ";", "&&", "||"
    }

    /** Runs a command line (possibly many lines) written at script line {@code line}: the last command's status. */
    Result run(String text, int line) {
        this.line = line;
        return run(text);
    }

    private Result run(String text) {
        List<Pipeline> list = parse(text);
        int status = 0;
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (Pipeline p : list) {
            if (p.connector().equals("&&") && status != 0) {
                continue;
            }
            if (p.connector().equals("||") && status == 0) {
                continue;
            }
            Result r = runPipeline(p);
            status = r.status();
            out.append(r.out());
            err.append(r.err());
        }
        return new Result(status, out.toString(), err.toString());
    }

    private List<Pipeline> parse(String text) {
        String src = text.replace("\\\r\n", " ").replace("\\\n", " ");
        List<Pipeline> pipelines = new ArrayList<>();
        List<Cmd> cmds = new ArrayList<>();
        List<String> args = new ArrayList<>();
        List<Redirect> redirects = new ArrayList<>();
        String connector = ";";
        int i = 0;
        int n = src.length();
        String pendingRedirect = null;
        while (true) {
            // skip blanks
            while (i < n && (src.charAt(i) == ' ' || src.charAt(i) == '\t' || src.charAt(i) == '\r')) {
                i++;
            }
            boolean end = i >= n;
            char c = end ? '\n' : src.charAt(i);
            String op = null;
            if (!end) {
                if (c == '#') {
                    while (i < n && src.charAt(i) != '\n') {
                        i++;
                    }
                    continue;
                }
                if (src.startsWith("&&", i) || src.startsWith("||", i)) {
                    op = src.substring(i, i + 2);
                } else if (src.startsWith("2>&1", i)) {
                    op = "2>&1";
                } else if (src.startsWith("&>", i) || src.startsWith(">>", i) || src.startsWith("2>", i)) {
                    op = src.substring(i, i + 2);
                } else if (c == ';' || c == '\n' || c == '|' || c == '>' || c == '<') {
                    op = String.valueOf(c);
                } else if (c == '&') {
                    throw unsupported("shell background job", "background jobs (&) are not emulated");
                } else if (c == '(' || c == ')' || c == '{' || c == '}') {
                    throw unsupported("shell grouping", "shell grouping with " + c + " is not emulated");
                }
            }
            if (end) {
                op = "\n";
            }
            if (op != null) {
                i += end ? 0 : op.length();
                switch (op) {
                    case ">", ">>", "<", "2>", "&>" -> {
                        if (pendingRedirect != null) {
                            throw unsupported("shell syntax", "two redirections in a row");
                        }
                        pendingRedirect = op;
                        continue;
                    }
                    case "2>&1" -> {
                        redirects.add(new Redirect("2>&1", null));
                        continue;
                    }
                    default -> {
                    }
                }
                if (pendingRedirect != null) {
                    throw unsupported("shell syntax", "redirection " + pendingRedirect + " without a target");
                }
                if (!args.isEmpty() || !redirects.isEmpty()) {
                    cmds.add(new Cmd(List.copyOf(args), List.copyOf(redirects)));
                    args.clear();
                    redirects.clear();
                }
                if (op.equals("|")) {
                    continue;
                }
                if (!cmds.isEmpty()) {
                    pipelines.add(new Pipeline(List.copyOf(cmds), connector));
                    cmds.clear();
                    connector = op.equals("&&") || op.equals("||") ? op : ";";
                } else if (op.equals("&&") || op.equals("||")) {
                    // "a ||\n b": the connector carries over the newline
                    connector = op;
                }
                if (end) {
                    break;
                }
                continue;
            }
            // a word
            Word w = word(src, i);
            i = wordEnd;
            if (pendingRedirect != null) {
                redirects.add(new Redirect(pendingRedirect, w.text()));
                pendingRedirect = null;
            } else {
                args.add(w.text());
            }
        }
        return pipelines;
    }

    private int wordEnd;

    /** Reads one word at i (quotes, $VAR, ${VAR}, $((expr))); sets wordEnd. */
    private Word word(String src, int start) {
        StringBuilder sb = new StringBuilder();
        int i = start;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '|' || c == '&' || c == '>' || c == '<') {
                break;
            }
            if (c == '\'') {
                int e = src.indexOf('\'', i + 1);
                if (e < 0) {
                    throw unsupported("shell syntax", "unterminated ' quote");
                }
                sb.append(src, i + 1, e);
                i = e + 1;
            } else if (c == '"') {
                i++;
                while (i < n && src.charAt(i) != '"') {
                    char d = src.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        sb.append(src.charAt(i + 1));
                        i += 2;
                    } else if (d == '$') {
                        i = dollar(src, i, sb);
                    } else {
                        sb.append(d);
                        i++;
                    }
                }
                if (i >= n) {
                    throw unsupported("shell syntax", "unterminated \" quote");
                }
                i++;
            } else if (c == '\\' && i + 1 < n) {
                sb.append(src.charAt(i + 1));
                i += 2;
            } else if (c == '$') {
                i = dollar(src, i, sb);
            } else if (c == '`') {
                throw unsupported("shell command substitution", "command substitution is not emulated");
            } else {
                sb.append(c);
                i++;
            }
        }
        wordEnd = i;
        return new Word(sb.toString());
    }

    /** Expands $VAR, ${VAR} or $((arith)) at i into sb; returns the index after it. */
    private int dollar(String src, int i, StringBuilder sb) {
        if (src.startsWith("$((", i)) {
            int e = src.indexOf("))", i + 3);
            if (e < 0) {
                throw unsupported("shell syntax", "unterminated $((");
            }
            sb.append(arith(src.substring(i + 3, e)));
            return e + 2;
        }
        String name;
        int next;
        if (src.startsWith("${", i)) {
            int e = src.indexOf('}', i + 2);
            if (e < 0) {
                throw unsupported("shell syntax", "unterminated ${");
            }
            name = src.substring(i + 2, e);
            next = e + 1;
        } else {
            int e = i + 1;
            while (e < src.length() && (Character.isLetterOrDigit(src.charAt(e)) || src.charAt(e) == '_')) {
                e++;
            }
            if (e == i + 1) {
                sb.append('$');
                return i + 1;
            }
            name = src.substring(i + 1, e);
            next = e;
        }
        switch (name) {
            case "PPID", "PACKETDRILL_PID" -> sb.append(PPID);
            default -> throw unsupported("shell variable $" + name, "the shell variable $" + name + " is not emulated");
        }
        return next;
    }

    private static final Pattern ARITH = Pattern.compile("\\s*(\\d+)\\s*([*+/-])\\s*(\\d+)\\s*([*+/-]\\s*\\d+\\s*)*");

    /** $(( )) with integers and + - * / (left to right with * / first). */
    private String arith(String expr) {
        if (!ARITH.matcher(expr).matches() && !expr.strip().matches("\\d+")) {
            throw unsupported("shell arithmetic", "$((" + expr + ")) is not emulated");
        }
        List<Long> vals = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        String s = expr.replace(" ", "");
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && Character.isDigit(s.charAt(j))) {
                j++;
            }
            long v = Long.parseLong(s.substring(i, j));
            if (!ops.isEmpty() && (ops.getLast() == '*' || ops.getLast() == '/')) {
                char o = ops.removeLast();
                long a = vals.removeLast();
                v = o == '*' ? a * v : a / v;
            }
            vals.add(v);
            if (j < s.length()) {
                ops.add(s.charAt(j));
                j++;
            }
            i = j;
        }
        long r = vals.get(0);
        for (int k = 1; k < vals.size(); k++) {
            r = ops.get(k - 1) == '+' ? r + vals.get(k) : r - vals.get(k);
        }
        return Long.toString(r);
    }

    // ---------------------------------------------------------------- execution

    private Result runPipeline(Pipeline p) {
        String stdin = "";
        Result last = new Result(0, "", "");
        StringBuilder err = new StringBuilder();
        for (int k = 0; k < p.cmds().size(); k++) {
            Cmd c = p.cmds().get(k);
            last = runCmd(c, stdin);
            err.append(last.err());
            stdin = last.out();
        }
        return new Result(last.status(), last.out(), err.toString());
    }

    private Result runCmd(Cmd c, String stdin) {
        String outTarget = null;
        boolean append = false;
        String in = stdin;
        boolean errToNull = false;
        for (Redirect r : c.redirects()) {
            switch (r.op()) {
                case ">", ">>" -> {
                    outTarget = r.target();
                    append = r.op().equals(">>");
                }
                case "&>" -> {
                    outTarget = r.target();
                    errToNull = r.target().equals("/dev/null");
                }
                case "2>" -> errToNull = r.target().equals("/dev/null");
                case "2>&1" -> {
                }
                case "<" -> {
                    byte[] f = env.files().get(r.target());
                    if (f == null) {
                        return new Result(1, "", "sh: " + r.target() + ": No such file or directory\n");
                    }
                    in = new String(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                }
                default -> throw unsupported("shell redirection " + r.op(), "redirection " + r.op() + " is not emulated");
            }
        }
        Result r = c.args().isEmpty() ? new Result(0, "", "") : exec(c.args(), in);
        String err = errToNull ? "" : r.err();
        if (outTarget == null) {
            return new Result(r.status(), r.out(), err);
        }
        if (outTarget.equals("/dev/null")) {
            return new Result(r.status(), "", err);
        }
        if (outTarget.startsWith("/proc/sys/")) {
            String msg = env.sysctls().write(outTarget, r.out(), line);
            if (msg != null) {
                return new Result(1, "", "sh: write error: " + msg + "\n");
            }
            return new Result(r.status(), "", err);
        }
        if (outTarget.startsWith("/sys/module/tcp_cubic/parameters/")) {
            String param = outTarget.substring(outTarget.lastIndexOf('/') + 1);
            if (param.equals("hystart_detect") && r.out().strip().equals("3")) {
                return new Result(r.status(), "", err);   // 3 (both HyStart methods) is the module default
            }
            throw unsupported("tcp_cubic module parameter " + param,
                    "writing " + r.out().strip() + " to tcp_cubic's " + param + " (jtcp has no CUBIC module parameters)");
        }
        if (outTarget.startsWith("/tmp/")) {
            byte[] data = r.out().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            if (append && env.files().containsKey(outTarget)) {
                byte[] old = env.files().get(outTarget);
                byte[] both = new byte[old.length + data.length];
                System.arraycopy(old, 0, both, 0, old.length);
                System.arraycopy(data, 0, both, old.length, data.length);
                data = both;
            }
            env.files().put(outTarget, data);
            return new Result(r.status(), "", err);
        }
        throw unsupported("shell redirection to " + outTarget, "writing to " + outTarget + " is not emulated");
    }

    private Result exec(List<String> args, String stdin) {
        String cmd = args.get(0);
        String base = cmd.substring(cmd.lastIndexOf('/') + 1);
        if (base.equals("defaults.sh")) {
            return defaultsSh(cmd);
        }
        if (base.equals("set_sysctls.py")) {
            return setSysctls(args.subList(1, args.size()));
        }
        if (cmd.equals("/tmp/sysctl_restore_" + PPID + ".sh")) {
            return restoreSysctls(cmd);
        }
        return switch (base) {
            case "true", ":" -> new Result(0, "", "");
            case "false" -> new Result(1, "", "");
            case "sysctl" -> sysctl(args.subList(1, args.size()));
            case "ip" -> ip(args.subList(1, args.size()));
            case "tc" -> tc(args.subList(1, args.size()));
            case "ethtool" -> ethtool(args.subList(1, args.size()));
            case "nstat" -> nstat(args.subList(1, args.size()));
            case "grep" -> grep(args.subList(1, args.size()), stdin);
            case "echo" -> echo(args.subList(1, args.size()));
            case "cat" -> cat(args.subList(1, args.size()), stdin);
            case "rm" -> rm(args.subList(1, args.size()));
            case "dd" -> dd(args.subList(1, args.size()));
            case "chmod" -> new Result(0, "", "");
            default -> throw unsupported("shell command " + base, "the shell command '" + String.join(" ", args)
                    + "' is not emulated");
        };
    }

    /** Runs defaults.sh from the corpus (its path resolved like the shell would, from the script's directory). */
    private Result defaultsSh(String path) {
        Path p = env.scriptDir().resolve(path).normalize();
        if (!Files.isRegularFile(p)) {
            return new Result(127, "", "sh: 1: " + path + ": not found\n");
        }
        String text;
        try {
            text = Files.readString(p);
        } catch (IOException e) {
            return new Result(126, "", "sh: " + path + ": " + e.getMessage() + "\n");
        }
        env.sysctls().baseline(true);
        try {
            return run(text);
        } finally {
            env.sysctls().baseline(false);
        }
    }

    /** set_sysctls.py /proc/sys/K=V ...: remember the current values for the restore script, then set. */
    private Result setSysctls(List<String> args) {
        Map<String, String> saved = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                return new Result(1, "", "set_sysctls.py: bad argument " + a + "\n");
            }
            String key = a.substring(0, eq);
            String cur = env.sysctls().read(key);
            if (cur == null) {
                return new Result(1, "", "cat: " + key + ": No such file or directory\n");
            }
            saved.put(key, cur);
            env.sysctls().write(key, a.substring(eq + 1), line);   // os.system(echo ...): a failed write is ignored
        }
        restore = saved;
        return new Result(0, "", "");
    }

    private Result restoreSysctls(String cmd) {
        if (restore == null) {
            return new Result(127, "", "sh: 1: " + cmd + ": not found\n");
        }
        for (Map.Entry<String, String> e : restore.entrySet()) {
            env.sysctls().write(e.getKey(), e.getValue(), line);
        }
        return new Result(0, "", "");
    }

    private Result sysctl(List<String> args) {
        boolean quiet = false;
        boolean ignoreUnknown = false;
        boolean valueOnly = false;
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int status = 0;
        for (String a : args) {
            if (a.startsWith("-") && !a.contains("=")) {
                for (char f : a.substring(1).toCharArray()) {
                    switch (f) {
                        case 'q' -> quiet = true;
                        case 'e' -> ignoreUnknown = true;
                        case 'n' -> valueOnly = true;
                        case 'w' -> {
                        }
                        default -> throw unsupported("sysctl -" + f, "sysctl option -" + f + " is not emulated");
                    }
                }
                continue;
            }
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            String procPath = "/proc/sys/" + Sysctls.normalize(key).replace('.', '/');
            if (!env.sysctls().exists(key)) {
                if (!ignoreUnknown) {
                    err.append("sysctl: cannot stat ").append(procPath).append(": No such file or directory\n");
                    status = 255;
                }
                continue;
            }
            if (eq < 0) {
                String v = env.sysctls().read(key);
                out.append(valueOnly ? v : Sysctls.normalize(key) + " = " + v).append('\n');
                continue;
            }
            String value = a.substring(eq + 1);
            String msg = env.sysctls().write(key, value, line);
            if (msg != null) {
                err.append("sysctl: setting key \"").append(Sysctls.normalize(key)).append("\": ").append(msg).append('\n');
                status = 255;
            } else if (!quiet) {
                out.append(Sysctls.normalize(key)).append(" = ").append(value).append('\n');
            }
        }
        return new Result(status, out.toString(), err.toString());
    }

    private Result ip(List<String> args) {
        List<String> a = new ArrayList<>(args);
        if (a.size() >= 2 && a.get(0).equals("tcp_metrics") && (a.get(1).equals("flush") || a.get(1).equals("delete"))) {
            env.flushTcpMetrics();   // the only per-destination metrics jtcp keeps are Fast Open's
            return new Result(0, "", "");
        }
        if (!a.isEmpty() && a.get(0).equals("-6")) {
            throw unsupported("IPv6 route", "'ip " + String.join(" ", args) + "': jtcp is IPv4 only");
        }
        if (a.size() >= 3 && a.get(0).equals("route") && List.of("change", "replace", "add").contains(a.get(1))) {
            return ipRoute(args, a.subList(2, a.size()));
        }
        if (!a.isEmpty() && a.get(0).equals("route")) {
            throw unsupported("ip route " + (a.size() > 1 ? a.get(1) : ""), "'ip " + String.join(" ", args) + "' is not emulated");
        }
        throw unsupported("shell command ip " + (a.isEmpty() ? "" : a.get(0)), "'ip " + String.join(" ", args) + "' is not emulated");
    }

    /**
     * ip route change|replace|add DST [via GW] [dev tun0] [mtu [lock] N] [advmss N] [initcwnd N]: the route
     * to DST (one interface, so the gateway only has to be there) with exactly these metrics, as a
     * replacing netlink request leaves them.
     */
    private Result ipRoute(List<String> all, List<String> a) {
        String dst = a.get(0);
        int mtu = 0;
        boolean lock = false;
        int advmss = 0;
        int initcwnd = 0;
        try {
            for (int i = 1; i < a.size(); i++) {
                String k = a.get(i);
                switch (k) {
                    case "via", "dev" -> i++;
                    case "mtu" -> {
                        if (i + 1 < a.size() && a.get(i + 1).equals("lock")) {
                            lock = true;
                            i++;
                        }
                        mtu = Integer.parseInt(a.get(++i));
                    }
                    case "advmss" -> advmss = Integer.parseInt(a.get(++i));
                    case "initcwnd" -> initcwnd = Integer.parseInt(a.get(++i));
                    default -> throw unsupported("ip route " + k, "'ip " + String.join(" ", all) + "': the route attribute '"
                            + k + "' is not emulated (accepted: via, dev, mtu [lock], advmss, initcwnd)");
                }
            }
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            // iproute2's invarg(): exit(-1)
            return new Result(255, "", "Error: an argument of 'ip " + String.join(" ", all) + "' is wrong.\n");
        }
        try {
            env.route(dst, mtu, lock, advmss, initcwnd);
        } catch (IllegalArgumentException e) {
            return new Result(2, "", "RTNETLINK answers: Invalid argument\n");   // the kernel refused the route
        }
        return new Result(0, "", "");
    }

    private Result tc(List<String> args) {
        String s = String.join(" ", args);
        if (!s.startsWith("qdisc ")) {
            throw unsupported("shell command tc", "'tc " + s + "' is not emulated");
        }
        if (s.matches("qdisc (del|delete) dev tun0 root")) {
            if (!rootQdisc) {
                return new Result(2, "", "Error: Cannot delete qdisc with handle of zero.\n");
            }
            rootQdisc = false;
            env.qdisc(-1);
            return new Result(0, "", "");
        }
        var pfifo = Pattern.compile("qdisc (add|replace|change) dev tun0 root pfifo( limit ([0-9]+))?").matcher(s);
        if (pfifo.matches()) {
            if (pfifo.group(1).equals("add") && rootQdisc) {
                return new Result(2, "", "Error: Exclusivity flag on, cannot modify.\n");
            }
            if (pfifo.group(1).equals("change") && !rootQdisc) {
                return new Result(2, "", "Error: Specified qdisc not found.\n");
            }
            // A FIFO of that many packets (the device's tx_queue_len by default); with limit 0 every packet
            // is dropped and the drop is reported back to TCP (NET_XMIT_DROP).
            rootQdisc = true;
            env.qdisc(pfifo.group(3) == null ? TUN_TX_QUEUE_LEN : Integer.parseInt(pfifo.group(3)));
            return new Result(0, "", "");
        }
        if (s.matches("qdisc (add|replace|change) dev tun0 root fq.*")) {
            // The reference kernel (Linux 6.18, its RUNNER-NOTES results) has no sch_fq: tc fails the same way.
            return new Result(2, "", "Error: Specified qdisc kind is unknown.\n");
        }
        throw unsupported("tc qdisc", "'tc " + s + "' is not emulated");
    }

    private Result ethtool(List<String> args) {
        String s = String.join(" ", args);
        if (s.matches("-K tun0( (tso|gso|gro) (off))+")) {
            return new Result(0, "", "");   // jtcp never sends TSO/GSO super-packets
        }
        throw unsupported("ethtool", "'ethtool " + s + "': jtcp has no segmentation offload to turn on");
    }

    private Result nstat(List<String> args) {
        boolean noUpdate = false;
        boolean noOutput = false;
        boolean absolute = false;
        for (String a : args) {
            switch (a) {
                case "-s", "--noupdate" -> noUpdate = true;
                case "-n", "--nooutput" -> noOutput = true;
                case "-a", "--ignore" -> absolute = true;
                case "-z", "--zeros" -> {
                }
                default -> throw unsupported("nstat " + a, "'nstat " + String.join(" ", args) + "' is not emulated");
            }
        }
        Map<String, Long> now = env.counters();
        StringBuilder out = new StringBuilder("#kernel\n");
        for (Map.Entry<String, Long> e : now.entrySet()) {
            long base = absolute || nstatHistory == null ? 0 : nstatHistory.getOrDefault(e.getKey(), 0L);
            long d = e.getValue() - base;
            if (d != 0) {
                out.append(String.format("%-32s%-16d%s%n", e.getKey(), d, "0.0"));
            }
        }
        if (!noUpdate) {
            nstatHistory = new LinkedHashMap<>(now);
        }
        return new Result(0, noOutput ? "" : out.toString(), "");
    }

    private Result grep(List<String> args, String stdin) {
        boolean quiet = false;
        boolean invert = false;
        boolean count = false;
        boolean ignoreCase = false;
        String pattern = null;
        List<String> files = new ArrayList<>();
        for (String a : args) {
            if (pattern == null && a.startsWith("-") && a.length() > 1) {
                for (char f : a.substring(1).toCharArray()) {
                    switch (f) {
                        case 'q' -> quiet = true;
                        case 'v' -> invert = true;
                        case 'c' -> count = true;
                        case 'i' -> ignoreCase = true;
                        case 'E', 'F', 'w' -> {
                        }
                        default -> throw unsupported("grep -" + f, "grep option -" + f + " is not emulated");
                    }
                }
            } else if (pattern == null) {
                pattern = a;
            } else {
                files.add(a);
            }
        }
        if (pattern == null) {
            return new Result(2, "", "Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        }
        Pattern re = Pattern.compile(Pattern.quote(pattern), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
        StringBuilder out = new StringBuilder();
        int matches = 0;
        int status = 1;
        List<String[]> inputs = new ArrayList<>();
        if (files.isEmpty()) {
            inputs.add(new String[] {null, stdin});
        } else {
            for (String f : files) {
                inputs.add(new String[] {f, fileText(f)});
            }
        }
        for (String[] in : inputs) {
            if (in[1] == null) {
                status = 2;
                continue;
            }
            for (String l : in[1].split("\n", -1)) {
                if (l.isEmpty()) {
                    continue;
                }
                if (re.matcher(l).find() != invert) {
                    matches++;
                    if (!quiet && !count) {
                        out.append(files.size() > 1 ? in[0] + ":" : "").append(l).append('\n');
                    }
                }
            }
        }
        if (count) {
            out.append(matches).append('\n');
        }
        return new Result(matches > 0 ? 0 : status, quiet ? "" : out.toString(), "");
    }

    /** The text of a file grep or cat can read, or null. */
    private String fileText(String f) {
        if (f.equals("/proc/net/tcp")) {
            return env.procNetTcp();
        }
        if (f.equals("/proc/net/tcp6")) {
            return "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        }
        if (f.startsWith("/proc/sys/")) {
            String v = env.sysctls().read(f);
            return v == null ? null : v + "\n";
        }
        byte[] b = env.files().get(f);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private Result echo(List<String> args) {
        List<String> a = new ArrayList<>(args);
        boolean newline = true;
        if (!a.isEmpty() && a.get(0).equals("-n")) {
            newline = false;
            a.remove(0);
        }
        return new Result(0, String.join(" ", a) + (newline ? "\n" : ""), "");
    }

    private Result cat(List<String> args, String stdin) {
        if (args.isEmpty()) {
            return new Result(0, stdin, "");
        }
        StringBuilder out = new StringBuilder();
        for (String f : args) {
            String t = fileText(f);
            if (t == null) {
                return new Result(1, out.toString(), "cat: " + f + ": No such file or directory\n");
            }
            out.append(t);
        }
        return new Result(0, out.toString(), "");
    }

    private Result rm(List<String> args) {
        boolean force = false;
        int status = 0;
        StringBuilder err = new StringBuilder();
        for (String a : args) {
            if (a.startsWith("-")) {
                force |= a.contains("f");
                continue;
            }
            if (env.files().remove(a) == null && !force) {
                err.append("rm: cannot remove '").append(a).append("': No such file or directory\n");
                status = 1;
            }
        }
        return new Result(status, "", err.toString());
    }

    /** dd bs=N count=M if=/dev/zero of=FILE: a file of zeros. */
    private Result dd(List<String> args) {
        long bs = 512;
        long count = -1;
        String in = null;
        String of = null;
        for (String a : args) {
            int eq = a.indexOf('=');
            String k = eq < 0 ? a : a.substring(0, eq);
            String v = eq < 0 ? "" : a.substring(eq + 1);
            switch (k) {
                case "bs" -> bs = Long.parseLong(v);
                case "count" -> count = Long.parseLong(v);
                case "if" -> in = v;
                case "of" -> of = v;
                case "status" -> {
                }
                default -> throw unsupported("dd " + k, "dd operand " + a + " is not emulated");
            }
        }
        if (!"/dev/zero".equals(in) || of == null || count < 0 || bs * count > (64 << 20)) {
            throw unsupported("dd", "'dd " + String.join(" ", args) + "' is not emulated (only if=/dev/zero of=FILE count=N)");
        }
        env.files().put(of, new byte[(int) (bs * count)]);
        return new Result(0, "", "");
    }
}
