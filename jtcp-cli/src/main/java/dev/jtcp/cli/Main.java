package dev.jtcp.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStream;
import java.io.PrintWriter;

/** The jtcp command. */
@Command(name = "jtcp",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "A Linux-faithful TCP/IP stack in pure Java: scenarios in a deterministic simulator, "
                + "reports of their traces, benchmarks, and real networks over a TUN device.",
        subcommands = {ScenarioCommand.class, ReportCommand.class, BenchCommand.class, DrillCommand.class, TunCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The process's real standard output for binary formats, or null when run in-process with writers only. */
    private final OutputStream rawStdout;
    /** Whether out and err are the process's own streams (so that asking whether they are terminals makes sense). */
    private final boolean processStreams;

    Main(OutputStream rawStdout, boolean processStreams) {
        this.rawStdout = rawStdout;
        this.processStreams = processStreams;
    }

    OutputStream rawStdout() {
        return rawStdout;
    }

    /** Whether standard output ({@code stdout}) or standard error is a terminal; false when run in-process. */
    boolean onTerminal(boolean stdout) {
        return processStreams && (stdout ? Terminal.stdout() : Terminal.stderr());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        oneCarrierForSimulations(args);
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.out, true));
    }

    /** The property that sizes the JDK's virtual-thread scheduler, read when the first virtual thread starts. */
    static final String VT_PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    /**
     * The commands that run one simulation at a time (scenarios, the simulator's benches, reports, drill), where
     * exactly one of the event loop and its processes runs at any moment, handing control over through semaphores: on
     * one carrier thread a hand-off is a switch of continuations, on two each one wakes a parked carrier on the other
     * CPU (measured: bench throughput 26 against 40 Gbit/s at MTU 1500, 53 against 70 at 65536). So unless the user
     * set it, the JDK's virtual-thread scheduler gets one carrier, before any virtual thread exists. A TUN stack
     * ({@code tun}, {@code bench tun}) keeps the default: its application threads do run in parallel; so does
     * {@code bench soak}, whose --jobs simulations run side by side.
     */
    static void oneCarrierForSimulations(String[] args) {
        if (System.getProperty(VT_PARALLELISM) == null && !runsInParallel(args)) {
            System.setProperty(VT_PARALLELISM, "1");
        }
    }

    /** Whether the command line runs virtual threads that should run in parallel: {@code tun ...}, {@code bench tun|soak ...}. */
    static boolean runsInParallel(String[] args) {
        java.util.List<String> words = java.util.Arrays.stream(args).filter(a -> !a.startsWith("-")).limit(2).toList();
        return !words.isEmpty() && (words.get(0).equals("tun") || words.equals(java.util.List.of("bench", "tun"))
                || words.equals(java.util.List.of("bench", "soak")));
    }

    /** Runs the command line; returns the exit code (0 ok, 1 failure, 2 bad usage). Binary formats need --out. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, null, false);
    }

    /**
     * Runs the command line with a raw standard output for binary formats (pcapng without --out).
     *
     * @param processStreams whether out and err are the process's standard streams (colour and progress
     *                       are then used when they are terminals)
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, OutputStream rawStdout, boolean processStreams) {
        CommandLine cl = new CommandLine(new Main(rawStdout, processStreams));
        cl.setOut(out);
        cl.setErr(err);
        // A bad option or value: one line saying what is wrong, then where to look.
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jtcp: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for the accepted options.");
            return CommandLine.ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parse) -> {
            if (ex instanceof UsageError u) {
                c.getErr().println("jtcp: " + u.getMessage());
                if (u.detail != null) {
                    c.getErr().print(u.detail);
                }
                return CommandLine.ExitCode.USAGE;
            }
            c.getErr().println("jtcp: " + ex);
            ex.printStackTrace(c.getErr());
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl.execute(args);
    }

    /** A user error found after parsing (unknown scenario, bad --set): one line, exit code 2. */
    static final class UsageError extends RuntimeException {
        final String detail;

        UsageError(String message, String detail) {
            super(message);
            this.detail = detail;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jtcp " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
