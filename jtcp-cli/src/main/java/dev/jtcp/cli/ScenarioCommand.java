package dev.jtcp.cli;

import dev.jtcp.report.LadderRenderer;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sim.scenario.Scenario;
import dev.jtcp.sim.scenario.ScenarioParams;
import dev.jtcp.sim.scenario.Scenarios;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.time.Nanos;
import dev.jtcp.trace.Jsonl;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Ipv4Addr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** jtcp scenario: run a built-in scenario in the simulator and print its trace. */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = "Run a built-in scenario in the deterministic simulator and print its trace.")
final class ScenarioCommand implements Callable<Integer> {
    enum Format { text, jsonl }

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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the trace to FILE instead of standard output.")
    Path out;

    @Option(names = "--hz", paramLabel = "HZ", defaultValue = "250",
            description = "Kernel tick rate of the TCP timers, CONFIG_HZ (default: ${DEFAULT-VALUE}; 100..1000).")
    int hz;

    @Option(names = "--no-timer-wheel", description = "Fire timers at their nominal instant instead of on Linux's timer wheel.")
    boolean noTimerWheel;

    @Option(names = "--nstat", description = "After the trace, print each host's non-zero counters (Linux nstat names).")
    boolean nstat;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

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
        Scenario.Run run = sc.build(params);
        String rendered;
        try (Simulation sim = run.sim()) {
            run.run();
            List<TraceEvent> events = sim.trace().events();
            rendered = switch (format) {
                case jsonl -> {
                    StringBuilder sb = new StringBuilder();
                    Jsonl.write(events, sb);
                    yield sb.toString();
                }
                case text -> header(sc, params, sim) + LadderRenderer.standard(out == null && System.console() != null)
                        .render(events, sim.hostNames(), addresses(sim)) + footer(sim);
            };
            if (nstat) {
                rendered += format == Format.jsonl ? nstatJsonl(sim) : nstatText(sim);
            }
        }
        if (out != null) {
            writeAtomically(out, rendered);
        } else {
            stdout.print(rendered);
            stdout.flush();
        }
        return 0;
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

    private static Map<String, String> addresses(Simulation sim) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String h : sim.hostNames()) {
            m.put(h, Ipv4Addr.format(sim.stack(h).address()));
        }
        return m;
    }

    private String header(Scenario sc, ScenarioParams p, Simulation sim) {
        double rtt = p.rttOr(ScenarioParams.DEFAULT_RTT_MS);
        return "jtcp scenario " + sc.name() + ": " + sc.description() + "\n"
                + "seed " + p.seed() + ", rtt " + (rtt == Math.rint(rtt) ? Long.toString((long) rtt) : Double.toString(rtt)) + " ms, HZ "
                + p.hz() + (p.timerWheel() ? " (timer wheel)" : " (exact timers)")
                + (p.settings().isEmpty() ? "" : ", " + String.join(" ", p.settings())) + "\n\n";
    }

    private static String footer(Simulation sim) {
        return "\nend of run at " + Nanos.toSecondsString(sim.nowNs()) + " s\n";
    }

    private static String nstatText(Simulation sim) {
        StringBuilder sb = new StringBuilder("\n");
        for (String h : sim.hostNames()) {
            sb.append("#nstat ").append(h).append('\n');
            sim.stack(h).mib().nonZero().forEach((k, v) -> sb.append(String.format("%-32s %d%n", k, v)));
        }
        return sb.toString();
    }

    /** The counters as JSON Lines, one object per host, so that --format jsonl stays pure JSONL. */
    private static String nstatJsonl(Simulation sim) {
        StringBuilder sb = new StringBuilder();
        for (String h : sim.hostNames()) {
            sb.append("{\"t\":").append(Nanos.toSecondsString(sim.nowNs())).append(",\"host\":");
            Jsonl.quote(sb, h);
            sb.append(",\"type\":\"nstat\",\"counters\":{");
            boolean first = true;
            for (Map.Entry<String, Long> e : sim.stack(h).mib().nonZero().entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                Jsonl.quote(sb, e.getKey());
                sb.append(':').append(e.getValue());
            }
            sb.append("},\"why\":\"counters at the end of the run (nstat names)\"}\n");
        }
        return sb.toString();
    }

    /** Writes to a temporary file beside the target, then renames: nothing half-written is left behind. */
    static void writeAtomically(Path target, String content) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new Main.UsageError("--out: cannot write " + target + ": directory " + dir + " does not exist", null);
        }
        if (Files.isDirectory(target)) {
            throw new Main.UsageError("--out: cannot write " + target + ": it is a directory", null);
        }
        if (!Files.isWritable(dir)) {
            throw new Main.UsageError("--out: cannot write " + target + ": directory " + dir + " is not writable", null);
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            throw new Main.UsageError("--out: cannot write " + target + ": " + e.getMessage(), null);
        }
    }
}
