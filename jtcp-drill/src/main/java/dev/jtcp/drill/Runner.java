package dev.jtcp.drill;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.tcp.ErrQueueEntry;
import dev.jtcp.tcp.SockExtendedErr;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.tcp.Sock;
import dev.jtcp.tcp.TcpInfo;
import dev.jtcp.tcp.TcpSock;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.time.Deadline;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.TcpFlags;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plays one packetdrill script against one jtcp stack in virtual time, the way packetdrill plays it against
 * the kernel (run.c, run_packet.c, run_system_call.c): {@code <} lines are injected as if from the remote
 * host, {@code >} lines must be what jtcp sends (relative sequence numbers, TS ecr mapping, aggregation of
 * consecutive segments, 4 ms / 12.5 % timing tolerance, options compared exactly), system calls drive
 * {@link TcpSocket}, a blocking call ({@code 0...0.2 read(...)}) completes when the stack lets it and must
 * return at its end time, backquoted commands are emulated ({@link Shell}), and {@code %{ }%} snippets are
 * evaluated at the end over the TCP_INFO snapshots ({@link Snippets}).
 *
 * <p>Virtual time 0 is the script's time 0; the stack's timers fire at their own instants while time
 * advances, so packets carry the time jtcp sent them.
 */
public final class Runner {
    private Runner() {
    }

    /** Runs a script file. Never throws: every outcome is a {@link DrillResult}. */
    public static DrillResult run(Path file, DrillOptions opts) {
        String src;
        try {
            src = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return new DrillResult(file.toString(), DrillResult.Status.FAIL, 0, "cannot read the script: " + e,
                    "", null, "", List.of(), 0, 0);
        }
        Path dir = file.toAbsolutePath().getParent();
        return run(file.toString(), src, dir, opts);
    }

    /** Runs script text; {@code dir} is where relative paths in its commands resolve. */
    public static DrillResult run(String name, String src, Path dir, DrillOptions opts) {
        return new Run(name, src, dir, opts).execute();
    }

    // ====================================================================================== one run

    private static final class Run implements Shell.Env {
        private static final long NO_TIME = Long.MIN_VALUE;
        private static final long NS_PER_US = 1000;
        private static final int O_NONBLOCK = (int) Symbols.require("O_NONBLOCK");

        private final String name;
        private final String src;
        private final Path dir;
        private final DrillOptions opts;
        private final long wallStart = System.nanoTime();
        private final StringBuilder log = new StringBuilder();

        // configuration (packetdrill's config.c defaults for an IPv4 run)
        private long toleranceUs = 4000;
        private double tolerancePct = 12.5;
        private long tsTickUs;
        private boolean tsEcrScaled;
        private boolean strictSegments;
        private int localIp = Ipv4Addr.parse("192.168.0.1");
        private int remoteIp = Ipv4Addr.parse("192.0.2.1");
        private int bindPort = 8080;
        private int connectPort = 8080;
        private int mtu = 1500;

        private Ast.Script script;
        private EmbeddedStack es;
        private Sysctls sysctls;
        private Shell shell;
        private final Map<String, byte[]> files = new HashMap<>();
        private final Map<Integer, Fd> fds = new HashMap<>();
        private final List<SSock> ssocks = new ArrayList<>();
        private SSock sut;
        private int nextRemotePort = 48000;
        private final Map<TcpSock, Long> wakes = new HashMap<>();

        // the event being run
        private Ast.Event event;
        private long eventUs;
        private long eventEndUs;
        private long lastEventUs = NO_TIME;
        private Ast.Event lastEvent;
        private int numEvents;
        private Pending pending;
        private final List<CodeRun> codes = new ArrayList<>();

        Run(String name, String src, Path dir, DrillOptions opts) {
            this.name = name;
            this.src = src;
            this.dir = dir;
            this.opts = opts;
        }

        // ---------------------------------------------------------------------------- top level

        DrillResult execute() {
            try {
                script = Parser.parse(src, name, new LinkedHashMap<>(opts.defines()));
                for (Ast.Option o : script.options()) {
                    applyOption(o);
                }
                // A real kernel's ticks run independently of the script: packetdrill's time 0 falls anywhere in
                // a tick, so a timer armed N jiffies ahead fires after N to N + 1 ticks (the wheel's + 1 bucket).
                // The script starts mid-tick, the expected phase, rather than on a tick, the latest one.
                es = EmbeddedStack.create(Ipv4Addr.format(localIp), new Sysctl(), opts.seed(), opts.hz(), opts.timerWheel(),
                        1_000_000_000L / opts.hz() / 2, false);
                if (mtu != 1500) {
                    es.stack().addRoute("0.0.0.0/0", mtu);
                }
                es.stack().onWake(sk -> wakes.merge(sk, 1L, Long::sum));
                sysctls = new Sysctls(es.stack().sysctl());
                shell = new Shell(this);
                if (script.init() != null) {
                    Shell.Result r = shell.run(script.init().text(), script.init().line());
                    if (r.status() != 0) {
                        throw new Failure(script.init().line(), "error executing init command: non-zero status " + r.status(),
                                r.err().strip());
                    }
                }
                for (Ast.Event ev : script.events()) {
                    runEvent(ev);
                }
                if (script.cleanup() != null) {
                    Shell.Result r = shell.run(script.cleanup().text(), script.cleanup().line());
                    if (r.status() != 0) {
                        throw new Failure(script.cleanup().line(), "error executing cleanup command: non-zero status " + r.status(),
                                r.err().strip());
                    }
                }
                // packetdrill waits up to 1 s for a blocking call still in progress before it exits
                if (pending != null) {
                    waitForPending(es.nowNs() + 1_000_000_000L);
                }
                runSnippets();
                if (pending != null) {
                    throw new Failure(pending.event.line(), "runtime error: exiting while a blocking system call is in progress");
                }
                return result(DrillResult.Status.PASS, 0, "", "", null);
            } catch (Unsupported u) {
                return result(DrillResult.Status.SKIP, u.line(), u.getMessage(), "", u.construct());
            } catch (ScriptError e) {
                return result(DrillResult.Status.FAIL, e.line(), e.reason(), "", null);
            } catch (Failure f) {
                return result(DrillResult.Status.FAIL, f.line(), f.getMessage(), f.detail(), null);
            } catch (RuntimeException e) {
                StringBuilder st = new StringBuilder();
                for (StackTraceElement el : e.getStackTrace()) {
                    st.append("  at ").append(el).append('\n');
                    if (st.length() > 2000) {
                        break;
                    }
                }
                return result(DrillResult.Status.FAIL, event == null ? 0 : event.line(), "runner error: " + e, st.toString(), null);
            }
        }

        private DrillResult result(DrillResult.Status st, int line, String msg, String detail, String construct) {
            List<TraceEvent> trace = opts.keepTrace() && es != null ? List.copyOf(es.trace().events()) : List.of();
            String m = msg;
            for (String prefix : List.of(name + ":" + line + ": ", "line " + line + ": ")) {
                if (m.startsWith(prefix)) {
                    m = m.substring(prefix.length());
                }
            }
            return new DrillResult(name, st, line, m, detail, construct, log.toString(), trace,
                    System.nanoTime() - wallStart, es == null ? 0 : es.nowNs());
        }

        private void applyOption(Ast.Option o) {
            String v = o.value();
            try {
                switch (o.name()) {
                    case "tolerance_usecs" -> toleranceUs = Long.parseLong(v);
                    case "tolerance_percent" -> tolerancePct = Double.parseDouble(v);
                    case "tcp_ts_tick_usecs" -> tsTickUs = Long.parseLong(v);
                    case "tcp_ts_ecr_scaled" -> tsEcrScaled = true;
                    case "strict_segments" -> strictSegments = true;
                    case "local_ip" -> localIp = ipv4(o, v);
                    case "remote_ip" -> remoteIp = ipv4(o, v);
                    case "bind_port" -> bindPort = Integer.parseInt(v);
                    case "connect_port" -> connectPort = Integer.parseInt(v);
                    case "mtu" -> mtu = Integer.parseInt(v);
                    case "ip_version" -> {
                        if (!"ipv4".equals(v)) {
                            throw new Unsupported("--ip_version=" + v, o.line(), "line " + o.line() + ": --ip_version=" + v
                                    + ": jtcp is IPv4 only");
                        }
                    }
                    case "mss" -> throw new Unsupported("--mss (GSO size of injected packets)", o.line(), "line " + o.line()
                            + ": --mss sets the GSO size of injected packets, which jtcp's input path does not model");
                    case "gateway_ip", "netmask_ip", "send_omit_free", "define", "verbose", "debug", "dry_run", "speed",
                         "psp_udp_port" -> {
                    }
                    default -> throw new Unsupported("option --" + o.name(), o.line(), "line " + o.line() + ": option --"
                            + o.name() + " is not supported by the runner");
                }
            } catch (NumberFormatException e) {
                throw new ScriptError(name, o.line(), 0, "bad --" + o.name() + ": " + v);
            }
        }

        private int ipv4(Ast.Option o, String v) {
            try {
                return Ipv4Addr.parse(v);
            } catch (RuntimeException e) {
                throw new Unsupported("--" + o.name() + "=" + v, o.line(), "line " + o.line() + ": --" + o.name() + "=" + v
                        + ": jtcp is IPv4 only");
            }
        }

        private void log(String s) {
            if (opts.verbose()) {
                log.append(String.format(Locale.ROOT, "%11.6f ", es == null ? 0.0 : es.nowNs() / 1e9)).append(s).append('\n');
            }
        }

        // ---------------------------------------------------------------------------- time

        private long nowUs() {
            return es.nowNs() / NS_PER_US;
        }

        private void checkLimits(long targetNs) {
            if (System.nanoTime() - wallStart > opts.wallLimitMs() * 1_000_000L) {
                throw new Failure(event == null ? 0 : event.line(), "wall-time limit of " + opts.wallLimitMs() + " ms exceeded");
            }
            if (targetNs > opts.virtualLimitNs()) {
                throw new Failure(event == null ? 0 : event.line(), "virtual-time limit of " + opts.virtualLimitNs() / 1_000_000_000L
                        + " s exceeded");
            }
        }

        /** The next instant something can happen by itself: a stack timer or a blocking call's timeout. */
        private long nextWake() {
            long d = es.stack().nextDeadlineNs();
            if (pending != null && pending.call.deadlineNs() != Deadline.NONE) {
                d = d == Deadline.NONE ? pending.call.deadlineNs() : Math.min(d, pending.call.deadlineNs());
            }
            return d;
        }

        /** Advances to t, firing timers at their instants and completing a pending blocking call when it can. */
        private void advanceTo(long tNs) {
            checkLimits(tNs);
            int steps = 0;
            while (true) {
                long d = nextWake();
                if (d == Deadline.NONE || d > tNs) {
                    break;
                }
                es.advanceTo(Math.max(es.nowNs(), d));
                pollPending();
                if ((++steps & 1023) == 0) {
                    checkLimits(tNs);
                }
                if (d <= es.nowNs() && es.stack().nextDeadlineNs() == d && (pending == null || pending.call.deadlineNs() != d)) {
                    // a timer that stays due without firing would spin forever: step past it
                    break;
                }
            }
            if (tNs > es.nowNs()) {
                es.advanceTo(tNs);
            }
            pollPending();
        }

        /** One step: to the next wake-up, but not beyond limit. Returns false when nothing is scheduled before it. */
        private boolean step(long limitNs) {
            long d = nextWake();
            if (d == Deadline.NONE || d > limitNs) {
                advanceTo(limitNs);
                return false;
            }
            advanceTo(Math.max(es.nowNs(), d));
            return true;
        }

        /** packetdrill's verify_time(). */
        private void verifyTime(Ast.TimeType type, long scriptUs, long scriptEndUs, long liveNs, long lastUs, String what) {
            if (type == Ast.TimeType.ANY) {
                return;
            }
            long tol = toleranceUs;
            if (lastUs != NO_TIME) {
                long dyn = (long) ((tolerancePct / 100.0) * (scriptUs - lastUs));
                if (dyn > tol) {
                    tol = dyn;
                }
            }
            long actualNs = liveNs;
            long lo = (scriptUs - tol) * NS_PER_US;
            if (type == Ast.TimeType.ABSOLUTE_RANGE || type == Ast.TimeType.RELATIVE_RANGE) {
                long hi = (scriptEndUs + tol) * NS_PER_US;
                if (actualNs < lo || actualNs > hi) {
                    if (type == Ast.TimeType.ABSOLUTE_RANGE) {
                        throw new Failure(event.line(), String.format(Locale.ROOT,
                                "timing error: expected %s in time range %.6f~%.6f sec but happened at %.6f sec",
                                what, scriptUs / 1e6, scriptEndUs / 1e6, actualNs / 1e9), timingDetail());
                    }
                    long off = eventOffsetUs;
                    throw new Failure(event.line(), String.format(Locale.ROOT,
                            "timing error: expected %s in relative time range +%.6f~+%.6f sec but happened at %+.6f sec",
                            what, (scriptUs - off) / 1e6, (scriptEndUs - off) / 1e6, (actualNs / 1e3 - off) / 1e6), timingDetail());
                }
                return;
            }
            long hi = (scriptUs + tol) * NS_PER_US;
            if (actualNs < lo || actualNs > hi) {
                throw new Failure(event.line(), String.format(Locale.ROOT,
                        "timing error: expected %s at %.6f sec but happened at %.6f sec; tolerance %.6f sec",
                        what, scriptUs / 1e6, actualNs / 1e9, tol / 1e6), timingDetail());
            }
        }

        private String pendingTimingDetail = "";

        private String timingDetail() {
            String d = pendingTimingDetail;
            pendingTimingDetail = "";
            return d;
        }

        private long eventOffsetUs;
        private static final long SYSCALL_NS = 1_000;

        /** packetdrill's wait_for_event(): advance to the event's time; then check it was not already late. */
        private void waitForEvent() {
            long t = eventUs * NS_PER_US;
            if (t > es.nowNs()) {
                advanceTo(t);
            } else {
                pollPending();
            }
            if (numEvents > 0) {
                verifyTime(event.time().type(), eventUs, eventEndUs, es.nowNs(), lastEventUs, describe(event));
            }
        }

        private static String describe(Ast.Event ev) {
            return switch (ev.action()) {
                case Ast.Packet p -> p.direction() == Ast.Direction.INBOUND ? "inbound packet" : "outbound packet";
                case Ast.Syscall s -> "system call start";
                case Ast.Command c -> "command";
                case Ast.Code c -> "data collection for code";
            };
        }

        // ---------------------------------------------------------------------------- events

        private static boolean isAbsolute(Ast.Event e) {
            return e.time().type() == Ast.TimeType.ABSOLUTE || e.time().type() == Ast.TimeType.ABSOLUTE_RANGE;
        }

        private static boolean isInbound(Ast.Event e) {
            return e.action() instanceof Ast.Packet p && p.direction() == Ast.Direction.INBOUND;
        }

