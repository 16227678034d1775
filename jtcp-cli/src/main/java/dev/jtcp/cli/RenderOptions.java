package dev.jtcp.cli;

import dev.jtcp.report.TraceView;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The options of every command that prints a trace (jtcp scenario, jtcp report): the format, where it
 * goes, and the renderers' knobs. A picocli mixin, so that both commands accept and check them alike.
 */
final class RenderOptions {
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the trace to FILE instead of standard output.")
    Path out;

    @Option(names = "--why", description = "mermaid: add each segment's rule (its why) as a note.")
    boolean why;

    @Option(names = "--max-rows", paramLabel = "N",
            description = "svg, html: draw at most N rows of the ladder (default: 20000 for svg, 6000 in html).")
    int maxRows;

    /** Refuses a negative --max-rows, and a binary format bound for a terminal, with a one-line message. */
    void check(Main main) {
        if (maxRows < 0) {
            throw new Main.UsageError("--max-rows: " + maxRows + " is negative; expected a number of rows, e.g. 300", null);
        }
        Output.checkDestination(format, out, main == null ? null : main.rawStdout(), stdoutIsTerminal(main));
    }

    /** Renders the view: in colour when it goes to a terminal. */
    byte[] render(TraceView view, Main main, boolean nstat, String header, String footer) {
        boolean colour = out == null && stdoutIsTerminal(main);
        return Output.render(format, view, new Output.Options(colour, why, nstat, header, footer, maxRows));
    }

    /** Writes what {@link #render} made to --out, or to standard output. */
    void emit(byte[] rendered, PrintWriter stdout, Main main) {
        Output.emit(format, rendered, out, stdout, main == null ? null : main.rawStdout(), stdoutIsTerminal(main));
    }

    private static boolean stdoutIsTerminal(Main main) {
        return main != null && main.onTerminal(true);
    }
}
