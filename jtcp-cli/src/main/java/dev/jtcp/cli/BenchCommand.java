package dev.jtcp.cli;

import picocli.CommandLine.Command;

/** jtcp bench: benchmarks, each ending with a RESULT line. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks; each prints its figures and ends with a line 'RESULT name=... key=value ...'.",
        subcommands = {ThroughputBench.class, ConnectBench.class, SynFloodBench.class, SimBench.class, TunBench.class,
                SoakBench.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