        private void runEvent(Ast.Event ev) {
            checkLimits(es.nowNs());
            if (lastEvent == null) {
                if (ev.time().startUs() != 0) {
                    throw new Failure(ev.line(), "first event should be at time 0");
                }
            } else if (isAbsolute(lastEvent) && isAbsolute(ev) && ev.time().startUs() < lastEventUs) {
                throw new Failure(ev.line(), "time goes backward in script from " + lastEventUs + " usec to "
                        + ev.time().startUs() + " usec");
            }
            event = ev;
            Ast.Time t = ev.time();
            eventUs = t.startUs();
            eventEndUs = t.endUs();
            eventOffsetUs = 0;
            Long endUs = ev.action() instanceof Ast.Syscall sc ? sc.endUs() : null;
            if (t.type() == Ast.TimeType.ANY || t.type() == Ast.TimeType.RELATIVE || t.type() == Ast.TimeType.RELATIVE_RANGE) {
                long off = lastEvent != null && isInbound(lastEvent) && isInbound(ev) ? lastEventUs : nowUs();
                eventOffsetUs = off;
                eventUs += off;
                if (t.type() == Ast.TimeType.RELATIVE_RANGE) {
                    eventEndUs += off;
                }
                if (t.type() == Ast.TimeType.RELATIVE && endUs != null) {
                    endUs += off;
                }
            }
            switch (ev.action()) {
                case Ast.Packet p -> {
                    if (p.icmp() != null) {
                        icmpEvent(p);
                    } else if (p.direction() == Ast.Direction.INBOUND) {
                        inbound(p);
                    } else {
                        outbound(p);
                    }
                }
                case Ast.Syscall sc -> syscallEvent(sc, endUs);
                case Ast.Command c -> {
                    waitForEvent();
                    log("command `" + c.text().strip() + "`");
                    Shell.Result r = shell.run(c.text(), ev.line());
                    if (r.status() != 0) {
                        throw new Failure(ev.line(), "error executing `" + c.text().strip() + "` command: non-zero status "
                                + r.status(), r.err().strip());
                    }
                }
                case Ast.Code c -> codeEvent(c);
            }
            lastEvent = ev;
            lastEventUs = eventUs;
            numEvents++;
        }

        // ---------------------------------------------------------------------------- script sockets

        enum SockState {
            NEW, ACTIVE_CONNECTING, ACTIVE_SYN_SENT, ACTIVE_SYN_ACKED, PASSIVE_LISTENING, PASSIVE_PACKET_RECEIVED,
            PASSIVE_SYNACK_SENT, PASSIVE_SYNACK_ACKED
        }

        /** packetdrill's struct socket: script and live 4-tuples and ISNs, the TS val map. */
        static final class SSock {
            SockState st;
            TcpSocket sock;
            boolean closed;
            int liveLocalAddr;
            int liveLocalPort;
            int liveRemoteAddr;
            int liveRemotePort;
            int liveLocalIsn;
            int liveRemoteIsn;
            int scriptLocalIsn;
            final Map<Integer, Integer> tsValMap = new HashMap<>();
            boolean foundFirstTs;
            int firstScriptTsVal;
            int firstActualTsVal;

            SSock(SockState st) {
                this.st = st;
            }
        }

        private SSock socketForPacket(Ast.Packet p) {
            boolean in = p.direction() == Ast.Direction.INBOUND;
            int flags = flagBits(p.flags());
            if (in && (sut == null || sut.st == SockState.PASSIVE_LISTENING)) {
                SSock child = new SSock(SockState.PASSIVE_PACKET_RECEIVED);
                child.liveRemoteIsn = (int) p.seq();
                child.liveRemoteAddr = remoteIp;
                child.liveRemotePort = nextRemotePort++;
                child.liveLocalAddr = localIp;
                child.liveLocalPort = bindPort;
                ssocks.add(child);
                sut = child;
                return child;
            }
            if (!in && (flags & TcpFlags.SYN) != 0 && (flags & TcpFlags.ACK) == 0 && sut != null
                    && sut.st == SockState.ACTIVE_CONNECTING) {
                sut.st = SockState.ACTIVE_SYN_SENT;
                sut.scriptLocalIsn = (int) p.seq();
                return sut;
            }
            if (sut != null) {
                return sut;
            }
            throw new Failure(event.line(), "error handling packet: no matching socket for script packet");
        }

        static int flagBits(String f) {
            int b = 0;
            int ace = -1;
            for (char c : f.toCharArray()) {
                switch (c) {
                    case 'F' -> b |= TcpFlags.FIN;
                    case 'S' -> b |= TcpFlags.SYN;
                    case 'R' -> b |= TcpFlags.RST;
                    case 'P' -> b |= TcpFlags.PSH;
                    case '.' -> b |= TcpFlags.ACK;
                    case 'U' -> b |= TcpFlags.URG;
                    case 'E' -> b |= TcpFlags.ECE;
                    case 'W' -> b |= TcpFlags.CWR;
                    case 'A' -> b |= TcpFlags.AE;
                    default -> {
                        if (c >= '0' && c <= '7') {
                            ace = c - '0';
                        }
                    }
                }
            }
            if (ace >= 0) {
                b |= ((ace & 1) != 0 ? TcpFlags.ECE : 0) | ((ace & 2) != 0 ? TcpFlags.CWR : 0) | ((ace & 4) != 0 ? TcpFlags.AE : 0);
            }
            return b;
        }

        private static boolean hasAce(String f) {
            for (char c : f.toCharArray()) {
                if (c >= '0' && c <= '7') {
                    return true;
                }
            }
            return false;
        }

        // ---------------------------------------------------------------------------- inbound

        /** Options jtcp has no support for: the script is skipped naming them. */
        private void checkOptions(Ast.Packet p) {
            if (p.options() == null) {
                return;
            }
            for (Ast.TcpOpt o : p.options()) {
                if (o instanceof Ast.AccEcn a) {
                    throw new Unsupported("AccECN", event.line(), "line " + event.line() + ": the AccECN option ("
                            + a.text() + ") is not supported by jtcp");
                }
            }
        }


        private void inbound(Ast.Packet p) {
            checkOptions(p);
            SSock s = socketForPacket(p);
            waitForEvent();
            int flags = flagBits(p.flags());
            boolean syn = (flags & TcpFlags.SYN) != 0;
            boolean ack = (flags & TcpFlags.ACK) != 0;
            if (s.st == SockState.PASSIVE_SYNACK_SENT && ack) {
                s.st = SockState.PASSIVE_SYNACK_ACKED;
            } else if (s.st == SockState.ACTIVE_SYN_SENT && syn && ack) {
                s.st = SockState.ACTIVE_SYN_ACKED;
                s.liveRemoteIsn = (int) p.seq();
            }
            int seq = (int) p.seq() + (syn ? 0 : s.liveRemoteIsn);
            int ackOffset = syn ? s.liveLocalIsn - s.scriptLocalIsn : s.liveLocalIsn;
            int ackNo = ack ? (int) p.ack() + ackOffset : (int) p.ack();
            long ecrLive = -1;
            Ast.Ts ts = null;
            for (Ast.TcpOpt o : p.options()) {
                if (o instanceof Ast.Ts t) {
                    ts = t;
                }
            }
            if (ack && ts != null) {
                Integer live = s.tsValMap.get((int) ts.ecr());
                if (live != null) {
                    ecrLive = Integer.toUnsignedLong(live);
                } else if (tsEcrScaled && s.foundFirstTs) {
                    ecrLive = Integer.toUnsignedLong((int) ts.ecr() - s.firstScriptTsVal + s.firstActualTsVal);
                } else {
                    throw new Failure(event.line(), "error handling packet: unable to infer live TS ecr for script TS ecr "
                            + ts.ecr() + ";  no matching or preceding outbound TS val");
                }
            }
            final int sackOff = ackOffset;
            byte[] opts = Packets.encode(p.options(), v -> Integer.toUnsignedLong((int) v + sackOff), -1);
            if (ecrLive >= 0) {
                // rewrite the ecr of the last TS option (the one packetdrill's find_tcp_timestamp finds)
                List<Packets.RawOpt> raw = Packets.parseOptions(opts, 0, opts.length);
                int off = 0;
                int tsOff = -1;
                for (Packets.RawOpt r : raw) {
                    if (r.kind() == 8 && r.length() == 10) {
                        tsOff = off;
                    }
                    off += r.length();
                }
                if (tsOff >= 0) {
                    Packets.put32(opts, tsOff + 6, ecrLive);
                }
            }
            int srcPort = p.srcPort() != 0 ? p.srcPort() : s.liveRemotePort;
            int dstPort = p.dstPort() != 0 ? p.dstPort() : s.liveLocalPort;
            int tos = p.tosCheck() == Ast.TosCheck.NONE ? 0 : p.tos();
            int ttl = p.ttl() != 0 ? p.ttl() : 64;
            byte[] pkt = buildTcp(s.liveRemoteAddr, s.liveLocalAddr, srcPort, dstPort, seq, ackNo, flags, p.window(), p.urg(),
                    opts, p.len(), tos, ttl);
            log("inbound injected " + Packets.shortDump(new Packets.Seg(flags, p.seq(), p.len(), p.ack(), p.window(), p.urg(),
                    Packets.parseOptions(opts, 0, opts.length), tos)));
            es.inject(pkt);
            pollPending();
        }

        private static void put16(byte[] b, int off, int v) {
            b[off] = (byte) (v >>> 8);
            b[off + 1] = (byte) v;
        }

        private static byte[] buildTcp(int src, int dst, int sport, int dport, int seq, int ack, int flags, int win, int urg,
                                       byte[] opts, int len, int tos, int ttl) {
            int thl = 20 + opts.length;
            int total = 20 + thl + len;
            if (total > 65535) {
                throw new IllegalArgumentException("packet too large: " + total);
            }
            byte[] b = new byte[total];
            ipHeader(b, 0, src, dst, 6, total, tos, ttl);
            int t = 20;
            put16(b, t, sport);
            put16(b, t + 2, dport);
            Packets.put32(b, t + 4, Integer.toUnsignedLong(seq));
            Packets.put32(b, t + 8, Integer.toUnsignedLong(ack));
            b[t + 12] = (byte) (((thl / 4) << 4) | ((flags >> 8) & 0x0f));
            b[t + 13] = (byte) flags;
            put16(b, t + 14, win);
            put16(b, t + 18, urg);
            System.arraycopy(opts, 0, b, t + 20, opts.length);
            put16(b, t + 16, Checksum.tcpIpv4(src, dst, b, t, total - 20));
            return b;
        }

        private static void ipHeader(byte[] b, int off, int src, int dst, int proto, int total, int tos, int ttl) {
            b[off] = 0x45;
            b[off + 1] = (byte) tos;
            put16(b, off + 2, total);
            put16(b, off + 6, 0x4000);
            b[off + 8] = (byte) ttl;
            b[off + 9] = (byte) proto;
            Packets.put32(b, off + 12, Integer.toUnsignedLong(src));
            Packets.put32(b, off + 16, Integer.toUnsignedLong(dst));
            put16(b, off + 10, Checksum.ipv4Header(b, off, 20));
        }

        /** An inbound ICMP message quoting one of our segments (icmp_packet.c); jtcp may ignore it. */
        private void icmpEvent(Ast.Packet p) {
            if (p.direction() == Ast.Direction.OUTBOUND) {
                throw new Unsupported("outbound ICMP", event.line(), "line " + event.line()
                        + ": outbound ICMP packets are not expected from jtcp (no ICMP output)");
            }
            SSock s = sut;
            if (s == null) {
                throw new Failure(event.line(), "error handling packet: no matching socket for script packet");
            }
            Ast.Icmp ic = p.icmp();
            int type;
            int code = 0;
            switch (ic.type()) {
                case "unreachable" -> type = 3;
                case "time_exceeded" -> type = 11;
                case "source_quench" -> type = 4;
                case "redirect" -> type = 5;
                case "parameter_problem" -> type = 12;
                default -> throw new Unsupported("ICMP type " + ic.type(), event.line(), "line " + event.line() + ": ICMP type "
                        + ic.type() + " is not supported");
            }
            if (ic.code() != null) {
                List<String> codes = type == 3 ? List.of("net_unreachable", "host_unreachable", "protocol_unreachable",
                        "port_unreachable", "frag_needed", "source_route_failed", "net_unknown", "host_unknown",
                        "source_host_isolated", "net_prohibited", "host_prohibited", "net_unreachable_for_tos",
                        "host_unreachable_for_tos", "packet_filtered", "precedence_violation", "precedence_cutoff")
                        : List.of("ttl_exceeded", "fragment_reassembly_time_exceeded");
                code = codes.indexOf(ic.code());
                if (code < 0) {
                    throw new ScriptError(name, event.line(), 0, "unknown ICMP code " + ic.code());
                }
            }
            if (!ic.protocol().equals("tcp")) {
                throw new Unsupported("ICMP quoting " + ic.protocol(), event.line(), "line " + event.line()
                        + ": ICMP quoting a " + ic.protocol() + " packet is not supported");
            }
            waitForEvent();
            // The quoted packet: our IP header and the first 8 bytes of the TCP header (ports, sequence number).
            int quotedTotal = 40 + ic.echoLen();
            byte[] b = new byte[20 + 8 + 28];
            ipHeader(b, 0, s.liveRemoteAddr, s.liveLocalAddr, 1, b.length, 0, 64);
            int i = 20;
            b[i] = (byte) type;
            b[i + 1] = (byte) code;
            if (type == 3 && code == 4 && ic.mtu() >= 0) {
                put16(b, i + 6, ic.mtu());
            }
            ipHeader(b, i + 8, s.liveLocalAddr, s.liveRemoteAddr, 6, quotedTotal, 0, 64);
            int q = i + 28;
            put16(b, q, s.liveLocalPort);
            put16(b, q + 2, s.liveRemotePort);
            Packets.put32(b, q + 4, Integer.toUnsignedLong((int) ic.echoSeq() + s.liveLocalIsn));
            put16(b, i + 2, Checksum.fold(Checksum.sum(b, i, b.length - i, 0)));
            log("inbound injected icmp " + ic.type() + (ic.code() != null ? " " + ic.code() : ""));
            es.inject(b);
            pollPending();
        }

        // ---------------------------------------------------------------------------- outbound

        private boolean matchesOutbound(SSock s, EmbeddedStack.Outbound o) {
            return o.ip() != null && o.tcp() != null && o.ip().src() == s.liveLocalAddr && o.tcp().srcPort() == s.liveLocalPort
                    && o.ip().dst() == s.liveRemoteAddr && o.tcp().dstPort() == s.liveRemotePort && s.liveLocalPort != 0;
        }

        /** The next packet jtcp sent for the socket under test, waiting for it until deadline; null on timeout. */
        private EmbeddedStack.Outbound sniff(SSock s, long deadlineNs) {
            while (true) {
                EmbeddedStack.Outbound o;
                while ((o = es.poll()) != null) {
                    if (matchesOutbound(s, o)) {
                        return o;
                    }
                    if (o.tcp() != null && s.st == SockState.ACTIVE_SYN_SENT && o.tcp().has(TcpFlags.SYN)
                            && !o.tcp().has(TcpFlags.ACK) && o.ip().dst() == s.liveRemoteAddr && o.tcp().dstPort() == s.liveRemotePort) {
                        s.liveLocalAddr = o.ip().src();
                        s.liveLocalPort = o.tcp().srcPort();
                        s.liveLocalIsn = o.tcp().seq();
                        return o;
                    }
                    log("outbound ignored (not the socket under test): " + o);
                }
                if (es.nowNs() >= deadlineNs) {
                    return null;
                }
                step(deadlineNs);
            }
        }

        /** A sniffed packet in script space. */
        private record Live(EmbeddedStack.Outbound out, Packets.Seg seg, List<Packets.RawOpt> rawOpts) {
        }

        private Live toScriptSpace(SSock s, EmbeddedStack.Outbound o) {
            var h = o.tcp();
            boolean syn = h.has(TcpFlags.SYN);
            int seq = h.seq() - (syn ? s.liveLocalIsn - s.scriptLocalIsn : s.liveLocalIsn);
            int ackOff = syn ? 0 : s.liveRemoteIsn;
            int ack = h.has(TcpFlags.ACK) ? h.ack() - ackOff : h.ack();
            int optOff = 20 + 20;
            int optLen = h.headerLength() - 20;
            byte[] pkt = o.packet();
            byte[] optBytes = java.util.Arrays.copyOfRange(pkt, optOff, optOff + optLen);
            List<Packets.RawOpt> raw = Packets.parseOptions(optBytes, 0, optBytes.length);
            List<Packets.RawOpt> mapped = new ArrayList<>();
            for (Packets.RawOpt r : raw) {
                if (r.kind() == 5 && r.length() >= 10 && (r.length() - 2) % 8 == 0) {
                    byte[] c = r.bytes().clone();
                    for (int i = 2; i + 4 <= c.length; i += 4) {   // both edges of every block
                        Packets.put32(c, i, Integer.toUnsignedLong((int) Packets.u32(c, i) - ackOff));
                    }
                    mapped.add(new Packets.RawOpt(5, c));
                } else {
                    mapped.add(r);
                }
            }
            Packets.Seg seg = new Packets.Seg(h.flags(), Integer.toUnsignedLong(seq), o.payloadLength(), Integer.toUnsignedLong(ack),
                    h.window(), h.urgentPointer(), mapped, o.ip().tos());
            return new Live(o, seg, mapped);
        }

