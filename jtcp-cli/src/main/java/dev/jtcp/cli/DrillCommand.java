package dev.jtcp.cli;

import dev.jtcp.drill.Drill;
import dev.jtcp.drill.DrillOptions;
import dev.jtcp.drill.DrillReport;
import dev.jtcp.drill.DrillResult;
import dev.jtcp.trace.Jsonl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** jtcp drill: run packetdrill scripts against jtcp in virtual time. */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = {"Run packetdrill scripts (Linux's TCP tests) against jtcp in virtual time: PASS, FAIL (the line,"
                + " what the script expected and what jtcp did) or SKIP (what is not supported yet), then a closing line"
                + " 'drill: N passed, M failed, K skipped'. Exit code 0 only when nothing failed."})
final class DrillCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "FILE_OR_DIR",
            description = "Scripts (.pkt) or directories (searched recursively; *v6.pkt left out, as run_all.py does for IPv4).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--list", paramLabel = "FILE",
            description = "A file listing scripts, one per line, relative to the file's directory (e.g. tier1a.txt). Repeatable.")
    List<Path> lists = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, description = "Print every event of each script: packets injected and sniffed, calls.")
    boolean verbose;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Write the stack's trace (JSON Lines) to FILE; with several scripts FILE is a directory, one file each.")
    Path trace;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write the Markdown conformance report (a table per directory) into FILE, replacing the section"
                    + " between its drill-report markers (appended when there are none).")
    Path report;

    @Option(names = "-D", paramLabel = "NAME=VALUE",
            description = "Define a macro, as packetdrill's -D (the run_all.py IPv4 macros TFO_COOKIE, CODE,"
                    + " CMSG_LEVEL_IP, CMSG_TYPE_RECVERR are predefined).")
    List<String> defines = new ArrayList<>();

    @Option(names = "--hz", paramLabel = "HZ", defaultValue = "250",
            description = "Kernel tick rate of jtcp's TCP timers (default: ${DEFAULT-VALUE}, as the Linux 6.18 reference kernel).")
    int hz;

    @Option(names = "--no-timer-wheel", description = "Fire timers at their nominal instant instead of on Linux's timer wheel.")
    boolean noTimerWheel;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Scripts run in parallel (default: the number of CPUs).")
    Integer jobs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (inputs.isEmpty() && lists.isEmpty()) {
            throw new Main.UsageError("no scripts given: name .pkt files, directories, or --list FILE", null);
        }
        if (hz < 100 || hz > 1000) {
            throw new Main.UsageError("--hz: " + hz + " is out of range; accepted: 100..1000", null);
        }
        for (Path l : lists) {
            if (!Files.isRegularFile(l)) {
                throw new Main.UsageError("--list: no such file: " + l, null);
            }
        }
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                throw new Main.UsageError("no such file or directory: " + p, null);
            }
        }
        Map<String, String> d = new LinkedHashMap<>(DrillOptions.runAllDefines());
        for (String def : defines) {
            int eq = def.indexOf('=');
            if (eq <= 0) {
                throw new Main.UsageError("-D: expected NAME=VALUE, got '" + def + "'", null);
            }
            d.put(def.substring(0, eq), def.substring(eq + 1));
        }
        DrillOptions opts = DrillOptions.defaults().withDefines(d).withVerbose(verbose).withTrace(trace != null)
                .withClock(hz, !noTimerWheel);
        List<Path> files = Drill.collect(inputs, lists);
        if (files.isEmpty()) {
            throw new Main.UsageError("no .pkt scripts found in " + inputs, null);
        }
        int threads = jobs != null ? Math.max(1, jobs) : Runtime.getRuntime().availableProcessors();
        List<DrillResult> results = Drill.runAll(files, opts, threads);
        for (DrillResult r : results) {
            out.println(r.summaryLine());
            if (r.status() != DrillResult.Status.PASS && !r.detail().isBlank()) {
                out.println(indent(r.detail()));
            }
            if (verbose && !r.log().isBlank()) {
                out.println(indent(r.log().stripTrailing()));
            }
        }
        out.println(Drill.summary(results));
        out.flush();
        if (trace != null) {
            writeTraces(results);
        }
        if (report != null) {
            try {
                DrillReport.update(report, results, files, opts);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report " + report + ": " + e.getMessage(), e);
            }
            out.println("report written to " + report);
            out.flush();
        }
        return results.stream().anyMatch(r -> r.status() == DrillResult.Status.FAIL) ? 1 : 0;
    }

    private static String indent(String s) {
        return "    " + s.replace("\n", "\n    ");
    }

    private void writeTraces(List<DrillResult> results) {
        try {
            if (results.size() == 1 && !Files.isDirectory(trace)) {
                writeTrace(trace, results.getFirst());
                return;
            }
            Files.createDirectories(trace);
            for (int i = 0; i < results.size(); i++) {
                DrillResult r = results.get(i);
                String name = String.format("%03d-%s.jsonl", i + 1,
                        Path.of(r.file()).getFileName().toString().replaceAll("\\.pkt$", ""));
                writeTrace(trace.resolve(name), r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the trace to " + trace + ": " + e.getMessage(), e);
        }
    }

    private static void writeTrace(Path file, DrillResult r) throws IOException {
        StringBuilder sb = new StringBuilder();
        Jsonl.write(r.trace(), sb);
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }
}
