package dev.jtcp.cli;

import dev.jtcp.report.HtmlRenderer;
import dev.jtcp.report.LadderRenderer;
import dev.jtcp.report.MermaidRenderer;
import dev.jtcp.report.PcapngWriter;
import dev.jtcp.report.SvgRenderer;
import dev.jtcp.report.TraceView;
import dev.jtcp.time.Nanos;
import dev.jtcp.trace.Jsonl;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/** Rendering a trace in one of the formats, and writing it out: the part the scenario and report commands share. */
final class Output {
    private Output() {}

    /**
     * What goes into the text and JSONL forms besides the trace itself.
     *
     * @param colour ANSI colours in the text ladder
     * @param whyNotes mermaid: each segment's rule as a note
     * @param nstat text and JSONL: append the counters
     * @param textHeader text: lines before the ladder
     * @param textFooter text: lines after it
     * @param maxRows svg and html: rows of the ladder picture at most (0 for the renderers' defaults)
     */
    record Options(boolean colour, boolean whyNotes, boolean nstat, String textHeader, String textFooter, int maxRows) {}

    static byte[] render(Format format, TraceView view, Options o) {
        String text = switch (format) {
            case text -> {
                String s = o.textHeader() + LadderRenderer.standard(o.colour()).render(view.events(), view.hosts(), view.addresses())
                        + o.textFooter();
                yield o.nstat() ? s + nstatText(view) : s;
            }
            case jsonl -> {
                StringBuilder sb = new StringBuilder();
                Jsonl.write(view.events(), sb);
                yield o.nstat() ? sb + nstatJsonl(view) : sb.toString();
            }
            case mermaid -> new MermaidRenderer(o.whyNotes()).render(view);
            case svg -> new SvgRenderer(o.maxRows() > 0 ? o.maxRows() : SvgRenderer.DEFAULT_ROWS).render(view);
            case html -> new HtmlRenderer(o.maxRows() > 0 ? o.maxRows() : HtmlRenderer.DEFAULT_LADDER_ROWS).render(view);
            case pcapng -> null;
        };
        return text == null ? PcapngWriter.write(view) : text.getBytes(StandardCharsets.UTF_8);
    }

    static String nstatText(TraceView view) {
        StringBuilder sb = new StringBuilder("\n");
        for (Map.Entry<String, Map<String, Long>> h : view.counters().entrySet()) {
            sb.append("#nstat ").append(h.getKey()).append('\n');
            h.getValue().forEach((k, v) -> sb.append(String.format("%-32s %d%n", k, v)));
        }
        return sb.toString();
    }

    /** The counters as JSON Lines, one object per host, so that --format jsonl stays pure JSONL. */
    static String nstatJsonl(TraceView view) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> h : view.counters().entrySet()) {
            sb.append("{\"t\":").append(Nanos.toSecondsString(view.endNs())).append(",\"host\":");
            Jsonl.quote(sb, h.getKey());
            sb.append(",\"type\":\"nstat\",\"counters\":{");
            boolean first = true;
            for (Map.Entry<String, Long> e : h.getValue().entrySet()) {
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

    /**
     * Writes to {@code out} when given, else to standard output: text through the command's writer, binary
     * to the raw stream, and never binary to a terminal.
     */
    static void emit(Format format, byte[] content, Path out, PrintWriter stdout, OutputStream rawStdout, boolean stdoutIsTerminal) {
        if (out != null) {
            writeAtomically(out, content);
            return;
        }
        if (format.binary()) {
            checkDestination(format, null, rawStdout, stdoutIsTerminal);
            try {
                stdout.flush();
                rawStdout.write(content);
                rawStdout.flush();
            } catch (IOException e) {
                throw new Main.UsageError("cannot write to standard output: " + e.getMessage(), null);
            }
            return;
        }
        stdout.print(new String(content, StandardCharsets.UTF_8));
        stdout.flush();
    }

    /** Refuses, before any work, binary output that could only go to a terminal or a text writer. */
    static void checkDestination(Format format, Path out, OutputStream rawStdout, boolean stdoutIsTerminal) {
        if (format.binary() && out == null && (rawStdout == null || stdoutIsTerminal)) {
            throw new Main.UsageError("--format " + format + " is binary: write it to a file with --out FILE"
                    + " (or redirect standard output)", null);
        }
    }

    /** Writes to a temporary file beside the target, then renames: nothing half-written is left behind. */
    static void writeAtomically(Path target, byte[] content) {
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
            tmp = createTemp(dir, target);
            Files.write(tmp, content);
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
            throw new Main.UsageError("--out: cannot write " + target + ": " + reason(e), null);
        }
    }

    /**
     * The temporary file, created with the permissions an ordinary new file gets (0666 less the umask),
     * not the owner-only ones of {@link Files#createTempFile(Path, String, String, FileAttribute[])}'s default:
     * a report written for others to read should be readable by them.
     */
    private static Path createTemp(Path dir, Path target) throws IOException {
        String prefix = "." + target.getFileName();
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<Set<PosixFilePermission>> rw = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-"));
            return Files.createTempFile(dir, prefix, ".tmp", rw);
        }
        return Files.createTempFile(dir, prefix, ".tmp");
    }

    /** The system's reason, without the path the message already names. */
    static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.NoSuchFileException n -> "no such file or directory";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage();
        };
    }
}