        private void outbound(Ast.Packet p) {
            checkOptions(p);
            SSock s = socketForPacket(p);
            int flags = flagBits(p.flags());
            boolean synAck = (flags & TcpFlags.SYN) != 0 && (flags & TcpFlags.ACK) != 0;
            if (s.st == SockState.PASSIVE_PACKET_RECEIVED && synAck) {
                s.scriptLocalIsn = (int) p.seq();
            }
            List<Packets.RawOpt> scriptOpts = p.options() == null ? null : scriptOptions(p);
            Packets.Seg expected = new Packets.Seg(flags, p.seq(), p.len(), p.ack(), p.window(), p.urg(), scriptOpts, p.tos());
            long sinceUs = Math.max(eventUs, p.direction() == Ast.Direction.OUTBOUND ? eventEndUs : 0);
            long deadlineNs = event.time().type() == Ast.TimeType.ANY
                    ? Math.max(es.nowNs(), 0) + 600_000_000_000L
                    : (Math.max(sinceUs, nowUs()) + 2_000_000) * NS_PER_US;
            List<Live> frags = new ArrayList<>();
            int sniffed = 0;
            do {
                EmbeddedStack.Outbound o = sniff(s, deadlineNs);
                if (o == null) {
                    String detail = "script packet: " + fmtTime(eventUs) + " " + Packets.shortDump(expected) + "\n"
                            + "  expected (tcpdump): " + Packets.tcpdump(expected, null) + "\n"
                            + "  actual: nothing was sent" + (frags.isEmpty() ? "" : " after the " + frags.size() + " segment(s) above")
                            + " by " + fmtTime(es.nowNs() / NS_PER_US) + fragDump(frags);
                    throw new Failure(event.line(), "error handling packet: timed out waiting for outbound packet "
                            + Packets.shortDump(expected) + (frags.isEmpty() ? "" : " (got " + sniffed + " of " + p.len()
                            + " payload bytes)"), detail);
                }
                if (s.st == SockState.PASSIVE_PACKET_RECEIVED && synAck) {
                    s.st = SockState.PASSIVE_SYNACK_SENT;
                    s.liveLocalIsn = o.tcp().seq();
                }
                Live l = toScriptSpace(s, o);
                long sentUs = o.tNs() / NS_PER_US;
                log("outbound sniffed " + Packets.shortDump(l.seg()) + (sentUs < nowUs() ? " (sent at " + fmtTime(sentUs) + ")" : ""));
                if (!frags.isEmpty() && !sameTuple(frags.getLast().out(), o)) {
                    // packetdrill's do_outbound_script_packet(): packets of another connection (an old socket's SYN
                    // retried, say) sniffed while aggregating are residue; discard them and start anew.
                    log("discarding " + frags.size() + " sniffed packet(s) of another connection");
                    frags.clear();
                    sniffed = 0;
                }
                if (!frags.isEmpty()) {
                    String err = fragmentMismatch(frags.getLast(), l, sniffed, p.len());
                    if (err != null) {
                        frags.add(l);
                        throw new Failure(event.line(), "error handling packet: " + err,
                                "   script packet: " + fmtTime(eventUs) + " " + Packets.shortDump(expected) + fragDump(frags));
                    }
                }
                frags.add(l);
                sniffed += o.payloadLength();
            } while (sniffed < p.len() && !strictSegments);
            if (sniffed != p.len()) {
                throw new Failure(event.line(), "error handling packet: live packet payload: expected " + p.len()
                        + " bytes vs actual " + sniffed + " bytes", dump(expected, frags));
            }
            verifyOutbound(s, p, expected, frags);
        }

