package dev.jtcp.cli;

import dev.jtcp.report.HtmlRenderer;
import dev.jtcp.report.MermaidRenderer;
import dev.jtcp.report.SvgRenderer;
import dev.jtcp.report.TraceView;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sim.scenario.Scenario;
import dev.jtcp.sim.scenario.ScenarioParams;
import dev.jtcp.sim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The output formats of {@code jtcp scenario} and the {@code jtcp report} command: every format from a run
 * and from a saved trace, binary output handled safely, and bad input answered on one line. Every pcapng
 * written here is opened by tshark when it is installed.
 */
class ReportCommandTest {

    record Outcome(int code, String out, String err, byte[] raw) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    /** Runs in-process, with a raw standard output for binary formats. */
    static Outcome jtcp(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(args, o, e, raw, false);
        }
        return new Outcome(code, out.toString(), err.toString(), raw.toByteArray());
    }

    /** The view the scenario command renders, for comparing its output with the renderers'. */
    static String rendered(String name, Function<TraceView, String> renderer) {
        Scenario sc = Scenarios.get(name);
        ScenarioParams p = ScenarioParams.defaults();
        Scenario.Run run = sc.build(p);
        try (Simulation sim = run.sim()) {
            run.run();
            return renderer.apply(ScenarioCommand.view(sc, p, sim));
        }
    }

    // ================================================================ jtcp scenario --format

    @Test
    void scenarioRendersEveryFormat() {
        Outcome svg = jtcp("scenario", "syn-lost", "--format", "svg");
        assertThat(svg.code()).isZero();
        assertThat(svg.err()).isEmpty();
        assertThat(svg.out()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ")
                .isEqualTo(rendered("syn-lost", v -> new SvgRenderer().render(v)))
                .isEqualTo(jtcp("scenario", "syn-lost", "--format", "svg").out());
        Outcome html = jtcp("scenario", "close", "--format", "html");
        assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("<h1>jtcp scenario close</h1>")
                .contains("<td>net.ipv4.tcp_syn_retries</td><td>6</td><td>6</td>")
                .isEqualTo(rendered("close", v -> new HtmlRenderer().render(v)));
        Outcome changed = jtcp("scenario", "close", "--format", "html", "--set", "net.ipv4.tcp_syn_retries=3", "--seed", "7");
        assertThat(changed.out()).contains("<tr class=\"changed\"><td>net.ipv4.tcp_syn_retries</td><td>3</td><td>6</td></tr>")
                .contains("<td>seed</td><td>7</td>");
        Outcome mermaid = jtcp("scenario", "syn-lost", "--format", "mermaid");
        assertThat(mermaid.out()).startsWith("sequenceDiagram\n").contains("client-xserver: S 0 win 64240")
                .isEqualTo(rendered("syn-lost", v -> new MermaidRenderer(false).render(v)));
        Outcome why = jtcp("scenario", "syn-lost", "--format", "mermaid", "--why");
        assertThat(why.out()).contains("Note over client: SYN retransmission #35;1 (RTO 1000 ms)");
        assertThat(jtcp("scenario", "syn-lost", "--format", "svg", "--why").code()).isZero();
    }

    @Test
    void pcapngNeverGoesToATextWriter(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(new String[] {"scenario", "close", "--format", "pcapng"}, o, e);
        }
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).singleElement().asString()
                .isEqualTo("jtcp: --format pcapng is binary: write it to a file with --out FILE (or redirect standard output)");
        // to a raw standard output (a pipe or a file), and to --out: the same bytes
        Outcome raw = jtcp("scenario", "close", "--format", "pcapng");
        assertThat(raw.code()).isZero();
        assertThat(raw.out()).isEmpty();
        Path f = dir.resolve("close.pcapng");
        assertThat(jtcp("scenario", "close", "--format", "pcapng", "--out", f.toString()).code()).isZero();
        assertThat(Files.readAllBytes(f)).isEqualTo(raw.raw());
        assertThat(raw.raw()).startsWith(0x0A, 0x0D, 0x0D, 0x0A);
        Tshark.check(f, "close");
    }

    @Test
    void colourAndProgressOnlyOnATerminal() {
        String before = System.getProperty("jtcp.tty");
        try {
            for (String tty : List.of("12", "")) {
                System.setProperty("jtcp.tty", tty);
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code;
                try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
                    code = Main.execute(new String[] {"scenario", "handshake"}, o, e, null, true);
                }
                assertThat(code).isZero();
                assertThat(out.toString().contains("\u001b[")).as("colour with jtcp.tty=" + tty).isEqualTo(tty.contains("1"));
                assertThat(err.toString()).as("a quick run shows no progress").isEmpty();
            }
        } finally {
            if (before == null) {
                System.clearProperty("jtcp.tty");
            } else {
                System.setProperty("jtcp.tty", before);
            }
        }
    }

    @Test
    void progressLineIsRewrittenInPlaceAndErased() {
        StringWriter err = new StringWriter();
        String[] status = {"running: virtual time 12.000000 s"};
        try (PrintWriter e = new PrintWriter(err); Progress p = Progress.manual(e, true, () -> status[0])) {
            assertThat(p.show()).isTrue();
            status[0] = "running: virtual time 9";
            assertThat(p.show()).isTrue();
        }
        String s = err.toString();
        String longest = "jtcp: running: virtual time 12.000000 s";
        assertThat(s).startsWith("\r" + longest).doesNotContain("\n");
        assertThat(s).as("a shorter status blanks what the longer one left")
                .contains("\rjtcp: running: virtual time 9" + " ".repeat(longest.length() - "jtcp: running: virtual time 9".length()));
        assertThat(s).endsWith("\r" + " ".repeat(longest.length()) + "\r");
        StringWriter off = new StringWriter();
        try (PrintWriter e = new PrintWriter(off); Progress p = Progress.manual(e, false, () -> "x")) {
            assertThat(p.show()).isTrue();
        }
        assertThat(off.toString()).isEmpty();
        StringWriter closed = new StringWriter();
        Progress p = Progress.manual(new PrintWriter(closed), true, () -> "x");
        p.close();
        assertThat(p.show()).as("nothing is drawn after close").isFalse();
        assertThat(closed.toString()).isEmpty();
    }

    // ================================================================ jtcp report

    private static Path saved(Path dir, String name, String... more) throws IOException {
        Path f = dir.resolve(name + ".jsonl");
        List<String> args = new ArrayList<>(List.of("scenario", name, "--format", "jsonl", "--out", f.toString()));
        args.addAll(List.of(more));
        assertThat(jtcp(args.toArray(String[]::new)).code()).isZero();
        return f;
    }

    @Test
    void reportReadsASavedTraceBackToTheSameJsonl(@TempDir Path dir) throws IOException {
        Path f = saved(dir, "data-lost", "--nstat");
        Outcome r = jtcp("report", f.toString(), "--format", "jsonl");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(Files.readString(f));
        Outcome text = jtcp("report", f.toString());
        assertThat(text.out()).startsWith("jtcp report " + f + ": ").contains("--x LOST").contains("#nstat client")
                .contains("TcpRetransSegs");
        // the same ladder as the run's (the run's text adds its header and footer)
        String ladder = jtcp("scenario", "data-lost").out();
        String body = text.out().substring(text.out().indexOf("time (s)"), text.out().indexOf("\n#nstat"));
        assertThat(ladder).contains(body.stripTrailing());
    }

    @Test
    void reportRendersEveryFormat(@TempDir Path dir) throws Exception {
        Path f = saved(dir, "syn-lost", "--nstat");
        Outcome svg = jtcp("report", f.toString(), "--format", "svg");
        assertThat(svg.out()).startsWith("<?xml").contains("jtcp report syn-lost.jsonl").contains("class=\"seg lost\"");
        Outcome html = jtcp("report", f.toString(), "--format", "html");
        assertThat(html.out()).contains("<td>TcpAttemptFails</td>").contains("not recorded (a saved trace does not keep the settings)");
        Outcome mermaid = jtcp("report", f.toString(), "--format", "mermaid", "--why");
        assertThat(mermaid.out()).startsWith("sequenceDiagram\n").contains("Note over client: SYN retransmission #35;1");
        Path p = dir.resolve("syn-lost.pcapng");
        assertThat(jtcp("report", f.toString(), "--format", "pcapng", "--out", p.toString()).code()).isZero();
        Tshark.check(p, "syn-lost");
        for (String fmt : List.of("text", "jsonl", "mermaid", "svg", "html")) {
            assertThat(jtcp("report", f.toString(), "--format", fmt).out()).as(fmt)
                    .isEqualTo(jtcp("report", f.toString(), "--format", fmt).out());
        }
    }

    @Test
    void reportReadsStandardInput(@TempDir Path dir) throws IOException {
        Path f = saved(dir, "close");
        var in = System.in;
        try {
            System.setIn(Files.newInputStream(f));
            Outcome r = jtcp("report", "-", "--format", "jsonl");
            assertThat(r.code()).isZero();
            assertThat(r.out()).isEqualTo(Files.readString(f));
        } finally {
            System.setIn(in);
        }
    }

    @Test
    void aTruncatedTraceIsOneLineNamingTheLine(@TempDir Path dir) throws IOException {
        Path f = saved(dir, "close");
        String text = Files.readString(f);
        Path cut = dir.resolve("cut.jsonl");
        Files.writeString(cut, text.substring(0, text.length() - 30));
        int lines = (int) Files.readString(cut).lines().count();
        Outcome r = jtcp("report", cut.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("jtcp: " + cut + ": line " + lines + ": column ")
                .contains("expected").endsWith("(the file ends inside this line: truncated?)");
    }

    @Test
    void aTraceFromAnotherVersionIsOneLineSayingWhatWasExpected(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("other.jsonl");
        Files.writeString(f, "{\"t\":0.000000,\"host\":\"client\",\"type\":\"call\",\"fd\":3,\"call\":\"socket\",\"args\":\"x\",\"result\":3,\"why\":\"w\"}\n"
                + "{\"t\":0.000000,\"host\":\"client\",\"type\":\"segment\",\"v\":2,\"why\":\"w\"}\n");
        Outcome r = jtcp("report", f.toString(), "--format", "svg");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly("jtcp: " + f + ": line 2: unknown event type \"segment\", expected send, recv, drop, "
                + "state, timer, call, tcpinfo, nstat or ss (is the trace from another jtcp version?)");
        Path text = dir.resolve("ladder.txt");
        Files.writeString(text, jtcp("scenario", "close").out());
        assertThat(jtcp("report", text.toString()).errLines()).singleElement().asString()
                .contains("line 1: column 1: expected a JSON object starting with '{', found 'j'");
        Path bin = dir.resolve("trace.pcapng");
        Files.write(bin, new byte[] {0x0A, 0x0D, 0x0D, 0x0A, (byte) 0xff, (byte) 0xfe, 0, 0});
        assertThat(jtcp("report", bin.toString()).errLines()).singleElement().asString().startsWith("jtcp: " + bin + ": ");
    }

    @Test
    void unreadableInputsAreOneLine(@TempDir Path dir) {
        assertThat(jtcp("report", dir.resolve("nope.jsonl").toString()).errLines())
                .containsExactly("jtcp: cannot read " + dir.resolve("nope.jsonl") + ": no such file");
        assertThat(jtcp("report", dir.toString()).errLines()).containsExactly("jtcp: cannot read " + dir + ": it is a directory");
        assertThat(jtcp("report").code()).isEqualTo(2);
    }

    @Test
    void anOutputThatCannotBeWrittenLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path f = saved(dir, "close");
        Path missing = dir.resolve("no/such/dir/report.html");
        Outcome r = jtcp("report", f.toString(), "--format", "html", "--out", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().startsWith("jtcp: --out: cannot write " + missing)
                .contains("does not exist");
        Path sub = dir.resolve("sub");
        Files.createDirectory(sub);
        Outcome d = jtcp("scenario", "close", "--format", "pcapng", "--out", sub.toString());
        assertThat(d.code()).isEqualTo(2);
        assertThat(d.errLines()).singleElement().asString().contains("it is a directory");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).containsExactlyInAnyOrder(f, sub);
        }
        try (Stream<Path> s = Files.list(sub)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void writtenFilesGetTheUsualPermissions(@TempDir Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path plain = Files.createFile(dir.resolve("plain"));
        Path f = dir.resolve("r.html");
        assertThat(jtcp("scenario", "close", "--format", "html", "--out", f.toString()).code()).isZero();
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        assertThat(Files.getPosixFilePermissions(f)).isEqualTo(expected);
    }

    /** tshark, when installed, on the pcapng files these tests write. */
    static final class Tshark {
        static Optional<Path> find() {
            for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path p = Path.of(d, "tshark");
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }

        /** Reads the file: no error, no malformed packet, a comment on every packet. Skipped silently without tshark. */
        static void check(Path file, String what) throws Exception {
            Optional<Path> t = find();
            if (t.isEmpty()) {
                return;
            }
            Process p = new ProcessBuilder(t.get().toString(), "-n", "-r", file.toString(), "-T", "fields", "-e", "frame.comment",
                    "-e", "_ws.malformed").redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(what + ": " + err).isZero();
            assertThat(err.lines().filter(l -> !l.startsWith("Running as user \"root\""))).as(what).isEmpty();
            assertThat(out.lines().toList()).as(what).isNotEmpty().allSatisfy(l -> {
                String[] f = l.split("\t", -1);
                assertThat(f[0]).as("comment").isNotEmpty();
                assertThat(f[1]).as("malformed").isEmpty();
            });
        }
    }
}
