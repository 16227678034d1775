package dev.jtcp.cli;

import dev.jtcp.report.TraceView;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sim.soak.Soak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * jtcp bench soak: integrity under faults. Many seeded transfers (random sizes, chunking, shapes) through
 * links with random loss, reordering, duplication and corruption; each must deliver every byte exactly
 * once and in order, close cleanly and leave nothing behind. A failing seed is printed with the command
 * that replays it with its trace.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Seeded transfers through random loss (up to --loss), reordering, duplication and corruption;"
                + " checks every byte arrives once and in order, both ends close cleanly and nothing outlives TIME_WAIT.")
final class SoakBench implements Callable<Integer> {
    @Option(names = "--seeds", paramLabel = "N", defaultValue = "1000",
            description = "How many seeds to run (default: ${DEFAULT-VALUE}).")
    long seeds;

    @Option(names = "--seed-start", paramLabel = "S", defaultValue = "1",
            description = "The first seed (default: ${DEFAULT-VALUE}).")
    long seedStart;

    @Option(names = "--loss", paramLabel = "P", defaultValue = "20%",
            description = "The highest random loss of a direction, as a probability (0.2) or a percentage (20%%)"
                    + " (default: ${DEFAULT-VALUE}); each seed draws its own below it.")
    String loss;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Seeds run at once, each in its own simulation (default: the number of processors).")
    Integer jobs;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "With --seeds 1: write that run's trace to FILE as JSON Lines (read it as a ladder with"
                    + " 'jtcp report FILE').")
    Path trace;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Reads --loss: a probability in [0, 1] or a percentage with its sign. */
    static double parseLoss(String text) {
        String t = text.strip();
        boolean percent = t.endsWith("%");
        double v;
        try {
            v = Double.parseDouble(percent ? t.substring(0, t.length() - 1).strip() : t);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (percent) {
            v /= 100;
        }
        if (!(v >= 0 && v <= 1)) {
            throw new Main.UsageError("--loss: '" + text + "' is not a loss rate; accepted: a probability 0..1 (e.g. 0.2)"
                    + " or a percentage 0..100% (e.g. 20%)", null);
        }
        return v;
    }

    @Override
    public Integer call() {
        if (seeds < 1 || seeds > 10_000_000) {
            throw new Main.UsageError("--seeds: " + seeds + " is out of range; accepted: 1..10000000", null);
        }
        if (seedStart < 0 || seedStart > Long.MAX_VALUE - seeds) {
            throw new Main.UsageError("--seed-start: " + seedStart + " is out of range; accepted: 0.." + (Long.MAX_VALUE - seeds), null);
        }
        double maxLoss = parseLoss(loss);
        int threads = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
        if (threads < 1 || threads > 256) {
            throw new Main.UsageError("--jobs: " + threads + " is out of range; accepted: 1..256", null);
        }
        if (trace != null && seeds != 1) {
            throw new Main.UsageError("--trace: a trace is written for one seed; use it with --seeds 1 --seed-start S", null);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (trace != null) {
            return replay(out, maxLoss);
        }
        out.printf("soak: seeds %d..%d, loss up to %s per direction, reordering, duplication, corruption; %d job%s%n",
                seedStart, seedStart + seeds - 1, percent(maxLoss), threads, threads == 1 ? "" : "s");
        out.flush();
        int every = (int) Math.max(1, Math.min(1000, seeds / 10));
        int[] done = {0};
        int[] tally = new int[Soak.Outcome.values().length];
        long t0 = System.nanoTime();
        Soak.Summary sum = Soak.runSeeds(seedStart, (int) seeds, maxLoss, threads, r -> {
            done[0]++;
            tally[r.outcome().ordinal()]++;
            if (r.outcome() != Soak.Outcome.INTACT) {
                out.println("FAIL " + r.line());
                out.println("  plan: " + r.plan());
                out.println("  replay: " + Soak.replayCommand(r.seed(), maxLoss));
            }
            if (done[0] % every == 0 || done[0] == seeds) {
                double wall = (System.nanoTime() - t0) / 1e9;
                out.printf("%d/%d seeds: intact %d, corrupted %d, stuck %d, leaked %d (%.1f seeds/s)%n", done[0], seeds,
                        tally[0], tally[1], tally[2], tally[3], done[0] / Math.max(1e-9, wall));
            }
            out.flush();
        });
        out.printf("wall time %.2f s, %.1f seeds/s%n", sum.wallNs() / 1e9, sum.seedsPerSecond());
        out.println(sum.resultLine());
        out.flush();
        return sum.failures().isEmpty() ? 0 : 1;
    }

    private static String percent(double p) {
        double v = p * 100;
        return Numbers.plain(v) + "%";
    }

    /** One seed with its trace: the outcome, then the trace to --trace. */
    private int replay(PrintWriter out, double maxLoss) {
        Soak.Plan plan = Soak.Plan.of(seedStart, maxLoss);
        out.println("soak seed " + seedStart + ": " + plan);
        out.flush();
        Soak.Result r;
        byte[] rendered;
        try (Simulation sim = Soak.simulation(plan, true)) {
            r = Soak.run(plan, sim);
            TraceView view = TraceView.of(sim.trace().events())
                    .withTitle("jtcp bench soak seed " + seedStart, plan.toString())
                    .withHosts(sim.hostNames(), ScenarioCommand.addresses(sim))
                    .withCounters(ScenarioCommand.counters(sim))
                    .withEnd(sim.nowNs());
            rendered = Output.render(Format.jsonl, view, new Output.Options(false, false, false, "", "", 0));
        }
        Output.writeAtomically(trace, rendered);
        out.println((r.outcome() == Soak.Outcome.INTACT ? "" : "FAIL ") + r.line());
        out.println("trace: " + trace + " (" + rendered.length + " bytes; read it as a ladder with: ./jtcp report " + trace + ")");
        Soak.Summary one = new Soak.Summary(seedStart, 1, r.outcome() == Soak.Outcome.INTACT ? 1 : 0,
                r.outcome() == Soak.Outcome.CORRUPTED ? 1 : 0, r.outcome() == Soak.Outcome.STUCK ? 1 : 0,
                r.outcome() == Soak.Outcome.LEAKED ? 1 : 0, r.outcome() == Soak.Outcome.INTACT ? List.of() : List.of(r), 0);
        out.println(one.resultLine());
        out.flush();
        return one.failures().isEmpty() ? 0 : 1;
    }
}
