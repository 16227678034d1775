package dev.jtcp.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jtcp.cli.ScenarioCommandTest.jtcp;
import static org.assertj.core.api.Assertions.assertThat;

/** jtcp drill, run in-process on small scripts written by the test. */
class DrillCommandTest {
    @TempDir
    Path dir;

    private static final String HANDSHAKE = """
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
               +0 bind(3, ..., ...) = 0
               +0 listen(3, 1) = 0
               +0 < S 0:0(0) win 65535 <mss 1000,nop,wscale 7>
               +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 10>
              +.1 < . 1:1(0) ack 1 win 1024
               +0 accept(3, ..., ...) = 4
            """;

    private Path script(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void aPassingScriptPrintsPassAndTheClosingLineWithExitCodeZero() throws IOException {
        Path p = script("ok.pkt", HANDSHAKE);
        var r = jtcp("drill", p.toString());
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).containsExactly("PASS " + p, "drill: 1 passed, 0 failed, 0 skipped");
    }

    @Test
    void aFailingScriptShowsLineExpectedAndActualAndExitsOne() throws IOException {
        Path p = script("bad.pkt", HANDSHAKE.replace("> S. 0:0(0) ack 1", "> S. 0:0(0) ack 2"));
        var r = jtcp("drill", p.toString());
        assertThat(r.code()).isEqualTo(1);
        // the SYN comes after socket, setsockopt, bind and listen: 1 us each
        assertThat(r.out()).contains("FAIL " + p + ":6: error handling packet: live packet field tcp_ack_seq: expected: 2 (0x2) vs actual: 1 (0x1)")
                .contains("    script packet:  0.000004 S. 0:0(0) ack 2 <mss 1460,nop,wscale 10>")
                .contains("      expected (tcpdump): Flags [S.], seq 0, ack 2")
                .contains("      actual   (tcpdump): IP 192.168.0.1.8080 > 192.0.2.1.")
                .endsWith("drill: 0 passed, 1 failed, 0 skipped\n");
    }

    @Test
    void skippedScriptsNameTheConstructAndDoNotFailTheRun() throws IOException {
        Path p = script("skip.pkt", HANDSHAKE + "   +0 ioctl(4, 21521, [0]) = 0\n");
        var r = jtcp("drill", p.toString());
        assertThat(r.code()).isZero();
        assertThat(r.outLines().getFirst()).startsWith("SKIP " + p + ":9: ioctl(21521)");
        assertThat(r.outLines().getLast()).isEqualTo("drill: 0 passed, 0 failed, 1 skipped");
    }

    @Test
    void directoriesAndListFiles() throws IOException {
        script("d/a.pkt", HANDSHAKE);
        script("d/sub/b.pkt", HANDSHAKE);
        script("d/sub/c-v6.pkt", "this is not even a script");
        script("list.txt", "# comment\nd/a.pkt\n\nd/sub/b.pkt\n");
        var r = jtcp("drill", dir.resolve("d").toString());
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).hasSize(3).last().isEqualTo("drill: 2 passed, 0 failed, 0 skipped");
        var l = jtcp("drill", "--list", dir.resolve("list.txt").toString(), "-j", "1");
        assertThat(l.outLines()).last().isEqualTo("drill: 2 passed, 0 failed, 0 skipped");
    }

    @Test
    void oneBadScriptDoesNotStopTheOthers() throws IOException {
        Path a = script("a.pkt", "0 this is not packetdrill\n");
        Path b = script("b.pkt", HANDSHAKE);
        var r = jtcp("drill", a.toString(), b.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.outLines()).containsExactly(
                "FAIL " + a + ":1: column 8: syntax error: expected '(', found 'is'",
                "PASS " + b,
                "drill: 1 passed, 1 failed, 0 skipped");
    }

    @Test
    void macrosVerboseAndTrace() throws IOException {
        Path p = script("m.pkt", HANDSHAKE + "   +0 write(4, ..., SIZE) = SIZE\n   +0 > P. 1:101(100) ack 1\n");
        Path trace = dir.resolve("t.jsonl");
        var r = jtcp("drill", "-D", "SIZE=100", "--verbose", "--trace", trace.toString(), p.toString());
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("inbound injected S 0:0(0) win 65535").contains("outbound sniffed P. 1:101(100) ack 1");
        assertThat(Files.readAllLines(trace)).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("{"));
    }

    @Test
    void reportReplacesItsSectionBetweenTheMarkers() throws IOException {
        Path p = script("r/ok.pkt", HANDSHAKE);
        Path doc = script("doc.md", "# Title\n\nkept text\n");
        assertThat(jtcp("drill", "--report", doc.toString(), p.toString()).code()).isZero();
        String once = Files.readString(doc);
        assertThat(once).startsWith("# Title\n\nkept text\n\n<!-- drill-report:begin -->\n## Packetdrill corpus")
                .contains("| **all run** | 1 | 1 | 0 | 0 |").endsWith("<!-- drill-report:end -->\n");
        Files.writeString(doc, once + "\n## After\n");
        assertThat(jtcp("drill", "--report", doc.toString(), p.toString()).code()).isZero();
        assertThat(Files.readString(doc)).isEqualTo(once + "\n## After\n");
    }

    @Test
    void badUsage() {
        var none = jtcp("drill");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no scripts given");
        var missing = jtcp("drill", dir.resolve("nope.pkt").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file or directory");
        var def = jtcp("drill", "-D", "NOEQUALS", dir.toString());
        assertThat(def.code()).isEqualTo(2);
        assertThat(def.err()).contains("-D: expected NAME=VALUE");
    }
}