        private String fragDump(List<Live> frags) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < frags.size(); i++) {
                sb.append("\n   actual #").append(i).append(": ").append(fmtTime(frags.get(i).out().tNs() / NS_PER_US)).append(' ')
                        .append(Packets.shortDump(frags.get(i).seg()));
            }
            return sb.toString();
        }

        /** Whether two sniffed packets belong to one connection (addresses and ports). */
        private static boolean sameTuple(EmbeddedStack.Outbound a, EmbeddedStack.Outbound b) {
            if (a.ip().src() != b.ip().src() || a.ip().dst() != b.ip().dst()) {
                return false;
            }
            if (a.tcp() == null || b.tcp() == null) {
                return a.tcp() == b.tcp();   // not TCP (ICMP): the addresses are the tuple
            }
            return a.tcp().srcPort() == b.tcp().srcPort() && a.tcp().dstPort() == b.tcp().dstPort();
        }

        /** packetdrill's verify_packet_fragments(): same headers (but FIN/PSH/CWR), contiguous, equal sizes. */
        private static String fragmentMismatch(Live prev, Live cur, int sniffedSoFar, int expectedTotal) {
            Packets.Seg a = prev.seg();
            Packets.Seg b = cur.seg();
            int ignore = TcpFlags.FIN | TcpFlags.PSH | TcpFlags.CWR;
            if ((a.flags() & ~ignore) != (b.flags() & ~ignore)) {
                return "aggregate candidate: TCP flags differ: " + Packets.flags(a.flags()) + " then " + Packets.flags(b.flags());
            }
            if (((a.seq() + a.len()) & 0xffffffffL) != b.seq()) {
                return "live packet field tcp_seq: expected: " + ((a.seq() + a.len()) & 0xffffffffL) + " vs actual: " + b.seq()
                        + " (segments to aggregate are not contiguous)";
            }
            if (a.ack() != b.ack()) {
                return "live packet field tcp_ack_seq: expected: " + a.ack() + " vs actual: " + b.ack() + " (aggregate candidate)";
            }
            if (a.win() != b.win()) {
                return "live packet field tcp_window: expected: " + a.win() + " vs actual: " + b.win() + " (aggregate candidate)";
            }
            int la = 0;
            for (Packets.RawOpt r : prev.rawOpts()) {
                la += r.length();
            }
            int lb = 0;
            for (Packets.RawOpt r : cur.rawOpts()) {
                lb += r.length();
            }
            if (la != lb) {
                return "live packet field tcp_data_offset: expected: " + (5 + la / 4) + " vs actual: " + (5 + lb / 4)
                        + " (aggregate candidate)";
            }
            if (b.len() < expectedTotal - sniffedSoFar && b.len() != a.len()) {
                return "fragment payload: expected " + a.len() + " bytes vs actual " + b.len() + " bytes; total payload: expected "
                        + expectedTotal + " bytes vs actual " + (b.len() + sniffedSoFar) + " bytes";
            }
            return null;
        }

        private List<Packets.RawOpt> scriptOptions(Ast.Packet p) {
            byte[] b = Packets.encode(p.options(), v -> v, -1);
            return Packets.parseOptions(b, 0, b.length);
        }

        private static String fmtTime(long us) {
            return String.format(Locale.ROOT, "%9.6f", us / 1e6);
        }

        private String dump(Packets.Seg expected, List<Live> frags) {
            StringBuilder sb = new StringBuilder();
            sb.append("script packet: ").append(fmtTime(eventUs)).append(' ').append(Packets.shortDump(expected));
            if (!frags.isEmpty()) {
                Packets.Seg act = aggregate(frags);
                long t = frags.getLast().out().tNs() / NS_PER_US;
                sb.append("\nactual packet: ").append(fmtTime(t)).append(' ').append(Packets.shortDump(act));
                if (frags.size() > 1) {
                    sb.append("  (").append(frags.size()).append(" segments aggregated)");
                }
                sb.append("\n  expected (tcpdump): ").append(Packets.tcpdump(expected, null));
                var o = frags.getFirst().out();
                String ends = "IP " + Ipv4Addr.format(o.ip().src()) + "." + o.tcp().srcPort() + " > " + Ipv4Addr.format(o.ip().dst())
                        + "." + o.tcp().dstPort();
                sb.append("\n  actual   (tcpdump): ").append(Packets.tcpdump(act, ends));
            }
            return sb.toString();
        }

        /** aggregate_packets(): headers of the last fragment, seq and CWR of the first, payload of all. */
        private static Packets.Seg aggregate(List<Live> frags) {
            Packets.Seg first = frags.getFirst().seg();
            Packets.Seg last = frags.getLast().seg();
            int len = 0;
            for (Live l : frags) {
                len += l.seg().len();
            }
            int flags = (last.flags() & ~TcpFlags.CWR) | (first.flags() & TcpFlags.CWR);
            return new Packets.Seg(flags, first.seq(), len, last.ack(), last.win(), last.urg(), last.options(), last.tos());
        }

        private void verifyOutbound(SSock s, Ast.Packet p, Packets.Seg expected, List<Live> frags) {
            Packets.Seg act = aggregate(frags);
            long liveNs = frags.getLast().out().tNs();
            // map_outbound_live_packet(): learn the TS val mapping, then rewrite the actual TS val into script space
            Packets.RawOpt scriptTs = lastTs(expected.options());
            Packets.RawOpt actualTs = lastTs(act.options());
            List<Packets.RawOpt> actOpts = act.options();
            if (scriptTs != null && actualTs != null) {
                int sv = (int) Packets.u32(scriptTs.bytes(), 2);
                int av = (int) Packets.u32(actualTs.bytes(), 2);
                s.tsValMap.put(sv, av);
                if (!s.foundFirstTs) {
                    s.foundFirstTs = true;
                    s.firstScriptTsVal = sv;
                    s.firstActualTsVal = av;
                }
                List<Packets.RawOpt> rewritten = new ArrayList<>();
                for (Packets.RawOpt r : actOpts) {
                    if (r == actualTs) {
                        byte[] c = r.bytes().clone();
                        Packets.put32(c, 2, Integer.toUnsignedLong(s.firstScriptTsVal + (av - s.firstActualTsVal)));
                        rewritten.add(new Packets.RawOpt(8, c));
                    } else {
                        rewritten.add(r);
                    }
                }
                actOpts = rewritten;
                act = new Packets.Seg(act.flags(), act.seq(), act.len(), act.ack(), act.win(), act.urg(), actOpts, act.tos());
            }
            List<Live> shown = new ArrayList<>(frags);
            shown.set(shown.size() - 1, new Live(frags.getLast().out(), act, frags.getLast().rawOpts()));
            String err = headerMismatch(p, expected, act, frags);
            if (err == null && expected.options() != null) {
                err = optionsMismatch(expected.options(), actOpts, p);
            }
            if (err == null) {
                for (Live l : frags) {
                    byte[] pl = l.out().payload();
                    for (byte x : pl) {
                        if (x != 0) {
                            err = "incorrect outbound data payload";
                            break;
                        }
                    }
                }
            }
            if (err != null) {
                throw new Failure(event.line(), "error handling packet: " + err, dumpWith(expected, act, liveNs, frags));
            }
            pendingTimingDetail = dumpWith(expected, act, liveNs, frags);
            verifyTime(event.time().type(), eventUs, eventEndUs, liveNs, lastEventUs, "outbound packet");
            pendingTimingDetail = "";
        }

        private String dumpWith(Packets.Seg expected, Packets.Seg act, long liveNs, List<Live> frags) {
            int nfrags = frags.size();
            var o = frags.getLast().out();
            StringBuilder sb = new StringBuilder();
            sb.append("script packet: ").append(fmtTime(eventUs)).append(' ').append(Packets.shortDump(expected));
            sb.append("\nactual packet: ").append(fmtTime(liveNs / NS_PER_US)).append(' ').append(Packets.shortDump(act));
            if (nfrags > 1) {
                sb.append("  (").append(nfrags).append(" segments aggregated)");
            }
            sb.append("\n  expected (tcpdump): ").append(Packets.tcpdump(expected, null));
            sb.append("\n  actual   (tcpdump): ").append(Packets.tcpdump(act, "IP " + Ipv4Addr.format(o.ip().src()) + "."
                    + o.tcp().srcPort() + " > " + Ipv4Addr.format(o.ip().dst()) + "." + o.tcp().dstPort()));
            return sb.toString();
        }

        private static Packets.RawOpt lastTs(List<Packets.RawOpt> opts) {
            Packets.RawOpt found = null;
            if (opts != null) {
                for (Packets.RawOpt r : opts) {
                    if (r.kind() == 8 && r.length() == 10) {
                        found = r;
                    }
                }
            }
            return found;
        }

        private static String field(String name, long expected, long actual) {
            return "live packet field " + name + ": expected: " + expected + " (0x" + Long.toHexString(expected) + ") vs actual: "
                    + actual + " (0x" + Long.toHexString(actual) + ")";
        }

        /** verify_ipv4() and verify_tcp() with strict = true, in packetdrill's order. */
        private String headerMismatch(Ast.Packet p, Packets.Seg e, Packets.Seg a, List<Live> frags) {
            int actTos = a.tos();
            switch (p.tosCheck()) {
                case ECN -> {
                    if ((actTos & 3) != p.tos()) {
                        return field("ip_ecn", p.tos(), actTos & 3);
                    }
                }
                case ECT01 -> {
                    if ((actTos & 3) != 1 && (actTos & 3) != 2) {
                        return "live packet field ip_ecn: expected: 0x1 or 0x2 vs actual: 0x" + Integer.toHexString(actTos & 3);
                    }
                }
                case TOS -> {
                    if (actTos != p.tos()) {
                        return field("tos", p.tos(), actTos);
                    }
                }
                case NONE -> {
                }
            }
            if (p.ttl() != 0) {
                int ttl = frags.getLast().out().ip().ttl();
                if (ttl != p.ttl()) {
                    return field("ttl", p.ttl(), ttl);
                }
            }
            int eOptLen = 0;
            if (e.options() != null) {
                for (Packets.RawOpt r : e.options()) {
                    eOptLen += r.length();
                }
            }
            int aOptLen = 0;
            for (Packets.RawOpt r : a.options()) {
                aOptLen += r.length();
            }
            int eDoff = 5 + (e.options() == null ? aOptLen : eOptLen) / 4;
            int aDoff = 5 + aOptLen / 4;
            if (eDoff != aDoff) {
                return field("tcp_data_offset", eDoff, aDoff);
            }
            int ef = e.flags();
            int af = a.flags();
            String[] names = {"tcp_fin", "tcp_syn", "tcp_rst", "tcp_psh", "tcp_ack", "tcp_urg"};
            int[] bits = {TcpFlags.FIN, TcpFlags.SYN, TcpFlags.RST, TcpFlags.PSH, TcpFlags.ACK, TcpFlags.URG};
            for (int i = 0; i < bits.length; i++) {
                if ((ef & bits[i]) != (af & bits[i])) {
                    return field(names[i], (ef & bits[i]) != 0 ? 1 : 0, (af & bits[i]) != 0 ? 1 : 0);
                }
            }
            if (hasAce(p.flags())) {
                int ea = ace(ef);
                int aa = ace(af);
                if (ea != aa) {
                    return field("tcp_ace", ea, aa);
                }
            } else {
                String[] en = {"tcp_ece", "tcp_cwr", "tcp_ae"};
                int[] eb = {TcpFlags.ECE, TcpFlags.CWR, TcpFlags.AE};
                for (int i = 0; i < eb.length; i++) {
                    if ((ef & eb[i]) != (af & eb[i])) {
                        return field(en[i], (ef & eb[i]) != 0 ? 1 : 0, (af & eb[i]) != 0 ? 1 : 0);
                    }
                }
            }
            if ((ef & TcpFlags.RESERVED) != (af & TcpFlags.RESERVED)) {
                return field("tcp_reserved_bits", (ef & TcpFlags.RESERVED) >> 9, (af & TcpFlags.RESERVED) >> 9);
            }
            if (e.seq() != a.seq()) {
                return field("tcp_seq", e.seq(), a.seq());
            }
            if (e.ack() != a.ack()) {
                return field("tcp_ack_seq", e.ack(), a.ack());
            }
            if (e.win() >= 0 && e.win() != a.win()) {
                return field("tcp_window", e.win(), a.win());
            }
            if (e.urg() != a.urg()) {
                return field("tcp_urg_ptr", e.urg(), a.urg());
            }
            return null;
        }

        private static int ace(int f) {
            return ((f & TcpFlags.AE) != 0 ? 4 : 0) | ((f & TcpFlags.CWR) != 0 ? 2 : 0) | ((f & TcpFlags.ECE) != 0 ? 1 : 0);
        }

        /** verify_outbound_live_tcp_options(): same kinds in the same order; values equal (TS val within tolerance). */
        private String optionsMismatch(List<Packets.RawOpt> e, List<Packets.RawOpt> a, Ast.Packet p) {
            int n = Math.max(e.size(), a.size());
            for (int i = 0; i < n; i++) {
                Packets.RawOpt eo = i < e.size() ? e.get(i) : null;
                Packets.RawOpt ao = i < a.size() ? a.get(i) : null;
                if (eo == null || ao == null || eo.kind() != ao.kind()) {
                    return "bad outbound TCP options: expected <" + Packets.options(e) + "> vs actual <" + Packets.options(a) + ">";
                }
                if (ao.kind() == 0 || ao.kind() == 1) {
                    continue;
                }
                if (ao.kind() == 8) {
                    if (tsTickUs != 0) {
                        long tol = toleranceUs;
                        double dyn = (tolerancePct / 100.0) * (eventUs - 0);
                        if (dyn > tol) {
                            tol = (long) dyn;
                        }
                        long sv = Packets.u32(eo.bytes(), 2);
                        long av = Packets.u32(ao.bytes(), 2);
                        long diff = Math.abs((int) (av - sv));
                        if (diff * tsTickUs > tol) {
                            return "bad outbound TCP timestamp value, tolerance " + tol + " (expected TS val " + sv + ", actual "
                                    + av + " in script space)";
                        }
                    }
                    continue;
                }
                String errType = null;
                if (eo.length() != ao.length()) {
                    errType = "bad length";
                } else if (!java.util.Arrays.equals(eo.bytes(), ao.bytes())) {
                    errType = "bad value";
                }
                if (errType != null) {
                    return errType + " in outbound TCP option (kind=" + eo.kind() + "): expected: " + Packets.option(eo)
                            + " actual: " + Packets.option(ao);
                }
            }
            return null;
        }

        // ---------------------------------------------------------------------------- system calls

        /** A system call in progress: attempt() completes it (non-null) or says it must wait (null). */
        interface Call {
            Done attempt();

            default long deadlineNs() {
                return Deadline.NONE;
            }
        }

        /** A completed call: the C-level return value, errno, and checks/effects to run if the result matched. */
        record Done(long ret, long errno, Runnable post) {
            static Done of(long r) {
                return r >= 0 ? new Done(r, 0, null) : new Done(-1, -r, null);
            }

            static Done of(long r, Runnable post) {
                return r >= 0 ? new Done(r, 0, post) : new Done(-1, -r, post);
            }
        }

        private static final class Pending {
            final Ast.Event event;
            final Ast.Syscall sc;
            final Call call;
            final long startUs;
            final long endUs;
            final Ast.TimeType type;
            final boolean fdMode;

            Pending(Ast.Event event, Ast.Syscall sc, Call call, long startUs, long endUs, Ast.TimeType type, boolean fdMode) {
                this.event = event;
                this.sc = sc;
                this.call = call;
                this.startUs = startUs;
                this.endUs = endUs;
                this.type = type;
                this.fdMode = fdMode;
            }
        }

        private void pollPending() {
            if (pending == null) {
                return;
            }
            Done d = pending.call.attempt();
            if (d == null) {
                return;
            }
            Pending p = pending;
            pending = null;
            Ast.Event saved = event;
            event = p.event;
            try {
                traceCall(p.sc, d);
                log("syscall " + p.sc.name() + " returned " + (d.ret() < 0 ? "-1 " + Symbols.errnoName(d.errno()) : d.ret())
                        + " (blocking call of line " + p.event.line() + ")");
                checkResult(p.sc, d, p.fdMode);
                if (d.post() != null) {
                    d.post().run();
                }
                verifyTime(p.type, p.endUs, 0, es.nowNs(), p.startUs, "system call return");
            } finally {
                event = saved;
            }
        }

        private void waitForPending(long limitNs) {
            while (pending != null && es.nowNs() < limitNs) {
                step(limitNs);
            }
        }

        private void syscallEvent(Ast.Syscall sc, Long endUs) {
            boolean blocking = endUs != null;
            if (pending != null) {
                // await_idle_thread(): wait up to 1 s for the blocking call in progress to finish
                waitForPending(es.nowNs() + 1_000_000_000L);
                if (pending != null && blocking) {
                    throw new Failure(event.line(), "runtime error in " + sc.name()
                            + " call: blocking system call while another blocking system call is already in progress");
                }
            }
            waitForEvent();
            boolean fdMode = fdResult(sc.name());
            Call call = start(sc);
            Done d = call.attempt();
            if (blocking) {
                if (d != null) {
                    traceCall(sc, d);
                    log("syscall " + sc.name() + " returned " + (d.ret() < 0 ? "-1 " + Symbols.errnoName(d.errno()) : d.ret()));
                    checkResult(sc, d, fdMode);
                    if (d.post() != null) {
                        d.post().run();
                    }
                    verifyTime(event.time().type(), endUs, 0, es.nowNs(), eventUs, "system call return");
                } else {
                    log("syscall " + sc.name() + " blocks");
                    pending = new Pending(event, sc, call, eventUs, endUs, event.time().type(), fdMode);
                }
                syscallTime();
                return;
            }
            if (d == null) {
                // the script says the call does not block, but it does: the script's thread waits (as packetdrill's would)
                log("syscall " + sc.name() + " blocks although the script does not say so");
                while (d == null) {
                    long next = nextWake();
                    if (next == Deadline.NONE && call.deadlineNs() == Deadline.NONE) {
                        throw new Failure(event.line(), sc.name() + "() blocks and nothing (no packet, no timer) can ever complete it;"
                                + " a call that blocks must be written with an end time (0...0.1 " + sc.name() + "(...))");
                    }
                    long t = next == Deadline.NONE ? call.deadlineNs()
                            : call.deadlineNs() == Deadline.NONE ? next : Math.min(next, call.deadlineNs());
                    advanceTo(Math.max(es.nowNs(), t));
                    d = call.attempt();
                }
            }
            traceCall(sc, d);
            log("syscall " + sc.name() + " = " + (d.ret() < 0 ? "-1 " + Symbols.errnoName(d.errno()) : d.ret()));
            checkResult(sc, d, fdMode);
            if (d.post() != null) {
                d.post().run();
            }
            pollPending();
            syscallTime();
        }

        /**
         * A system call takes time on a real machine, and packetdrill takes the next relative event's time from
         * when the call returned: the script's thread moves on one microsecond (the resolution of packetdrill's
         * clock and of tcp_mstamp), so that what a script does one step after another is never simultaneous.
         * RTT samples then carry the script's own pace, as on Linux (a segment sent by the first of several
         * calls is acknowledged, relative to the last, later than one the stack sends by itself).
         */
        private void syscallTime() {
            advanceTo(es.nowNs() + SYSCALL_NS);
        }

        private void traceCall(Ast.Syscall sc, Done d) {
            if (es.stack().tracer().enabled()) {
                StringBuilder args = new StringBuilder();
                for (Expr e : sc.args()) {
                    if (!args.isEmpty()) {
                        args.append(", ");
                    }
                    args.append(e);
                }
                es.stack().traceCall(-1, sc.name(), args.toString(), d.ret() < 0 ? -d.errno() : d.ret(), "",
                        "packetdrill script line " + event.line());
            }
        }

        private static boolean fdResult(String name) {
            return switch (name) {
                case "socket", "accept", "epoll_create", "open" -> true;
                default -> false;
            };
        }

        /** end_syscall(): the result (and errno) as the script expects. */
        private void checkResult(Ast.Syscall sc, Done d, boolean fdMode) {
            long expected = evalInt(sc.result());
            long actual = d.ret();
            String errnoText = actual < 0 ? " with errno " + d.errno() + " (" + Symbols.errnoName(d.errno()) + ")" : "";
            if (fdMode && expected >= 0) {
                if (actual < 0) {
                    throw new Failure(event.line(), "runtime error in " + sc.name() + " call: Expected non-negative result but got "
                            + actual + errnoText);
                }
            } else if (actual != (int) expected) {
                throw new Failure(event.line(), "runtime error in " + sc.name() + " call: Expected result " + (int) expected
                        + " but got " + actual + errnoText);
            }
            if (sc.errno() != null) {
                Long exp = Symbols.value(sc.errno());
                if (exp == null) {
                    throw new Failure(event.line(), "runtime error in " + sc.name() + " call: unknown errno symbol " + sc.errno());
                }
                if (d.errno() != exp) {
                    throw new Failure(event.line(), "runtime error in " + sc.name() + " call: Expected errno " + exp + " ("
                            + sc.errno() + ") but got " + d.errno() + " (" + (d.errno() == 0 ? "Success" : Symbols.errnoName(d.errno())) + ")");
                }
            }
        }

        // ---------------------------------------------------------------------------- expressions

        private long evalInt(Expr e) {
            return switch (e) {
                case Expr.Int i -> i.value();
                case Expr.Word w -> {
                    Long v = Symbols.value(w.name());
                    if (v == null) {
                        throw new Failure(event.line(), "runtime error: unknown symbol '" + w.name() + "' (not a Linux constant packetdrill knows)");
                    }
                    yield v;
                }
                case Expr.Binary b when b.op().equals("|") -> evalInt(b.lhs()) | evalInt(b.rhs());
                default -> throw new Failure(event.line(), "runtime error: expected an integer expression, got " + e);
            };
        }

        private int evalS32(Expr e) {
            return (int) evalInt(e);
        }

        /** s32_bracketed_arg(): [N]. */
        private long bracketed(Expr e, String what) {
            if (e instanceof Expr.ListExpr l && l.items().size() == 1) {
                return evalInt(l.items().getFirst());
            }
            throw new Failure(event.line(), "runtime error: expected [integer] for " + what + ", got " + e);
        }

        private static boolean isEllipsis(Expr e) {
            return e instanceof Expr.Ellipsis;
        }

        private void needArgs(Ast.Syscall sc, int n) {
            if (sc.args().size() != n) {
                throw new Failure(event.line(), "runtime error in " + sc.name() + " call: expected " + n + " args but got "
                        + sc.args().size());
            }
        }

        private void needEllipsis(Ast.Syscall sc, int i) {
            if (!isEllipsis(sc.args().get(i))) {
                throw new Failure(event.line(), "runtime error in " + sc.name() + " call: Expected ... for argument " + (i + 1)
                        + " but got " + sc.args().get(i));
            }
        }

        /** buffer_arg(): ... (a buffer) or NULL; true for NULL. */
        private boolean nullBuffer(Ast.Syscall sc, int i) {
            Expr e = sc.args().get(i);
            if (isEllipsis(e)) {
                return false;
            }
            if ((e instanceof Expr.Int n && n.value() == 0) || (e instanceof Expr.Word w && w.name().equals("NULL"))) {
                return true;
            }
            throw new Failure(event.line(), "runtime error in " + sc.name() + " call: Expected ... or NULL for buffer");
        }

        // ---------------------------------------------------------------------------- file descriptors

        sealed interface Fd permits SockFd, EpollFd, PipeFd, FileFd {
        }

        static final class SockFd implements Fd {
            final TcpSocket sock;
            final SSock ss;
            boolean nonblock;
            boolean shutRd;
            boolean shutWr;

            SockFd(TcpSocket sock, SSock ss) {
                this.sock = sock;
                this.ss = ss;
            }
        }

        static final class EpItem {
            final int fd;
            long events;
            String dataKind;
            long data;
            long seenWakes;
            boolean readyAtAdd;
            boolean disabled;

            EpItem(int fd) {
                this.fd = fd;
            }
        }

        static final class EpollFd implements Fd {
            final Map<Integer, EpItem> items = new LinkedHashMap<>();
            boolean nonblock;
        }

        /**
         * A pipe (pipe_inode_info): a ring of PIPE_DEF_BUFFERS buffers of at most a page each, 65536 bytes in
         * all; splice() from a socket adds a buffer per page it moves.
         */
        static final class Pipe {
            static final int BUFFERS = 16;
            static final int PAGE = 4096;
            final java.util.ArrayDeque<byte[]> bufs = new java.util.ArrayDeque<>();

            int freeBuffers() {
                return BUFFERS - bufs.size();
            }

            void add(byte[] data, int len) {
                for (int o = 0; o < len; o += PAGE) {
                    bufs.addLast(java.util.Arrays.copyOfRange(data, o, Math.min(len, o + PAGE)));
                }
            }

            /** Drops n bytes from the head buffers. */
            void consume(int n) {
                while (n > 0) {
                    byte[] b = bufs.pollFirst();
                    if (b.length > n) {
                        bufs.addFirst(java.util.Arrays.copyOfRange(b, n, b.length));
                    }
                    n -= Math.min(n, b.length);
                }
            }
        }

        record PipeFd(Pipe pipe, boolean readEnd) implements Fd {
        }

        static final class FileFd implements Fd {
            final byte[] data;

            FileFd(byte[] data) {
                this.data = data;
            }
        }

        private Fd fd(Ast.Syscall sc, int argIndex) {
            int n = evalS32(sc.args().get(argIndex));
            Fd f = fds.get(n);
            if (f == null) {
                throw new Failure(event.line(), "runtime error in " + sc.name() + " call: unable to find fd with script fd " + n);
            }
            return f;
        }

        private SockFd sockFd(Ast.Syscall sc, int argIndex) {
            Fd f = fd(sc, argIndex);
            if (f instanceof SockFd s) {
                return s;
            }
            throw new Unsupported(sc.name() + " on a non-socket", event.line(), "line " + event.line() + ": " + sc.name()
                    + "() on a " + f.getClass().getSimpleName() + " is not emulated");
        }

        private void addFd(Ast.Syscall sc, Fd f) {
            int n = evalS32(sc.result());
            if (fds.containsKey(n)) {
                throw new Failure(event.line(), "runtime error in " + sc.name() + " call: duplicate fd " + n + " in script");
            }
            fds.put(n, f);
        }

        private int scriptFdOf(Fd f) {
            for (Map.Entry<Integer, Fd> e : fds.entrySet()) {
                if (e.getValue() == f) {
                    return e.getKey();
                }
            }
            return -1;
        }

        // ---------------------------------------------------------------------------- dispatch

        private Unsupported unsupported(String construct, String detail) {
            return new Unsupported(construct, event.line(), "line " + event.line() + ": " + detail);
        }

        private Call start(Ast.Syscall sc) {
            return switch (sc.name()) {
                case "socket" -> socketCall(sc);
                case "bind" -> bindCall(sc);
                case "listen" -> listenCall(sc);
                case "accept" -> acceptCall(sc);
                case "connect" -> connectCall(sc);
                case "read" -> readCall(sc, 3);
                case "recv" -> readCall(sc, 4);
                case "recvfrom" -> readCall(sc, 6);
                case "recvmsg" -> recvmsgCall(sc);
                case "readv" -> readvCall(sc);
                case "write" -> writeCall(sc, 3);
                case "send" -> writeCall(sc, 4);
                case "sendto" -> writeCall(sc, 6);
                case "sendmsg" -> sendmsgCall(sc);
                case "writev" -> writevCall(sc);
                case "close" -> closeCall(sc);
                case "shutdown" -> shutdownCall(sc);
                case "setsockopt" -> setsockoptCall(sc);
                case "getsockopt" -> getsockoptCall(sc);
                case "fcntl" -> fcntlCall(sc);
                case "ioctl" -> ioctlCall(sc);
                case "poll" -> pollCall(sc);
                case "epoll_create" -> epollCreateCall(sc);
                case "epoll_ctl" -> epollCtlCall(sc);
                case "epoll_wait" -> epollWaitCall(sc);
                case "open" -> openCall(sc);
                case "sendfile" -> sendfileCall(sc);
                case "pipe" -> pipeCall(sc);
                case "splice" -> spliceCall(sc);
                default -> throw unsupported("system call " + sc.name(), "the system call " + sc.name() + "() is not supported by the runner");
            };
        }

        private Call socketCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            Expr dom = sc.args().get(0);
            if (!isEllipsis(dom) && evalInt(dom) != Symbols.require("AF_INET")) {
                throw unsupported("socket domain " + dom, "socket(" + dom + ", ...): jtcp is IPv4 only");
            }
            long type = evalInt(sc.args().get(1));
            long nonblock = Symbols.require("SOCK_NONBLOCK");
            if ((type & ~nonblock & ~Symbols.require("SOCK_CLOEXEC")) != Symbols.require("SOCK_STREAM")) {
                throw unsupported("socket type " + sc.args().get(1), "socket(..., " + sc.args().get(1) + ", ...): jtcp has TCP (SOCK_STREAM) sockets only");
            }
            long proto = evalInt(sc.args().get(2));
            if (proto != 0 && proto != Symbols.require("IPPROTO_TCP")) {
                throw unsupported("socket protocol " + sc.args().get(2), "socket(..., " + sc.args().get(2) + "): TCP only");
            }
            return () -> {
                TcpSocket s = TcpSocket.open(es.stack());
                SSock ss = new SSock(SockState.NEW);
                ss.sock = s;
                SockFd f = new SockFd(s, ss);
                f.nonblock = (type & nonblock) != 0;
                return Done.of(0, () -> {
                    addFd(sc, f);
                    ssocks.add(ss);
                    sut = ss;
                });
            };
        }

        private Call bindCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            needEllipsis(sc, 1);
            needEllipsis(sc, 2);
            return () -> Done.of(f.sock.bind(new Endpoint(localIp, bindPort)));
        }

        private Call listenCall(Ast.Syscall sc) {
            needArgs(sc, 2);
            SockFd f = sockFd(sc, 0);
            int backlog = evalS32(sc.args().get(1));
            return () -> {
                int r = f.sock.listen(backlog);
                return Done.of(r, () -> f.ss.st = SockState.PASSIVE_LISTENING);
            };
        }

        private Call acceptCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            needEllipsis(sc, 1);
            needEllipsis(sc, 2);
            boolean blocking = !f.nonblock;
            return () -> {
                TcpSocket child = f.sock.accept();
                if (child == null) {
                    if (!f.sock.isListening()) {
                        return Done.of(Errno.EINVAL.neg());
                    }
                    return blocking ? null : Done.of(Errno.EAGAIN.neg());
                }
                return Done.of(0, () -> {
                    // run_syscall_accept(): the newest script socket whose SYN-ACK went out (packetdrill asserts
                    // that its live remote port is the accepted connection's)
                    int port = child.remoteEndpoint().port();
                    SSock match = null;
                    for (int i = ssocks.size() - 1; i >= 0; i--) {
                        SSock s = ssocks.get(i);
                        if ((s.st == SockState.PASSIVE_SYNACK_SENT || s.st == SockState.PASSIVE_SYNACK_ACKED)
                                && s.liveRemotePort == port) {
                            match = s;
                            break;
                        }
                    }
                    if (match == null) {
                        throw new Failure(event.line(), "runtime error in accept call: unable to find socket matching accept() call"
                                + " (accepted " + child + ")");
                    }
                    SSock found = match;
                    boolean reused = found.sock != null;
                    boolean wasClosed = found.closed;
                    found.sock = child;
                    found.closed = false;
                    if (reused) {
                        // The same 4-tuple was accepted before (a TIME_WAIT reuse): packetdrill re-points that
                        // socket's descriptor entry, which stays marked closed if it was, so the new script fd
                        // cannot be used, as with the real tool.
                        fds.values().removeIf(e -> e instanceof SockFd sf && sf.ss == found);
                        if (wasClosed) {
                            return;
                        }
                    }
                    // packetdrill's run_syscall_accept() puts the new socket first in its list, so a script fd
                    // used again by accept() names the newest socket (pure-syn-data.pkt accepts into 4 twice).
                    fds.put(evalS32(sc.result()), new SockFd(child, found));
                });
            };
        }

        private Call connectCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            Expr addr = sc.args().get(1);
            if (!isEllipsis(addr)) {
                if (addr instanceof Expr.SockAddr) {
                    throw unsupported("connect to an explicit address", "connect() to an explicit sockaddr is not supported");
                }
                long fam = evalInt(addr);
                if (fam == Symbols.require("AF_UNSPEC")) {
                    throw unsupported("connect AF_UNSPEC (disconnect)", "connect(fd, AF_UNSPEC, ...) (tcp_disconnect from the"
                            + " application) is not in jtcp's TcpSocket API");
                }
                throw unsupported("connect family " + addr, "connect() with address family " + addr + " is not supported");
            }
            needEllipsis(sc, 2);
            boolean blocking = !f.nonblock;
            Endpoint remote = new Endpoint(remoteIp, connectPort);
            return new Call() {
                boolean started;

                @Override
                public Done attempt() {
                    if (!started) {
                        started = true;
                        SSock s = f.ss;
                        if (s.st == SockState.NEW) {
                            s.st = SockState.ACTIVE_CONNECTING;
                            s.liveRemoteAddr = remoteIp;
                            s.liveRemotePort = connectPort;
                        }
                        int r = f.sock.connect(remote);
                        if (r != Errno.EINPROGRESS.neg() || !blocking) {
                            return Done.of(r);
                        }
                    }
                    if (!f.sock.connectDone()) {
                        return null;
                    }
                    return Done.of(f.sock.connectResult());
                }
            };
        }

        private static final int MSG_OOB = 1;
        private static final int MSG_PEEK = 2;

        private int recvFlags(Ast.Syscall sc, long flags) {
            long known = Symbols.require("MSG_OOB") | Symbols.require("MSG_PEEK") | Symbols.require("MSG_DONTWAIT");
            long extra = flags & ~known;
            if (extra != 0) {
                throw unsupported("recv flag " + Symbols.flags(extra, "MSG_"), sc.name() + "() with flag "
                        + Symbols.flags(extra, "MSG_") + " is not supported by jtcp's TcpSocket.recv");
            }
            return (int) (flags & (MSG_OOB | MSG_PEEK));
        }

        private Call readCall(Ast.Syscall sc, int nargs) {
            needArgs(sc, nargs);
            SockFd f = sockFd(sc, 0);
            boolean isNull = nullBuffer(sc, 1);
            int count = evalS32(sc.args().get(2));
            long flags = nargs >= 4 ? evalInt(sc.args().get(3)) : 0;
            if (nargs == 6) {
                needEllipsis(sc, 4);
                needEllipsis(sc, 5);
            }
            int rf = recvFlags(sc, flags);
            boolean blocking = !f.nonblock && (flags & Symbols.require("MSG_DONTWAIT")) == 0;
            return () -> recvOnce(f, isNull, count, rf, blocking);
        }

        private Done recvOnce(SockFd f, boolean isNull, int count, int rf, boolean blocking) {
            if (count < 0) {
                return Done.of(Errno.EINVAL.neg());
            }
            if (isNull) {
                int r = f.sock.recv(new byte[1], 0, 1, rf | MSG_PEEK);
                if (r > 0) {
                    return Done.of(Errno.EFAULT.neg());   // the copy to user space faults; the data stays queued
                }
                if (r == Errno.EAGAIN.neg() && blocking) {
                    return null;
                }
                return Done.of(r);
            }
            int r = f.sock.recv(new byte[Math.max(count, 1)], 0, count, rf);
            if (r == Errno.EAGAIN.neg() && blocking) {
                return null;
            }
            return Done.of(r);
        }

        private long iovTotal(Ast.Syscall sc, List<Expr> iov, long declared) {
            if (iov.size() != declared) {
                throw new Failure(event.line(), "runtime error in " + sc.name() + " call: iov_count " + declared
                        + " does not match " + iov.size() + "-element iovec array");
            }
            long total = 0;
            for (Expr e : iov) {
                if (!(e instanceof Expr.Iovec v)) {
                    throw new Failure(event.line(), "runtime error in " + sc.name() + " call: expected {..., N} iovec, got " + e);
                }
                total += v.len();
            }
            return total;
        }

        private static final int CMSG_INT = 0;
        private static final int CMSG_EXTENDED_ERR = 1;
        private static final int CMSG_TIMESTAMPING = 2;
        private static final String[] CMSG_KINDS = {"an int", "a sock_extended_err", "a scm_timestamping"};

        /**
         * One control message: level, type, and its data: an int, sock_extended_err's six fields, or
         * scm_timestamping's ts[0] (expected: seconds and nanoseconds of script time; live: nanoseconds).
         */
        private record CmsgVal(long level, long type, int kind, long[] data) {
        }

        private Call recvmsgCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            if (!(sc.args().get(1) instanceof Expr.Msghdr m)) {
                throw new Failure(event.line(), "runtime error in recvmsg call: expected a msghdr");
            }
            long flags = evalInt(sc.args().get(2));
            long errQueue = Symbols.require("MSG_ERRQUEUE");
            // The control messages jtcp produces: TCP_CM_INQ under TCP_INQ, IP_RECVERR from the error queue.
            List<CmsgVal> expectedCmsgs = new ArrayList<>();
            for (Expr c : m.control()) {
                expectedCmsgs.add(expectedCmsg(c));
            }
            boolean controlBuffer = !m.control().isEmpty();
            int total = (int) iovTotal(sc, m.iov(), m.iovLen());
            long expectedFlags = evalInt(m.flags());
            if ((flags & errQueue) != 0) {
                return () -> errQueueOnce(f, total, expectedFlags, expectedCmsgs);
            }
            int rf = recvFlags(sc, flags);
            boolean blocking = !f.nonblock && (flags & Symbols.require("MSG_DONTWAIT")) == 0;
            return () -> {
                Done d = recvOnce(f, false, total, rf, blocking);
                if (d == null) {
                    return null;
                }
                long liveFlags = (rf & MSG_OOB) != 0 && d.ret() > 0 ? MSG_OOB : 0;
                // tcp_recvmsg(): the TCP_CM_INQ message is written after a successful read, if there is room.
                int hint = f.sock.inqHint();
                List<CmsgVal> liveCmsgs = d.ret() >= 0 && hint >= 0 && controlBuffer
                        ? List.of(new CmsgVal(Symbols.require("SOL_TCP"), Symbols.require("TCP_CM_INQ"), CMSG_INT, new long[] {hint}))
                        : List.of();
                return new Done(d.ret(), d.errno(), () -> checkMsg(expectedFlags, liveFlags, expectedCmsgs, liveCmsgs));
            };
        }

        private CmsgVal expectedCmsg(Expr c) {
            if (!(c instanceof Expr.Cmsg cm)) {
                throw new Failure(event.line(), "runtime error in recvmsg call: expected {cmsg_level=.., cmsg_type=.., cmsg_data=..}");
            }
            long level = evalInt(cm.level());
            long type = evalInt(cm.type());
            if (cm.data() instanceof Expr.SockExtendedErr ee) {
                long[] v = new long[ee.fields().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = evalInt(ee.fields().get(i));
                }
                return new CmsgVal(level, type, CMSG_EXTENDED_ERR, v);
            }
            if (cm.data() instanceof Expr.ScmTimestamping ts) {
                return new CmsgVal(level, type, CMSG_TIMESTAMPING, new long[] {ts.sec(), ts.nsec()});
            }
            return new CmsgVal(level, type, CMSG_INT, new long[] {evalInt(cm.data())});
        }

        /**
         * recvmsg(MSG_ERRQUEUE) (ip_recv_error()): the oldest entry: its SCM_TIMESTAMPING stamp if reported
         * (sock_recv_timestamp()), then IP_RECVERR; the entry's packet bytes that fit (MSG_TRUNC if not all),
         * msg_flags MSG_ERRQUEUE; EAGAIN at once when the queue is empty.
         */
        private Done errQueueOnce(SockFd f, int total, long expectedFlags, List<CmsgVal> expectedCmsgs) {
            ErrQueueEntry q = f.sock.recvErrQueue();
            if (q == null) {
                return Done.of(Errno.EAGAIN.neg());
            }
            SockExtendedErr e = q.ee();
            List<CmsgVal> live = new ArrayList<>();
            if (q.timestampNs() >= 0) {
                live.add(new CmsgVal(Symbols.require("SOL_SOCKET"), Symbols.require("SCM_TIMESTAMPING"), CMSG_TIMESTAMPING,
                        new long[] {q.timestampNs()}));
            }
            live.add(new CmsgVal(Symbols.require("SOL_IP"), Symbols.require("IP_RECVERR"), CMSG_EXTENDED_ERR,
                    new long[] {e.errno(), e.origin(), e.type(), e.code(), Integer.toUnsignedLong(e.info()),
                        Integer.toUnsignedLong(e.data())}));
            long liveFlags = Symbols.require("MSG_ERRQUEUE") | (q.length() > total ? Symbols.require("MSG_TRUNC") : 0);
            return Done.of(Math.min(q.length(), total), () -> checkMsg(expectedFlags, liveFlags, expectedCmsgs, live));
        }

        private void checkMsg(long expectedFlags, long liveFlags, List<CmsgVal> expected, List<CmsgVal> live) {
            if (liveFlags != expectedFlags) {
                throw new Failure(event.line(), String.format("runtime error in recvmsg call: Expected msg_flags 0x%08X but got 0x%08X",
                        expectedFlags, liveFlags));
            }
            checkCmsgs(expected, live);
        }

        private static final String[] EE_NAMES = {"errno", "origin", "type", "code", "info", "data"};

        /** cmsg_expect_eq(): the same messages, in order (level, type, length, data). */
        private void checkCmsgs(List<CmsgVal> expected, List<CmsgVal> live) {
            int n = Math.min(expected.size(), live.size());
            String err = "runtime error in recvmsg call: ";
            for (int i = 0; i < n; i++) {
                CmsgVal e = expected.get(i);
                CmsgVal a = live.get(i);
                if (e.level() != a.level()) {
                    throw new Failure(event.line(), err + "Bad level in cmsg " + i + ": expected=" + e.level() + " actual=" + a.level());
                }
                if (e.type() != a.type()) {
                    throw new Failure(event.line(), err + "Bad type in cmsg " + i + ": expected=" + e.type() + " actual=" + a.type());
                }
                if (e.kind() != a.kind()) {
                    throw new Failure(event.line(), err + "Bad len in cmsg " + i + ": expected " + CMSG_KINDS[e.kind()]
                            + " actual " + CMSG_KINDS[a.kind()]);
                }
                if (e.kind() == CMSG_TIMESTAMPING) {
                    checkTimestamp(i, e.data(), a.data()[0]);
                    continue;
                }
                for (int k = 0; k < e.data().length; k++) {
                    if (e.data()[k] != a.data()[k]) {
                        throw new Failure(event.line(), err + (e.kind() == CMSG_EXTENDED_ERR
                                ? "Bad " + EE_NAMES[k] + " in extended err " + i : "Bad data in cmsg " + i)
                                + ": expected=" + e.data()[k] + " actual=" + a.data()[k]);
                    }
                }
            }
            if (live.size() > n) {
                throw new Failure(event.line(), err + "received more than " + n + " cmsgs");
            }
            if (expected.size() > n) {
                throw new Failure(event.line(), err + "received only " + n + " cmsgs");
            }
        }

        /** scm_timestamping_expect_eq(): ts[0] within tolerance_usecs of the script time (0 means "any"). */
        private void checkTimestamp(int i, long[] expected, long liveNs) {
            if (expected[0] == 0 && expected[1] == 0) {
                return;
            }
            long expUs = expected[0] * 1_000_000L + expected[1] / 1000;
            long actUs = liveNs / NS_PER_US;
            if (Math.abs(expUs - actUs) > toleranceUs) {
                throw new Failure(event.line(), "runtime error in recvmsg call: Bad timestamp 0 in scm_timestamping " + i
                        + ": expected=" + expUs + " actual=" + actUs);
            }
        }

        private Call readvCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            if (!(sc.args().get(1) instanceof Expr.ListExpr l)) {
                throw new Failure(event.line(), "runtime error in readv call: expected an iovec array");
            }
            int total = (int) iovTotal(sc, l.items(), evalInt(sc.args().get(2)));
            boolean blocking = !f.nonblock;
            return () -> recvOnce(f, false, total, 0, blocking);
        }

        private int sendFlags(Ast.Syscall sc, long flags) {
            long passed = Symbols.require("MSG_OOB") | Symbols.require("MSG_MORE") | Symbols.require("MSG_EOR")
                    | Symbols.require("MSG_ZEROCOPY");
            long ok = Symbols.require("MSG_DONTWAIT") | Symbols.require("MSG_NOSIGNAL") | Symbols.require("MSG_FASTOPEN") | passed;
            long extra = flags & ~ok;
            if (extra != 0) {
                String n = Symbols.flags(extra, "MSG_");
                throw unsupported("send flag " + n, sc.name() + "() with " + n + " is not supported by jtcp's TcpSocket.send");
            }
            // jtcp's Tcp.MSG_* use Linux's values
            return (int) (flags & passed);
        }

        private Call writeCall(Ast.Syscall sc, int nargs) {
            needArgs(sc, nargs);
            SockFd f = sockFd(sc, 0);
            boolean isNull = nullBuffer(sc, 1);
            long count = evalInt(sc.args().get(2));
            long flags = nargs >= 4 ? evalInt(sc.args().get(3)) : 0;
            if (nargs == 6) {
                if (!isEllipsis(sc.args().get(4))) {
                    evalInt(sc.args().get(4));   // an address family (AF_UNSPEC)
                }
                needEllipsis(sc, 5);
            }
            int sf = sendFlags(sc, flags);
            boolean blocking = !f.nonblock && (flags & Symbols.require("MSG_DONTWAIT")) == 0;
            boolean fastOpen = (flags & Symbols.require("MSG_FASTOPEN")) != 0;
            boolean unspec = nargs == 6 && !isEllipsis(sc.args().get(4));
            if (fastOpen && unspec) {
                // tcp_sendmsg_fastopen(): an AF_UNSPEC address is refused before anything else.
                return () -> Done.of(Errno.EOPNOTSUPP.neg());
            }
            Call send = sendCall(f, isNull, null, null, count, sf, blocking, fastOpen);
            if (nargs != 6) {
                return send;
            }
            return connectingSend(f, unspec, send);
        }

        /** sendto() goes through run_syscall_connect(): a new socket becomes "connecting" (AF_UNSPEC: back to new). */
        private Call connectingSend(SockFd f, boolean unspec, Call send) {
            return new Call() {
                boolean started;

                @Override
                public Done attempt() {
                    if (!started) {
                        started = true;
                        if (unspec) {
                            f.ss.st = SockState.NEW;
                        } else if (f.ss.st == SockState.NEW) {
                            f.ss.st = SockState.ACTIVE_CONNECTING;
                            f.ss.liveRemoteAddr = remoteIp;
                            f.ss.liveRemotePort = connectPort;
                        }
                    }
                    return send.attempt();
                }
            };
        }

        private static byte[] zeros = new byte[0];

        private static synchronized byte[] zeros(int n) {
            if (zeros.length < n) {
                zeros = new byte[Math.max(n, 65536)];
            }
            return zeros;
        }

        /**
         * tcp_sendmsg() from the application's side: copy what fits; a blocking call waits for room until all
         * is sent. iov: the iovec lengths (null: one buffer of count bytes).
         */
        private Call sendCall(SockFd f, boolean isNull, byte[] data, int[] iov, long count, int sf, boolean blocking) {
            return sendCall(f, isNull, data, iov, count, sf, blocking, false);
        }

        /**
         * A send; with {@code fastOpen} (MSG_FASTOPEN), or on a socket whose connect() was deferred
         * (TCP_FASTOPEN_CONNECT), it first connects with data in the SYN; a blocking caller then waits for the
         * handshake (inet_wait_for_connect()) and writes the rest.
         */
        private Call sendCall(SockFd f, boolean isNull, byte[] data, int[] iov, long count, int sf, boolean blocking,
                boolean fastOpen) {
            return new Call() {
                long sent;
                boolean asleep;
                boolean fastOpenDone;
                boolean awaitingConnect;

                @Override
                public Done attempt() {
                    if (asleep) {
                        // sk_stream_wait_memory(): the writer sleeps until sk_stream_write_space() wakes it,
                        // which needs a third of the buffer free (or an error, or a shutdown)
                        if (!f.sock.writeReady()) {
                            return null;
                        }
                        asleep = false;
                    }
                    if (count < 0) {
                        return Done.of(Errno.EINVAL.neg());
                    }
                    if (!fastOpenDone && !isNull && (fastOpen || f.sock.connectDeferred())) {
                        fastOpenDone = true;
                        int len = (int) Math.min(count, Integer.MAX_VALUE);
                        byte[] buf = data != null ? data : zeros(len);
                        int r = f.sock.sendFastOpen(new Endpoint(remoteIp, connectPort), buf, 0, len, blocking, sf & Tcp.MSG_ZEROCOPY);
                        if (!blocking || (r < 0 && r != Errno.EINPROGRESS.neg())) {
                            return Done.of(r);
                        }
                        sent = Math.max(r, 0);
                        awaitingConnect = true;
                    }
                    if (awaitingConnect) {
                        if (!f.sock.connectDone()) {
                            return null;
                        }
                        awaitingConnect = false;
                        int cr = f.sock.connectResult();
                        if (cr < 0) {
                            return Done.of(cr);   // tcp_sendmsg(): a failed connect is the result, SYN data or not
                        }
                        if (sent >= count) {
                            return Done.of(sent);
                        }
                    }
                    if (isNull) {
                        int r = f.sock.write(new byte[0], 0, 0);
                        return Done.of(r < 0 ? r : Errno.EFAULT.neg());
                    }
                    if (count == 0) {
                        return Done.of(f.sock.write(new byte[0], 0, 0));
                    }
                    while (sent < count) {
                        int left = (int) Math.min(count - sent, Integer.MAX_VALUE);
                        byte[] buf = data != null ? data : zeros(left);
                        int off = data != null ? (int) sent : 0;
                        // one blocking call is one tcp_sendmsg(): its zerocopy range and its timestamp span the waits
                        int n = iov == null && (sf & Tcp.MSG_ZEROCOPY) == 0 && !blocking ? f.sock.send(buf, off, left, sf)
                                : f.sock.sendmsg(buf, off, iovTail(iov, sent, left), sf, blocking);
                        if (n > 0) {
                            sent += n;
                            continue;
                        }
                        if (n == Errno.EAGAIN.neg()) {
                            if (!blocking) {
                                return Done.of(sent > 0 ? sent : n);
                            }
                            asleep = true;
                            return null;
                        }
                        return Done.of(sent > 0 ? sent : n);
                    }
                    return Done.of(sent);
                }
            };
        }

        /** The iovec lengths after the first skip bytes (what a sendmsg() that goes on after a wait still has to send). */
        private static int[] iovTail(int[] iov, long skip, int left) {
            if (iov == null) {
                return new int[] {left};
            }
            int i = 0;
            while (i < iov.length && skip >= iov[i]) {
                skip -= iov[i++];
            }
            int[] rest = java.util.Arrays.copyOfRange(iov, Math.min(i, iov.length), iov.length);
            if (rest.length > 0) {
                rest[0] -= (int) skip;
            }
            return rest;
        }

        private Call sendmsgCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            if (!(sc.args().get(1) instanceof Expr.Msghdr m)) {
                throw new Failure(event.line(), "runtime error in sendmsg call: expected a msghdr");
            }
            if (!m.control().isEmpty()) {
                throw unsupported("sendmsg control messages", "sendmsg() with control messages (cmsg) is not supported by jtcp");
            }
            long total = iovTotal(sc, m.iov(), m.iovLen());
            int[] iov = new int[m.iov().size()];
            for (int i = 0; i < iov.length; i++) {
                iov[i] = (int) ((Expr.Iovec) m.iov().get(i)).len();
            }
            long flags = evalInt(sc.args().get(2));
            int sf = sendFlags(sc, flags);
            boolean blocking = !f.nonblock && (flags & Symbols.require("MSG_DONTWAIT")) == 0;
            boolean fastOpen = (flags & Symbols.require("MSG_FASTOPEN")) != 0;
            Call send = sendCall(f, false, null, iov, total, sf, blocking, fastOpen);
            // With MSG_FASTOPEN the msghdr's msg_name is where to connect, as sendto()'s address.
            return fastOpen ? connectingSend(f, false, send) : send;
        }

        private Call writevCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            SockFd f = sockFd(sc, 0);
            if (!(sc.args().get(1) instanceof Expr.ListExpr l)) {
                throw new Failure(event.line(), "runtime error in writev call: expected an iovec array");
            }
            long total = iovTotal(sc, l.items(), evalInt(sc.args().get(2)));
            return sendCall(f, false, null, null, total, 0, !f.nonblock);
        }

        private Call closeCall(Ast.Syscall sc) {
            needArgs(sc, 1);
            Fd f = fd(sc, 0);
            int n = evalS32(sc.args().get(0));
            return () -> {
                int r = f instanceof SockFd s ? s.sock.close() : 0;
                return Done.of(r, () -> {
                    fds.remove(n);
                    if (f instanceof SockFd s) {
                        s.ss.closed = true;
                    }
                    for (Fd other : fds.values()) {
                        if (other instanceof EpollFd ep) {
                            ep.items.remove(n);
                        }
                    }
                });
            };
        }

        private Call shutdownCall(Ast.Syscall sc) {
            needArgs(sc, 2);
            SockFd f = sockFd(sc, 0);
            int how = evalS32(sc.args().get(1));
            return () -> {
                int r = f.sock.shutdown(how);
                if (r == 0 || r == Errno.ENOTCONN.neg()) {
                    if (how == 0 || how == 2) {
                        f.shutRd = true;
                    }
                    if (how == 1 || how == 2) {
                        f.shutWr = true;
                    }
                }
                return Done.of(r);
            };
        }

        /** The jtcp option for a (level, optname) pair, or null. */
        private static SockOpt sockOpt(long level, long optname) {
            String lv = level == Symbols.require("SOL_SOCKET") ? "SOL_SOCKET" : level == Symbols.require("IPPROTO_TCP") ? "IPPROTO_TCP"
                    : level == Symbols.require("SOL_IP") ? "SOL_IP" : null;
            if (lv == null) {
                return null;
            }
            for (SockOpt o : SockOpt.values()) {
                if (o.level.equals(lv) && o.linuxNumber == optname) {
                    return o;
                }
            }
            return null;
        }

        private String optName(Ast.Syscall sc) {
            return sc.args().get(1) + " " + sc.args().get(2);
        }

        private Call setsockoptCall(Ast.Syscall sc) {
            needArgs(sc, 5);
            SockFd f = sockFd(sc, 0);
            long level = evalInt(sc.args().get(1));
            long optname = evalInt(sc.args().get(2));
            long optlen = evalInt(sc.args().get(4));
            SockOpt opt = sockOpt(level, optname);
            if (opt == null && sc.args().get(2).toString().equals("TCP_FASTOPEN_KEY")) {
                throw unsupported("TCP_FASTOPEN_KEY", "setsockopt(" + optName(sc) + "): jtcp has no per-listener"
                        + " Fast Open key (the host's net.ipv4.tcp_fastopen_key applies)");
            }
            if (opt == null) {
                throw unsupported("setsockopt " + sc.args().get(2), "setsockopt(" + optName(sc) + ") is not an option jtcp implements"
                        + " (dev.jtcp.tcp.SockOpt)");
            }
            Expr v = sc.args().get(3);
            int[] values;
            int need;
            if (v instanceof Expr.Linger l) {
                values = new int[] {(int) l.onoff(), (int) l.linger()};
                need = 8;
            } else if (v instanceof Expr.ListExpr) {
                values = new int[] {(int) bracketed(v, "the option value")};
                need = 4;
                long unmodelled = Symbols.require("SOF_TIMESTAMPING_OPT_CMSG") | Symbols.require("SOF_TIMESTAMPING_OPT_STATS")
                        | (1L << 13);   // SOF_TIMESTAMPING_OPT_PKTINFO
                if (opt == SockOpt.SO_TIMESTAMPING && (values[0] & unmodelled) != 0) {
                    throw unsupported("SO_TIMESTAMPING " + Symbols.flags(values[0] & unmodelled, "SOF_TIMESTAMPING_"),
                            "setsockopt(SO_TIMESTAMPING) with " + Symbols.flags(values[0] & unmodelled, "SOF_TIMESTAMPING_")
                            + ": the IP_PKTINFO and OPT_STATS control messages are not modelled");
                }
                if (opt.level.equals("SOL_IP")) {
                    // do_ip_setsockopt(): an int, or one unsigned char when optlen is shorter (little-endian:
                    // the low byte of the int packetdrill passes).
                    need = 1;
                    if (optlen < 4) {
                        values[0] &= 0xff;
                    }
                }
                if (opt == SockOpt.SO_LINGER) {
                    throw new Failure(event.line(), "runtime error in setsockopt call: SO_LINGER needs {onoff=.., linger=..}");
                }
            } else if (v instanceof Expr.Str str && opt == SockOpt.TCP_CONGESTION) {
                // tcp_setsockopt(): the name is at most optlen bytes (and TCP_CA_NAME_MAX - 1).
                String name = str.value().substring(0, (int) Math.max(0, Math.min(Math.min(optlen, 15), str.value().length())));
                return () -> Done.of(f.sock.setCongestion(name));
            } else if (v instanceof Expr.Str) {
                throw unsupported("setsockopt string value", "setsockopt(" + optName(sc) + ") with a string value is not supported");
            } else {
                throw new Failure(event.line(), "runtime error in setsockopt call: unsupported setsockopt value type: " + v);
            }
            int needed = need;
            return () -> optlen < needed ? Done.of(Errno.EINVAL.neg()) : Done.of(f.sock.setOption(opt, values));
        }

        private Call getsockoptCall(Ast.Syscall sc) {
            needArgs(sc, 5);
            SockFd f = sockFd(sc, 0);
            long level = evalInt(sc.args().get(1));
            long optname = evalInt(sc.args().get(2));
            SockOpt opt = sockOpt(level, optname);
            if (opt == null) {
                throw unsupported("getsockopt " + sc.args().get(2), "getsockopt(" + optName(sc) + ") is not an option jtcp implements"
                        + " (dev.jtcp.tcp.SockOpt)");
            }
            Expr v = sc.args().get(3);
            long scriptLen = bracketed(sc.args().get(4), "optlen");
            if (v instanceof Expr.Str str && opt == SockOpt.TCP_CONGESTION) {
                return () -> {
                    String name = f.sock.congestion();
                    return Done.of(0, () -> {
                        if (!str.value().equals(name)) {
                            throw new Failure(event.line(), "runtime error in getsockopt call: Bad getsockopt optval: expected: '"
                                    + str.value() + "' actual: '" + name + "'");
                        }
                    });
                };
            }
            if (v instanceof Expr.Str) {
                throw unsupported("getsockopt string value", "getsockopt(" + optName(sc) + ") of a string is not supported");
            }
            if (!(v instanceof Expr.ListExpr)) {
                throw new Failure(event.line(), "runtime error in getsockopt call: unsupported getsockopt value type: " + v);
            }
            if (opt == SockOpt.SO_LINGER) {
                throw unsupported("getsockopt SO_LINGER", "getsockopt(SO_LINGER) returns a struct, not supported");
            }
            return () -> {
                int val = f.sock.getOption(opt);
                return Done.of(0, () -> {
                    int liveLen = (int) Math.min(scriptLen, 4);
                    if (liveLen != scriptLen) {
                        throw new Failure(event.line(), "runtime error in getsockopt call: Bad getsockopt optlen: expected: "
                                + scriptLen + " actual: " + liveLen);
                    }
                    if (scriptLen != 4) {
                        throw new Failure(event.line(), "runtime error in getsockopt call: Unsupported getsockopt optlen: " + scriptLen);
                    }
                    long expected = bracketed(v, "optval");
                    if ((int) expected != val) {
                        throw new Failure(event.line(), "runtime error in getsockopt call: Bad getsockopt optval: expected: "
                                + (int) expected + " actual: " + val);
                    }
                });
            };
        }

        private Call fcntlCall(Ast.Syscall sc) {
            if (sc.args().size() != 2 && sc.args().size() != 3) {
                throw new Failure(event.line(), "runtime error in fcntl call: fcntl expected 2-3 args but got " + sc.args().size());
            }
            Fd f = fd(sc, 0);
            long cmd = evalInt(sc.args().get(1));
            if (cmd == Symbols.require("F_GETFL")) {
                return () -> Done.of(Symbols.require("O_RDWR") | (nonblock(f) ? O_NONBLOCK : 0));
            }
            if (cmd == Symbols.require("F_SETFL") && sc.args().size() == 3) {
                long arg = evalInt(sc.args().get(2));
                return () -> Done.of(0, () -> setNonblock(f, (arg & O_NONBLOCK) != 0));
            }
            throw unsupported("fcntl " + sc.args().get(1), "fcntl(" + sc.args().get(1) + ") is not emulated");
        }

        private static boolean nonblock(Fd f) {
            return switch (f) {
                case SockFd s -> s.nonblock;
                case EpollFd e -> e.nonblock;
                default -> false;
            };
        }

        private static void setNonblock(Fd f, boolean on) {
            if (f instanceof SockFd s) {
                s.nonblock = on;
            } else if (f instanceof EpollFd e) {
                e.nonblock = on;
            }
        }

        private Call ioctlCall(Ast.Syscall sc) {
            fd(sc, 0);
            if (sc.args().size() == 3 && evalInt(sc.args().get(1)) == Symbols.require("SIOCINQ")) {
                SockFd f = sockFd(sc, 0);
                long expected = bracketed(sc.args().get(2), "ioctl value");
                return () -> {
                    int inq = f.sock.inq();
                    if (inq < 0) {
                        return Done.of(inq);
                    }
                    return Done.of(0, () -> {
                        if (inq != expected) {
                            throw new Failure(event.line(), "runtime error in ioctl call: Bad ioctl optval: expected: "
                                    + expected + " actual: " + inq);
                        }
                    });
                };
            }
            throw unsupported("ioctl " + (sc.args().size() > 1 ? sc.args().get(1) : ""), "ioctl(" + (sc.args().size() > 1 ? sc.args().get(1) : "")
                    + ") is not emulated by the runner (SIOCINQ is)");
        }

        // ---------------------------------------------------------------------------- poll and epoll

        private long pollMask(Ast.Syscall sc, SockFd f) {
            TcpSocket s = f.sock;
            long in = Symbols.require("POLLIN") | Symbols.require("POLLRDNORM");
            long out = Symbols.require("POLLOUT") | Symbols.require("POLLWRNORM");
            if (s.isListening()) {
                return s.acceptQueueLength() > 0 ? in : 0;
            }
            TcpState st = s.state();
            if (st == TcpState.CLOSE) {
                // tcp_poll() in TCP_CLOSE: POLLHUP always; POLLIN and POLLRDHUP once reading is shut down (a
                // connection that ended: tcp_done() sets both shutdown bits), POLLOUT once writing is or while
                // the buffer has room (a socket never connected), POLLERR with sk_err or the error queue.
                int shut = s.shutdownMask();
                long m = Symbols.require("POLLHUP");
                if ((shut & Tcp.RCV_SHUTDOWN) != 0) {
                    m |= in | Symbols.require("POLLRDHUP");
                }
                if ((shut & Tcp.SEND_SHUTDOWN) != 0 || s.writeReady()) {
                    m |= out;
                }
                if (s.pollError()) {
                    m |= Symbols.require("POLLERR");
                }
                return m;
            }
            boolean rcvShut = f.shutRd || st == TcpState.CLOSE_WAIT || st == TcpState.LAST_ACK || st == TcpState.CLOSING
                    || st == TcpState.TIME_WAIT;
            boolean sndShut = f.shutWr || st == TcpState.FIN_WAIT1 || st == TcpState.FIN_WAIT2 || st == TcpState.CLOSING
                    || st == TcpState.LAST_ACK || st == TcpState.TIME_WAIT;
            long m = 0;
            if (s.pollError()) {
                m |= Symbols.require("POLLERR");   // tcp_poll(): sk_err or the error queue
            }
            if (rcvShut && sndShut) {
                m |= Symbols.require("POLLHUP");
            }
            if (rcvShut) {
                m |= in | Symbols.require("POLLRDHUP");
            }
            if (st != TcpState.SYN_SENT && st != TcpState.SYN_RECV) {
                if (s.readable()) {
                    m |= in;
                }
                if (sndShut || s.writeReady()) {   // tcp_poll(): __sk_stream_is_writeable(sk, 1)
                    m |= out;
                }
                if (s.urgentPending()) {
                    m |= Symbols.require("POLLPRI");
                }
            } else if (st == TcpState.SYN_SENT && s.connectDeferred()) {
                // tcp_poll(): a connect deferred by TCP_FASTOPEN_CONNECT is writable, so that the write
                // which sends the SYN with its data can come.
                m |= out;
            }
            return m;
        }

        private Call pollCall(Ast.Syscall sc) {
            needArgs(sc, 3);
            if (!(sc.args().get(0) instanceof Expr.ListExpr l)) {
                throw new Failure(event.line(), "runtime error in poll call: expected an array of pollfd");
            }
            List<SockFd> socks = new ArrayList<>();
            List<long[]> evs = new ArrayList<>();
            for (Expr e : l.items()) {
                if (!(e instanceof Expr.PollFd pf)) {
                    throw new Failure(event.line(), "runtime error in poll call: expected {fd=.., events=..}, got " + e);
                }
                int n = evalS32(pf.fd());
                Fd f = fds.get(n);
                if (f == null) {
                    throw new Failure(event.line(), "runtime error in poll call: unable to find fd with script fd " + n);
                }
                if (!(f instanceof SockFd s)) {
                    throw unsupported("poll on a non-socket", "poll() on a non-socket fd is not emulated");
                }
                long expRev = evalInt(pf.revents());
                socks.add(s);
                evs.add(new long[] {evalInt(pf.events()), expRev});
            }
            int nfds = evalS32(sc.args().get(1));
            if (nfds != socks.size()) {
                throw new Failure(event.line(), "runtime error in poll call: nfds " + nfds + " does not match " + socks.size()
                        + "-element pollfd array");
            }
            int timeout = evalS32(sc.args().get(2));
            long deadline = timeout < 0 ? Deadline.NONE : es.nowNs() + timeout * 1_000_000L;
            long always = Symbols.require("POLLERR") | Symbols.require("POLLHUP") | Symbols.require("POLLNVAL");
            return new Call() {
                @Override
                public Done attempt() {
                    long[] rev = new long[socks.size()];
                    int count = 0;
                    for (int i = 0; i < socks.size(); i++) {
                        rev[i] = pollMask(sc, socks.get(i)) & (evs.get(i)[0] | always);
                        if (rev[i] != 0) {
                            count++;
                        }
                    }
                    if (count == 0 && timeout != 0 && (deadline == Deadline.NONE || es.nowNs() < deadline)) {
                        return null;
                    }
                    int c = count;
                    return Done.of(c, () -> {
                        for (int i = 0; i < rev.length; i++) {
                            if (rev[i] != evs.get(i)[1]) {
                                throw new Failure(event.line(), "runtime error in poll call: Expected revents of "
                                        + Symbols.flags(evs.get(i)[1], "POLL") + " but got " + Symbols.flags(rev[i], "POLL")
                                        + " for pollfd " + i);
                            }
                        }
                    });
                }

                @Override
                public long deadlineNs() {
                    return deadline;
                }
            };
        }

        private Call epollCreateCall(Ast.Syscall sc) {
            needArgs(sc, 1);
            int size = evalS32(sc.args().get(0));
            return () -> size <= 0 ? Done.of(Errno.EINVAL.neg()) : Done.of(0, () -> addFd(sc, new EpollFd()));
        }

        private long wakesOf(SockFd s) {
            return wakes.getOrDefault(s.sock.sock(), 0L);
        }

        private Call epollCtlCall(Ast.Syscall sc) {
            needArgs(sc, 4);
            Fd ef = fd(sc, 0);
            if (!(ef instanceof EpollFd ep)) {
                throw new Failure(event.line(), "runtime error in epoll_ctl call: fd " + sc.args().get(0) + " is not an epoll fd");
            }
            long op = evalInt(sc.args().get(1));
            int target = evalS32(sc.args().get(2));
            Fd tf = fd(sc, 2);
            if (!(tf instanceof SockFd sf)) {
                throw unsupported("epoll on a non-socket", "epoll_ctl() on a non-socket fd is not emulated");
            }
            if (!(sc.args().get(3) instanceof Expr.EpollEvent ev)) {
                throw new Failure(event.line(), "runtime error in epoll_ctl call: expected {events=.., fd=..}");
            }
            long events = evalInt(ev.events());
            long data = evalInt(ev.data());
            if (ev.dataKind().equals("fd") && data != target) {
                throw new Failure(event.line(), "runtime error in epoll_ctl call: wrong fd specified in epoll_event");
            }
            if ((events & Symbols.require("EPOLLEXCLUSIVE")) != 0 && op != Symbols.require("EPOLL_CTL_ADD")) {
                return () -> Done.of(Errno.EINVAL.neg());
            }
            return () -> {
                EpItem it = ep.items.get(target);
                if (op == Symbols.require("EPOLL_CTL_ADD")) {
                    if (it != null) {
                        return Done.of(-17);   // EEXIST
                    }
                    it = new EpItem(target);
                    ep.items.put(target, it);
                } else if (op == Symbols.require("EPOLL_CTL_MOD")) {
                    if (it == null) {
                        return Done.of(-2);    // ENOENT
                    }
                } else if (op == Symbols.require("EPOLL_CTL_DEL")) {
                    if (it == null) {
                        return Done.of(-2);
                    }
                    ep.items.remove(target);
                    return Done.of(0);
                } else {
                    return Done.of(Errno.EINVAL.neg());
                }
                it.events = events;
                it.dataKind = ev.dataKind();
                it.data = data;
                it.disabled = false;
                it.seenWakes = wakesOf(sf);
                // ep_insert()/ep_modify() poll the file once: an fd already ready goes on the ready list
                it.readyAtAdd = (pollMask(sc, sf) & events) != 0;
                return Done.of(0);
            };
        }

        private Call epollWaitCall(Ast.Syscall sc) {
            needArgs(sc, 4);
            Fd ef = fd(sc, 0);
            if (!(ef instanceof EpollFd ep)) {
                throw new Failure(event.line(), "runtime error in epoll_wait call: fd " + sc.args().get(0) + " is not an epoll fd");
            }
            if (!(sc.args().get(1) instanceof Expr.EpollEvent ev)) {
                throw new Failure(event.line(), "runtime error in epoll_wait call: expected {events=.., fd=..}");
            }
            long expEvents = evalInt(ev.events());
            long expData = evalInt(ev.data());
            if (ev.dataKind().equals("fd") && !fds.containsKey((int) expData)) {
                throw new Failure(event.line(), "runtime error in epoll_wait call: unable to find fd with script fd " + expData);
            }
            int maxEvents = evalS32(sc.args().get(2));
            int timeout = evalS32(sc.args().get(3));
            long deadline = timeout < 0 ? Deadline.NONE : es.nowNs() + timeout * 1_000_000L;
            long et = Symbols.require("EPOLLET");
            long oneshot = Symbols.require("EPOLLONESHOT");
            long always = Symbols.require("EPOLLERR") | Symbols.require("EPOLLHUP");
            return new Call() {
                @Override
                public Done attempt() {
                    if (maxEvents <= 0) {
                        return Done.of(Errno.EINVAL.neg());
                    }
                    List<long[]> ready = new ArrayList<>();
                    for (EpItem it : ep.items.values()) {
                        if (it.disabled || !(fds.get(it.fd) instanceof SockFd sf)) {
                            continue;
                        }
                        long mask = pollMask(sc, sf) & (it.events | always);
                        long w = wakesOf(sf);
                        boolean edge = (it.events & et) != 0;
                        boolean onList = !edge || it.readyAtAdd || w > it.seenWakes;
                        if (edge) {
                            it.readyAtAdd = false;
                            it.seenWakes = w;
                        }
                        if (onList && mask != 0 && ready.size() < maxEvents) {
                            ready.add(new long[] {mask & ~(et | oneshot), it.dataKind.equals("fd") ? it.fd : it.data});
                            if ((it.events & oneshot) != 0) {
                                it.disabled = true;
                            }
                        }
                    }
                    if (ready.isEmpty() && timeout != 0 && (deadline == Deadline.NONE || es.nowNs() < deadline)) {
                        return null;
                    }
                    long gotEvents = ready.isEmpty() ? 0 : ready.getFirst()[0];
                    long gotData = ready.isEmpty() ? 0 : ready.getFirst()[1];
                    return Done.of(ready.size(), () -> {
                        if (gotEvents != (expEvents & 0xffffffffL)) {
                            throw new Failure(event.line(), "runtime error in epoll_wait call: epoll_event->events does not match script:"
                                    + " expected: 0x" + Long.toHexString(expEvents) + " (" + Symbols.flags(expEvents, "EPOLL") + ")"
                                    + " actual: 0x" + Long.toHexString(gotEvents) + " (" + Symbols.flags(gotEvents, "EPOLL") + ")");
                        }
                        if (gotData != expData) {
                            throw new Failure(event.line(), "runtime error in epoll_wait call: epoll_event->data does not match script:"
                                    + " expected: " + expData + " actual: " + gotData);
                        }
                    });
                }

                @Override
                public long deadlineNs() {
                    return deadline;
                }
            };
        }

        // ---------------------------------------------------------------------------- files and pipes

        private Call openCall(Ast.Syscall sc) {
            if (sc.args().size() < 2) {
                throw new Failure(event.line(), "runtime error in open call: expected 2-3 args");
            }
            if (!(sc.args().get(0) instanceof Expr.Str path)) {
                throw new Failure(event.line(), "runtime error in open call: expected a path string");
            }
            long flags = evalInt(sc.args().get(1));
            if ((flags & 3) != Symbols.require("O_RDONLY")) {
                throw unsupported("open for writing", "open() for writing is not emulated");
            }
            return () -> {
                byte[] data = files.get(path.value());
                if (data == null) {
                    return Done.of(-2);   // ENOENT
                }
                return Done.of(0, () -> addFd(sc, new FileFd(data)));
            };
        }

        private Call sendfileCall(Ast.Syscall sc) {
            needArgs(sc, 4);
            SockFd out = sockFd(sc, 0);
            Fd in = fd(sc, 1);
            if (!(in instanceof FileFd file)) {
                throw unsupported("sendfile from a non-file", "sendfile() from a non-file fd is not emulated");
            }
            long off = bracketed(sc.args().get(2), "offset");
            long count = evalInt(sc.args().get(3));
            int from = (int) Math.min(off, file.data.length);
            int n = (int) Math.min(count, file.data.length - from);
            byte[] data = java.util.Arrays.copyOfRange(file.data, from, from + n);
            return sendCall(out, false, data, null, n, 0, !out.nonblock);
        }

        private Call pipeCall(Ast.Syscall sc) {
            needArgs(sc, 1);
            if (!(sc.args().get(0) instanceof Expr.ListExpr l) || l.items().size() != 2) {
                throw new Failure(event.line(), "runtime error in pipe call: expected [rfd, wfd]");
            }
            int r = evalS32(l.items().get(0));
            int w = evalS32(l.items().get(1));
            return () -> Done.of(0, () -> {
                if (fds.containsKey(r) || fds.containsKey(w)) {
                    throw new Failure(event.line(), "runtime error in pipe call: duplicate fd in script");
                }
                Pipe p = new Pipe();
                fds.put(r, new PipeFd(p, true));
                fds.put(w, new PipeFd(p, false));
            });
        }

        /** splice(fd_in, off_in, fd_out, off_out, len, flags) between a socket and a pipe. */
        private Call spliceCall(Ast.Syscall sc) {
            needArgs(sc, 6);
            Fd in = fd(sc, 0);
            Fd out = fd(sc, 2);
            long len = evalInt(sc.args().get(4));
            long flags = evalInt(sc.args().get(5));
            boolean pipeNonblock = (flags & Symbols.require("SPLICE_F_NONBLOCK")) != 0;
            boolean offsets = !(sc.args().get(1) instanceof Expr.Word w1 && w1.name().equals("NULL"))
                    || !(sc.args().get(3) instanceof Expr.Word w3 && w3.name().equals("NULL"));
            if (offsets) {
                return () -> Done.of(-29);   // ESPIPE: neither a socket nor a pipe can seek
            }
            if (in instanceof SockFd s && out instanceof PipeFd p && !p.readEnd()) {
                return () -> spliceFromSocket(s, p.pipe(), len, pipeNonblock);
            }
            if (in instanceof PipeFd p && p.readEnd() && out instanceof SockFd s) {
                return spliceToSocket(p.pipe(), s, len, flags, pipeNonblock);
            }
            throw unsupported("splice between " + in.getClass().getSimpleName() + " and " + out.getClass().getSimpleName(),
                    "splice() is emulated between a TCP socket and a pipe only");
        }

        /** splice_file_to_pipe(): wait for a free pipe buffer, then tcp_splice_read() at most what the free buffers hold. */
        private Done spliceFromSocket(SockFd s, Pipe pipe, long len, boolean pipeNonblock) {
            if (len <= 0) {
                return Done.of(0);
            }
            if (pipe.freeBuffers() == 0) {
                return pipeNonblock ? Done.of(Errno.EAGAIN.neg()) : null;   // wait_for_space()
            }
            int n = (int) Math.min(len, (long) pipe.freeBuffers() * Pipe.PAGE);
            byte[] buf = new byte[n];
            int r = s.sock.spliceRead(buf, 0, n, s.nonblock);
            if (r == Errno.EAGAIN.neg() && !s.nonblock) {
                return null;   // sk_wait_data()
            }
            if (r > 0) {
                pipe.add(buf, r);
            }
            return Done.of(r);
        }

        /**
         * splice_to_socket(): the pipe's buffers (up to 16 at a time, at most len bytes) go to sendmsg() as pages
         * (MSG_SPLICE_PAGES), with MSG_MORE while more is to come; a blocking call waits for data and for room.
         */
        private Call spliceToSocket(Pipe pipe, SockFd s, long len, long flags, boolean pipeNonblock) {
            boolean moreFlag = (flags & Symbols.require("SPLICE_F_MORE")) != 0;
            return new Call() {
                long spliced;

                @Override
                public Done attempt() {
                    while (spliced < len) {
                        if (pipe.bufs.isEmpty()) {
                            if (spliced > 0) {
                                break;
                            }
                            return pipeNonblock ? Done.of(Errno.EAGAIN.neg()) : null;
                        }
                        long remain = len - spliced;
                        List<Integer> lens = new ArrayList<>();
                        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
                        int taken = 0;
                        for (byte[] b : pipe.bufs) {
                            int seg = (int) Math.min(remain, b.length);
                            lens.add(seg);
                            data.write(b, 0, seg);
                            remain -= seg;
                            if (remain == 0 || ++taken == Pipe.BUFFERS) {
                                break;
                            }
                        }
                        int msgFlags = Tcp.MSG_SPLICE_PAGES;
                        if (moreFlag || (remain > 0 && pipe.bufs.size() > lens.size())) {
                            msgFlags |= Tcp.MSG_MORE;
                        }
                        int[] iov = lens.stream().mapToInt(Integer::intValue).toArray();
                        byte[] bytes = data.toByteArray();
                        int r = s.sock.sendmsg(bytes, 0, iov, msgFlags, false);
                        if (r == Errno.EAGAIN.neg() && !s.nonblock) {
                            return null;   // sk_stream_wait_memory(): a blocking sendmsg() sends it all
                        }
                        if (r <= 0) {
                            return Done.of(spliced > 0 ? spliced : r);
                        }
                        pipe.consume(r);
                        spliced += r;
                    }
                    return Done.of(spliced);
                }
            };
        }

        // ---------------------------------------------------------------------------- code snippets

        private record CodeRun(String text, int line, Map<String, Long> snapshot) {
        }

        private void codeEvent(Ast.Code c) {
            waitForEvent();
            if (sut == null) {
                throw new Failure(event.line(), "runtime error in code: no socket to use for code");
            }
            if (sut.sock == null || sut.closed) {
                throw new Failure(event.line(), "runtime error in code: can't find getsockopt to get TCP info"
                        + (sut.sock == null ? " (the socket under test has not been accepted)" : " (its fd is closed)"));
            }
            codes.add(new CodeRun(c.text(), c.line(), snapshot(sut.sock.info())));
            log("code snapshot for line " + c.line());
        }

        private void runSnippets() {
            if (codes.isEmpty()) {
                return;
            }
            Snippets sn = new Snippets(LINUX_ONLY);
            for (CodeRun cr : codes) {
                try {
                    sn.run(cr.text(), cr.snapshot(), cr.line());
                } catch (Snippets.SnippetFailure f) {
                    String m = f.getMessage();
                    if (m.startsWith("line " + f.line() + ": ")) {
                        m = m.substring(("line " + f.line() + ": ").length());
                    }
                    // packetdrill names the snippet's own line (where %{ opens), the failing statement's after it
                    throw new Failure(cr.line(), "error in Python code: " + m + (f.line() != cr.line() ? " (snippet line "
                            + f.line() + ")" : ""), sn.output().strip());
                }
            }
            if (opts.verbose() && !sn.output().isEmpty()) {
                log.append(sn.output());
            }
        }

        /** tcp_info fields and other names Linux's snapshot has that jtcp's TcpInfo lacks. */
        static final Set<String> LINUX_ONLY = Set.of(
                "tcpi_delivery_rate_app_limited", "tcpi_last_data_sent", "tcpi_last_data_recv", "tcpi_last_ack_recv",
                "tcpi_pacing_rate", "tcpi_max_pacing_rate", "tcpi_rcv_rtt", "tcpi_rcv_space", "tcpi_delivery_rate",
                "tcpi_busy_time", "tcpi_rwnd_limited", "tcpi_sndbuf_limited", "tcpi_dsack_dups",
                "tcpi_rcv_ooopack", "tcpi_rehash", "tcpi_total_rto", "tcpi_total_rto_recoveries",
                "tcpi_total_rto_time", "tcpi_received_ce", "tcpi_delivered_e1_bytes", "tcpi_delivered_e0_bytes",
                "tcpi_delivered_ce_bytes", "tcpi_received_e1_bytes", "tcpi_received_e0_bytes", "tcpi_received_ce_bytes",
                "tcpi_accecn_fail_mode", "tcpi_accecn_opt_seen", "tcpi_fastopen_client_fail",
                "SK_MEMINFO_RMEM_ALLOC", "SK_MEMINFO_RCVBUF", "SK_MEMINFO_WMEM_ALLOC", "SK_MEMINFO_SNDBUF",
                "SK_MEMINFO_FWD_ALLOC", "SK_MEMINFO_WMEM_QUEUED", "SK_MEMINFO_OPTMEM", "SK_MEMINFO_BACKLOG", "SK_MEMINFO_DROPS",
                "bbr_bw_lo", "bbr_bw_hi", "bbr_bw", "bbr_min_rtt", "bbr_pacing_gain", "bbr_cwnd_gain", "dctcp_enabled",
                "dctcp_ce_state", "dctcp_alpha", "dctcp_ab_ecn", "dctcp_ab_tot", "tcpv_enabled", "tcpv_rttcnt", "tcp_rtt",
                "tcp_minrtt");

        /** The names packetdrill's Python file defines before a snippet: symbols, then the tcp_info values. */
        static Map<String, Long> snapshot(TcpInfo i) {
            Map<String, Long> m = new TreeMap<>();
            for (TcpState s : TcpState.values()) {
                m.put("TCP_" + s.name(), (long) s.linuxNumber);
            }
            m.put("TCP_CA_Open", 0L);
            m.put("TCP_CA_Disorder", 1L);
            m.put("TCP_CA_CWR", 2L);
            m.put("TCP_CA_Recovery", 3L);
            m.put("TCP_CA_Loss", 4L);
            m.put("TCPI_OPT_TIMESTAMPS", 1L);
            m.put("TCPI_OPT_SACK", 2L);
            m.put("TCPI_OPT_WSCALE", 4L);
            m.put("TCPI_OPT_ECN", 8L);
            m.put("TCPI_OPT_ECN_SEEN", 16L);
            m.put("TCPI_OPT_SYN_DATA", 32L);
            m.put("TCPI_OPT_USEC_TS", 64L);
            m.put("TCPI_OPT_TFO_CHILD", 128L);
            m.put("tcpi_state", (long) TcpState.valueOf(i.state()).linuxNumber);
            m.put("tcpi_ca_state", (long) i.caState());
            m.put("tcpi_retransmits", (long) i.retransmits());
            m.put("tcpi_probes", (long) i.probes());
            m.put("tcpi_backoff", (long) i.backoff());
            m.put("tcpi_options", (i.optTimestamps() ? 1L : 0) | (i.optSack() ? 2L : 0) | (i.optWscale() ? 4L : 0)
                    | (i.optEcn() ? 8L : 0) | (i.optEcnSeen() ? 16L : 0) | (i.optSynData() ? 32L : 0)
                    | (i.optTfoChild() ? 128L : 0));
            m.put("tcpi_snd_wscale", i.optWscale() ? (long) i.sndWscale() : 0L);
            m.put("tcpi_rcv_wscale", i.optWscale() ? (long) i.rcvWscale() : 0L);
            m.put("tcpi_rto", i.rtoUs());
            m.put("tcpi_ato", i.atoUs());
            m.put("tcpi_snd_mss", (long) i.sndMss());
            m.put("tcpi_rcv_mss", (long) i.rcvMss());
            m.put("tcpi_unacked", (long) i.unacked());
            m.put("tcpi_sacked", (long) i.sacked());
            m.put("tcpi_lost", (long) i.lost());
            m.put("tcpi_retrans", (long) i.retrans());
            m.put("tcpi_fackets", 0L);                 // always 0 since Linux 4.15
            m.put("tcpi_last_ack_sent", 0L);           // never filled in by Linux ("not remembered, sorry")
            m.put("tcpi_pmtu", (long) i.pmtu());
            m.put("tcpi_rcv_ssthresh", (long) i.rcvSsthresh());
            m.put("tcpi_rtt", i.rttUs());
            m.put("tcpi_rttvar", i.rttvarUs());
            m.put("tcpi_snd_ssthresh", Integer.toUnsignedLong(i.sndSsthresh()));
            m.put("tcpi_snd_cwnd", (long) i.sndCwnd());
            m.put("tcpi_advmss", (long) i.advmss());
            m.put("tcpi_reordering", (long) i.reordering());
            m.put("tcpi_reord_seen", (long) i.reordSeen());
            m.put("tcpi_total_retrans", (long) i.totalRetrans());
            m.put("tcpi_bytes_acked", i.bytesAcked());
            m.put("tcpi_bytes_received", i.bytesReceived());
            m.put("tcpi_bytes_sent", i.bytesSent());
            m.put("tcpi_bytes_retrans", i.bytesRetrans());
            m.put("tcpi_segs_out", (long) i.segsOut());
            m.put("tcpi_segs_in", (long) i.segsIn());
            m.put("tcpi_data_segs_out", (long) i.dataSegsOut());
            m.put("tcpi_data_segs_in", (long) i.dataSegsIn());
            m.put("tcpi_notsent_bytes", (long) i.notsentBytes());
            m.put("tcpi_min_rtt", i.minRttUs());
            m.put("tcpi_delivered", i.delivered());
            m.put("tcpi_delivered_ce", i.deliveredCe());
            m.put("tcpi_snd_wnd", (long) i.sndWnd());
            m.put("tcpi_rcv_wnd", (long) i.rcvWnd());
            m.put("tcpi_last_data_sent", i.lastDataSentMs());
            m.put("tcpi_last_data_recv", i.lastDataRecvMs());
            m.put("tcpi_last_ack_recv", i.lastAckRecvMs());
            m.put("tcpi_busy_time", i.busyTimeUs());
            m.put("tcpi_rwnd_limited", i.rwndLimitedUs());
            m.put("tcpi_sndbuf_limited", i.sndbufLimitedUs());
            return m;
        }

        // ---------------------------------------------------------------------------- Shell.Env

        @Override
        public Path scriptDir() {
            return dir;
        }

        @Override
        public Sysctls sysctls() {
            return sysctls;
        }

        @Override
        public Map<String, byte[]> files() {
            return files;
        }

        @Override
        public String procNetTcp() {
            StringBuilder sb = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
            int n = 0;
            List<Sock> all = new ArrayList<>(es.stack().tcp().sockets());
            all.addAll(es.stack().tcp().miniSockets());
            for (Sock s : all) {
                if (s.state() == TcpState.CLOSE) {
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "%4d: %s %s %02X 00000000:00000000 00:00000000 00000000     0        0 0%n",
                        n++, hexEndpoint(s.localAddr(), s.localPort()), hexEndpoint(s.remoteAddr(), s.remotePort()),
                        s.state().linuxNumber));
            }
            return sb.toString();
        }

        /** /proc/net/tcp's address:port, the address as a little-endian word in hex. */
        private static String hexEndpoint(int addr, int port) {
            return String.format(Locale.ROOT, "%08X:%04X", Integer.reverseBytes(addr), port);
        }

        @Override
        public void qdisc(int limit) {
            es.stack().setQdiscLimit(limit);
        }

        @Override
        public void route(String cidr, int mtu, boolean mtuLock, int advmss, int initcwnd) {
            es.stack().changeRoute(cidr, mtu, mtuLock, advmss, initcwnd);
        }

        @Override
        public void flushTcpMetrics() {
            es.stack().tcp().flushMetrics();
        }

        @Override
        public Map<String, Long> counters() {
            Map<String, Long> m = new LinkedHashMap<>();
            for (Mib mib : Mib.values()) {
                m.put(mib.name(), es.stack().mib().get(mib));
            }
            return m;
        }
    }
}
