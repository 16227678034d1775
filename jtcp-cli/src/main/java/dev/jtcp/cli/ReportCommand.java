package dev.jtcp.cli;

import dev.jtcp.report.TraceView;
import dev.jtcp.trace.JsonlReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * jtcp report: renders a saved trace (the JSON Lines of {@code jtcp scenario --format jsonl}) in any format,
 * so that a run can be kept once and looked at in several ways, or shared as a file.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render a saved trace (JSON Lines from 'jtcp scenario --format jsonl') as a ladder, a mermaid "
                + "diagram, an SVG picture, an HTML report or a pcapng capture.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE.jsonl", description = "The trace file ('-' for standard input).")
    String trace;

    @Mixin
    RenderOptions render;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        render.check(main);
        JsonlReader.Trace t = read();
        TraceView view = TraceView.of(t.events())
                .withTitle("jtcp report " + ("-".equals(trace) ? "(standard input)" : Path.of(trace).getFileName()), "")
                .withCounters(t.counters())
                .withEnd(t.endNs());
        String header = "jtcp report " + trace + ": " + t.events().size() + " events\n\n";
        render.emit(render.render(view, main, !t.counters().isEmpty(), header, ""), stdout, main);
        return 0;
    }

    /** The trace, or a one-line usage error naming the file, the line and what was expected. */
    private JsonlReader.Trace read() {
        String name = "-".equals(trace) ? "standard input" : trace;
        long size = 0;
        Reader in;
        try {
            if ("-".equals(trace)) {
                in = new InputStreamReader(System.in, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            } else {
                Path p = Path.of(trace);
                if (Files.isDirectory(p)) {
                    throw new Main.UsageError("cannot read " + name + ": it is a directory", null);
                }
                size = Files.size(p);
                in = new InputStreamReader(Files.newInputStream(p), StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            }
        } catch (NoSuchFileException e) {
            throw new Main.UsageError("cannot read " + name + ": no such file", null);
        } catch (AccessDeniedException e) {
            throw new Main.UsageError("cannot read " + name + ": permission denied", null);
        } catch (IOException e) {
            throw new Main.UsageError("cannot read " + name + ": " + e.getMessage(), null);
        }
        Counting counting = new Counting(in);
        long total = size;
        Progress progress = Progress.start(spec.commandLine().getErr(), main != null && main.onTerminal(false),
                () -> "reading " + name + ": " + (total > 0 ? counting.chars * 100 / total + "%" : counting.chars + " characters"));
        try (counting) {
            return JsonlReader.read(counting);
        } catch (JsonlReader.BadTraceException e) {
            throw new Main.UsageError(name + ": " + e.getMessage(), null);
        } catch (CharacterCodingException e) {
            throw new Main.UsageError(name + ": line " + (counting.newlines + 1)
                    + ": not UTF-8 text; expected JSON Lines as written by jtcp scenario --format jsonl", null);
        } catch (IOException e) {
            throw new Main.UsageError("cannot read " + name + ": " + e.getMessage(), null);
        } finally {
            progress.close();
        }
    }

    /** Counts what has been read, for the progress line and for naming the line of an encoding error. */
    private static final class Counting extends FilterReader {
        volatile long chars;
        long newlines;

        Counting(Reader in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                chars++;
                if (c == '\n') {
                    newlines++;
                }
            }
            return c;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                chars += n;
                for (int i = off; i < off + n; i++) {
                    if (buf[i] == '\n') {
                        newlines++;
                    }
                }
            }
            return n;
        }
    }
}
