package dev.jtcp.cli;

import dev.jtcp.report.TraceView;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sim.scenario.Scenario;
import dev.jtcp.sim.scenario.ScenarioParams;
import dev.jtcp.sim.scenario.Scenarios;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.time.Nanos;
import dev.jtcp.wire.Ipv4Addr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** jtcp scenario: run a built-in scenario in the simulator and print its trace in one of the {@link Format}s. */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = "Run a built-in scenario in the deterministic simulator and print its trace.")
final class ScenarioCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The scenario (see --list).")
    String name;

    @Option(names = "--list", description = "List the scenarios, one per line: name and what it shows.")
    boolean list;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A Linux setting for both hosts, e.g. net.ipv4.tcp_syn_retries=5 (repeatable).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Randomness seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rtt", paramLabel = "MS",
            description = "Round-trip time of the link in milliseconds, fractions allowed (0.05 = 50 us). Default: 50.")
    Double rttMs;

    @Mixin
    RenderOptions render;

    @Option(names = "--hz", paramLabel = "HZ", defaultValue = "250",
            description = "Kernel tick rate of the TCP timers, CONFIG_HZ (default: ${DEFAULT-VALUE}; 100..1000).")
    int hz;

    @Option(names = "--no-timer-wheel", description = "Fire timers at their nominal instant instead of on Linux's timer wheel.")
    boolean noTimerWheel;

    @Option(names = "--nstat", description = "After the trace, print each host's non-zero counters (Linux nstat names; "
            + "text and jsonl; the html report always has them).")
    boolean nstat;

    @Option(names = "--ss", description = "Print each host's socket table as ss -tano does (State, Recv-Q, Send-Q, "
            + "addresses, timer) at the scenario's interesting moments and at the end (text and jsonl).")
    boolean ss;

    @Option(names = "--ss-info", description = "With the socket tables, each connection's TCP_INFO line as ss -tanoi "
            + "prints it (congestion control, rto, rtt, cwnd, ssthresh, bytes, segments, windows, ...); implies --ss.")
    boolean ssInfo;

    @Option(names = "--ss-at", paramLabel = "SECONDS", split = ",",
            description = "With or without --ss: the virtual times (seconds, comma-separated) of the socket tables, "
                    + "instead of the scenario's moments; the end is always included.")
    List<String> ssAt = new ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (list) {
            stdout.print(catalogue());
            stdout.flush();
            return 0;
        }
        if (name == null) {
            throw new Main.UsageError("missing scenario NAME; the scenarios are:", catalogue());
        }
        Scenario sc = Scenarios.get(name);
        if (sc == null) {
            throw new Main.UsageError("unknown scenario '" + name + "'; the scenarios are:", catalogue());
        }
        render.check(main);
        if (hz < 100 || hz > 1000) {
            throw new Main.UsageError("--hz: " + hz + " is out of range; accepted: 100..1000", null);
        }
        if (rttMs != null && !(rttMs >= 0 && rttMs <= 3_600_000)) {
            throw new Main.UsageError("--rtt: " + rttMs + " is out of range; accepted: 0..3600000 milliseconds", null);
        }
        ScenarioParams params;
        try {
            for (String s : settings) {
                if (s.indexOf('=') <= 0) {
                    throw new IllegalArgumentException("expected KEY=VALUE (e.g. net.ipv4.tcp_syn_retries=5), got '" + s + "'");
                }
                new Sysctl().apply(s);
            }
            params = new ScenarioParams(seed, rttMs == null ? Double.NaN : rttMs, settings, hz, !noTimerWheel);
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError("--set " + e.getMessage(), null);
        }
        List<java.time.Duration> moments = new ArrayList<>();
        for (String t : ssAt) {
            try {
                double sec = Double.parseDouble(t.strip());
                if (!(sec >= 0 && sec <= 1e7)) {
                    throw new NumberFormatException();
                }
                moments.add(java.time.Duration.ofNanos(Math.round(sec * 1e9)));
            } catch (NumberFormatException e) {
                throw new Main.UsageError("--ss-at: '" + t + "' is not a time; expected seconds of virtual time, e.g. 0.5,2", null);
            }
        }
        boolean tables = ss || ssInfo || !moments.isEmpty();
        if (tables && render.format != Format.text && render.format != Format.jsonl) {
            throw new Main.UsageError("--ss works with --format text or jsonl, not " + render.format, null);
        }
        Scenario.Run run = sc.build(params);
        byte[] rendered;
        try (Simulation sim = run.sim()) {
            List<Snapshot> snapshots = new ArrayList<>();
            if (tables) {
                for (java.time.Duration d : moments.isEmpty() ? run.moments() : moments) {
                    sim.observe(d, () -> snapshots.add(Snapshot.of(sim, d.toNanos())));
                }
            }
            Progress progress = Progress.start(spec.commandLine().getErr(), main != null && main.onTerminal(false),
                    () -> "running " + sc.name() + ": virtual time " + Nanos.toSecondsString(sim.nowNs()) + " s, "
                            + sim.trace().events().size() + " events");
            try {
                run.run();
            } finally {
                progress.close();
            }
            if (tables) {
                snapshots.add(Snapshot.of(sim, sim.nowNs()));
            }
            TraceView view = view(sc, params, sim);
            String footer = footer(sim);
            if (tables && render.format == Format.text) {
                StringBuilder sb = new StringBuilder(footer);
                for (Snapshot s : snapshots) {
                    sb.append(s.text(ssInfo));
                }
                footer = sb.toString();
            }
            rendered = render.render(view, main, nstat, header(sc, params), footer);
            if (tables && render.format == Format.jsonl) {
                StringBuilder sb = new StringBuilder(new String(rendered, java.nio.charset.StandardCharsets.UTF_8));
                for (Snapshot s : snapshots) {
                    sb.append(s.jsonl(ssInfo));
                }
                rendered = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        render.emit(rendered, stdout, main);
        return 0;
    }

    /** Every host's socket table at one instant (requested at tNs; the clock may have stopped earlier). */
    record Snapshot(long tNs, long simNs, Map<String, List<dev.jtcp.tcp.SocketEntry>> tables) {
        static Snapshot of(Simulation sim, long tNs) {
            Map<String, List<dev.jtcp.tcp.SocketEntry>> m = new LinkedHashMap<>();
            for (String h : sim.hostNames()) {
                m.put(h, sim.stack(h).ss());
            }
            return new Snapshot(tNs, sim.nowNs(), m);
        }

        String when() {
            return Nanos.toSecondsString(tNs) + " s" + (simNs < tNs ? " (the run was over at "
                    + Nanos.toSecondsString(simNs) + " s)" : "");
        }

        String text(boolean info) {
            StringBuilder sb = new StringBuilder();
            tables.forEach((h, l) -> {
                sb.append("\n#ss ").append(h).append(" at ").append(when()).append('\n');
                sb.append(info ? dev.jtcp.stack.Ss.formatWithInfo(l) : dev.jtcp.stack.Ss.format(l, true));
            });
            return sb.toString();
        }

        String jsonl(boolean info) {
            StringBuilder sb = new StringBuilder();
            tables.forEach((h, l) -> {
                for (dev.jtcp.tcp.SocketEntry e : l) {
                    sb.append("{\"t\":").append(Nanos.toSecondsString(tNs)).append(",\"host\":");
                    dev.jtcp.trace.Jsonl.quote(sb, h);
                    sb.append(",\"type\":\"ss\",\"state\":");
                    dev.jtcp.trace.Jsonl.quote(sb, e.state());
                    sb.append(",\"recv_q\":").append(e.recvQ()).append(",\"send_q\":").append(e.sendQ()).append(",\"local\":");
                    dev.jtcp.trace.Jsonl.quote(sb, dev.jtcp.stack.Ss.address(e.local()));
                    sb.append(",\"peer\":");
                    dev.jtcp.trace.Jsonl.quote(sb, dev.jtcp.stack.Ss.address(e.peer()));
                    sb.append(",\"timer\":");
                    dev.jtcp.trace.Jsonl.quote(sb, e.timer().isEmpty() ? "" : dev.jtcp.stack.Ss.timer(e));
                    if (info && e.info() != null) {
                        sb.append(",\"info\":");
                        dev.jtcp.trace.Jsonl.quote(sb, dev.jtcp.stack.Ss.info(e.info()));
                    }
                    sb.append(",\"why\":\"socket table (ss -tano").append(info ? "i" : "").append(")\"}\n");
                }
            });
            return sb.toString();
        }
    }

    /** The trace with all the run knows: names, addresses, counters and the settings in force. */
    static TraceView view(Scenario sc, ScenarioParams p, Simulation sim) {
        return TraceView.of(sim.trace().events())
                .withTitle("jtcp scenario " + sc.name(), sc.description())
                .withHosts(sim.hostNames(), addresses(sim))
                .withCounters(counters(sim))
                .withSettings(settings(p, sim))
                .withEnd(sim.nowNs());
    }

    /** The run's parameters, then every sysctl with each host's value and Linux's default. */
    private static List<TraceView.Setting> settings(ScenarioParams p, Simulation sim) {
        List<TraceView.Setting> l = new ArrayList<>();
        double rtt = p.rttOr(ScenarioParams.DEFAULT_RTT_MS);
        l.add(new TraceView.Setting("seed", Long.toString(p.seed()), null));
        l.add(new TraceView.Setting("rtt", Numbers.plain(rtt) + " ms"
                + (Double.isNaN(p.rttMs()) ? " (the scenario's)" : ""), null));
        l.add(new TraceView.Setting("HZ", Integer.toString(p.hz()), "250"));
        l.add(new TraceView.Setting("timers", p.timerWheel() ? "timer wheel" : "exact", "timer wheel"));
        Sysctl defaults = new Sysctl();
        for (SysctlKey k : SysctlKey.values()) {
            Map<String, String> perHost = new LinkedHashMap<>();
            for (String h : sim.hostNames()) {
                perHost.put(h, sim.stack(h).sysctl().text(k));
            }
            String value;
            if (perHost.values().stream().distinct().count() <= 1) {
                value = perHost.isEmpty() ? defaults.text(k) : perHost.values().iterator().next();
            } else {
                StringBuilder sb = new StringBuilder();
                perHost.forEach((h, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(h).append(' ').append(v));
                value = sb.toString();
            }
            l.add(new TraceView.Setting(k.linuxName, value, defaults.text(k)));
        }
        return l;
    }

    static String catalogue() {
        StringBuilder sb = new StringBuilder();
        int w = 0;
        for (String n : Scenarios.names()) {
            w = Math.max(w, n.length());
        }
        for (Scenario s : Scenarios.all()) {
            sb.append(String.format("%-" + w + "s  %s%n", s.name(), s.description()));
        }
        return sb.toString();
    }

    /** Each host's non-zero counters, by host. */
    static Map<String, Map<String, Long>> counters(Simulation sim) {
        Map<String, Map<String, Long>> m = new LinkedHashMap<>();
        for (String h : sim.hostNames()) {
            m.put(h, sim.stack(h).mib().nonZero());
        }
        return m;
    }

    static Map<String, String> addresses(Simulation sim) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String h : sim.hostNames()) {
            m.put(h, Ipv4Addr.format(sim.stack(h).address()));
        }
        return m;
    }

    private static String header(Scenario sc, ScenarioParams p) {
        double rtt = p.rttOr(ScenarioParams.DEFAULT_RTT_MS);
        return "jtcp scenario " + sc.name() + ": " + sc.description() + "\n"
                + "seed " + p.seed() + ", rtt " + Numbers.plain(rtt) + " ms, HZ "
                + p.hz() + (p.timerWheel() ? " (timer wheel)" : " (exact timers)")
                + (p.settings().isEmpty() ? "" : ", " + String.join(" ", p.settings())) + "\n\n";
    }

    private static String footer(Simulation sim) {
        return "\nend of run at " + Nanos.toSecondsString(sim.nowNs()) + " s\n";
    }
}
