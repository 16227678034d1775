package dev.jtcp.cli;

import dev.jtcp.sim.scenario.Scenario;
import dev.jtcp.sim.scenario.ScenarioParams;
import dev.jtcp.sim.scenario.Scenarios;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.trace.Jsonl;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The jtcp command line, run in-process through {@link Main#execute}. */
class ScenarioCommandTest {

    /** What one command line did: exit code, standard output, standard error. */
    record Outcome(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Outcome jtcp(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            code = Main.execute(args, o, e);
        }
        return new Outcome(code, out.toString(), err.toString());
    }

    static Stream<String> names() {
        return Scenarios.names().stream();
    }

    // ================================================================ --list

    @Test
    void listPrintsOneLinePerScenarioNameThenDescription() {
        Outcome r = jtcp("scenario", "--list");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.outLines();
        List<Scenario> all = new ArrayList<>(Scenarios.all());
        assertThat(lines).hasSize(all.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Scenario sc = all.get(i);
            // name, at least two spaces (names are padded to one column), description
            assertThat(line).startsWith(sc.name() + "  ");
            assertThat(line.substring(sc.name().length()).strip()).isEqualTo(sc.description());
            assertThat(line).matches("[a-z0-9-]+ {2,}\\S.*");
        }
        // The descriptions start in one column, two spaces after the longest name.
        int w = Scenarios.names().stream().mapToInt(String::length).max().orElseThrow();
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i).substring(w + 2)).isEqualTo(all.get(i).description());
        }
        assertThat(lines).contains(String.format("%-" + (w + 2) + "s", "last-fin-always-lost")
                + Scenarios.get("last-fin-always-lost").description());
    }

    // ================================================================ usage errors (exit code 2)

    @Test
    void unknownScenarioNamesItThenListsTheScenarios() {
        Outcome r = jtcp("scenario", "nosuch");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        List<String> err = r.errLines();
        assertThat(err.get(0)).contains("nosuch").contains("unknown scenario");
        assertThat(err.subList(1, err.size())).isEqualTo(jtcp("scenario", "--list").outLines());
    }

    @Test
    void missingScenarioNameIsAUsageError() {
        Outcome r = jtcp("scenario");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines().get(0)).contains("missing scenario NAME");
        assertThat(r.errLines()).hasSize(Scenarios.all().size() + 1);
    }

    @Test
    void unknownSettingIsOneLineListingTheKnownKeys() {
        Outcome r = jtcp("scenario", "close", "--set", "net.ipv4.nosuch=1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        String line = r.errLines().get(0);
        assertThat(line).contains("net.ipv4.nosuch").contains("known:");
        for (SysctlKey k : SysctlKey.values()) {
            assertThat(line).contains(k.linuxName);
        }
    }

    @Test
    void outOfRangeSettingIsOneLineNamingTheAcceptedRange() {
        Outcome r = jtcp("scenario", "syn-lost", "--set", "net.ipv4.tcp_syn_retries=500");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString()
                .contains("net.ipv4.tcp_syn_retries").contains("500").contains("1..127");
    }

    @Test
    void otherBadSettingsAreUsageErrorsToo() {
        for (String[] args : List.of(
                new String[] {"scenario", "close", "--set", "foo"},
                new String[] {"scenario", "close", "--set", "net.ipv4.tcp_syn_retries=abc"},
                new String[] {"scenario", "close", "--set", "net.ipv4.ip_local_port_range=5000 4000"})) {
            Outcome r = jtcp(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void unknownFormatIsAUsageError() {
        Outcome r = jtcp("scenario", "close", "--format", "xml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines().get(0)).contains("--format").contains("xml").contains("text").contains("jsonl");
    }

    @Test
    void badRttAndHzAreUsageErrors() {
        assertThat(jtcp("scenario", "close", "--rtt", "-1").code()).isEqualTo(2);
        assertThat(jtcp("scenario", "close", "--rtt", "abc").code()).isEqualTo(2);
        Outcome hz = jtcp("scenario", "close", "--hz", "50");
        assertThat(hz.code()).isEqualTo(2);
        assertThat(hz.errLines()).singleElement().asString().contains("100..1000");
        assertThat(jtcp("scenario", "close", "--no-such-option").code()).isEqualTo(2);
    }

    // ================================================================ output formats

    @ParameterizedTest
    @MethodSource("names")
    void jsonlLinesAreObjectsWithTheDocumentedFields(String name) {
        Outcome r = jtcp("scenario", name, "--format", "jsonl");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).endsWith("\n");
        List<String> lines = r.outLines();
        assertThat(lines).isNotEmpty();
        double lastT = 0;
        Set<String> types = new java.util.HashSet<>();
        for (String line : lines) {
            Map<String, Object> o = MiniJson.object(line);
            assertThat(o).as(line).containsKeys("t", "host", "type", "why");
            assertThat(new ArrayList<>(o.keySet())).as(line).startsWith("t", "host", "type").endsWith("why");
            assertThat(o.get("t")).as(line).isInstanceOf(Number.class);
            double t = ((Number) o.get("t")).doubleValue();
            assertThat(t).as("time never goes back: " + line).isGreaterThanOrEqualTo(lastT);
            lastT = t;
            assertThat(o.get("host")).as(line).isIn("client", "server", "attacker");
            assertThat(o.get("why")).as(line).isInstanceOf(String.class);
            String type = (String) o.get("type");
            types.add(type);
            switch (type) {
                case "send", "recv", "drop" -> {
                    assertThat(o).as(line).containsKeys("src", "dst", "flags", "seq", "ack", "len", "win", "opts");
                    assertThat((String) o.get("src")).matches("\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
                    assertThat((String) o.get("dst")).matches("\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
                    assertThat((String) o.get("flags")).matches("[SFRPUEWC.]+");
                    for (String k : List.of("seq", "ack", "len", "win")) {
                        assertThat(o.get(k)).as(k + " in " + line).isInstanceOf(Long.class);
                        assertThat((Long) o.get(k)).isBetween(0L, 0xffffffffL);
                    }
                    assertThat(o.get("opts")).isInstanceOf(String.class);
                    if (type.equals("drop")) {
                        assertThat(o).containsKey("by");
                    }
                    if (((String) o.get("flags")).contains("U")) {
                        assertThat(o).containsKey("urg");
                    }
                }
                case "state" -> {
                    assertThat(o).as(line).containsKeys("conn", "from", "to");
                    assertThat((String) o.get("from")).matches("[A-Z_0-9]+");
                    assertThat((String) o.get("to")).matches("[A-Z_0-9]+");
                }
                case "timer" -> {
                    assertThat(o).as(line).containsKeys("conn", "timer", "action", "expires");
                    assertThat(o.get("action")).isIn("arm", "fire", "cancel");
                    assertThat(o.get("expires")).isInstanceOf(Number.class);
                }
                case "call" -> {
                    assertThat(o).as(line).containsKeys("fd", "call", "args", "result");
                    Object res = o.get("result");
                    if (res instanceof String s) {
                        assertThat(s).matches("E[A-Z]+");
                    } else {
                        assertThat(res).isInstanceOf(Long.class);
                    }
                }
                case "tcpinfo" -> {
                    assertThat(o).as(line).containsKeys("conn", "state", "cwnd", "ssthresh", "mss", "inflight", "rcv_wnd",
                            "snd_wnd", "srtt_us");
                    for (String k : List.of("cwnd", "ssthresh", "mss", "inflight", "rcv_wnd", "snd_wnd", "srtt_us")) {
                        assertThat(o.get(k)).as(k + " in " + line).isInstanceOf(Long.class);
                    }
                }
                default -> throw new AssertionError("unknown type " + type + " in " + line);
            }
        }
        assertThat(types).contains("send", "state", "call", "timer");
    }

    @Test
    void jsonlIsTheTraceModelsJsonl() {
        Outcome r = jtcp("scenario", "close", "--format", "jsonl");
        Scenario.Run run = Scenarios.get("close").build(ScenarioParams.defaults());
        StringBuilder sb = new StringBuilder();
        try (var sim = run.sim()) {
            run.run();
            Jsonl.write(sim.trace().events(), sb);
        }
        assertThat(r.out()).isEqualTo(sb.toString());
        // Spot checks of the encoding.
        assertThat(r.outLines().get(0)).startsWith("{\"t\":0.000000,\"host\":\"server\",\"type\":\"call\"");
        assertThat(r.out()).contains("\"type\":\"send\",\"src\":\"10.0.0.1:").contains("\"flags\":\"S\"")
                .contains("\"opts\":\"mss 1460,sackOK,TS val ");
        assertThat(r.outLines()).anyMatch(l -> l.contains("\"type\":\"state\"") && l.contains("\"from\":\"TIME_WAIT\",\"to\":\"CLOSE\""));
    }

    @Test
    void textFormatHasHeaderLadderAndFooter() {
        Outcome r = jtcp("scenario", "close");
        assertThat(r.code()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(0)).isEqualTo("jtcp scenario close: " + Scenarios.get("close").description());
        assertThat(lines.get(1)).isEqualTo("seed 1, rtt 50 ms, HZ 250 (timer wheel)");
        assertThat(r.out()).contains("TIME_WAIT -> CLOSE").contains("S 0 win 64240");
        assertThat(lines.getLast()).isEqualTo("end of run at 61.440000 s");
        assertThat(r.out()).doesNotContain("\u001b[");   // no colours when not on a terminal
    }

    @Test
    void settingsAndTimerModelAreApplied() {
        Outcome r = jtcp("scenario", "syn-lost", "--format", "jsonl", "--hz", "1000", "--no-timer-wheel",
                "--set", "net.ipv4.tcp_syn_linear_timeouts=0", "--set", "net.ipv4.tcp_syn_retries=5");
        assertThat(r.code()).isZero();
        List<String> synTimes = r.outLines().stream().filter(l -> l.contains("\"type\":\"send\"") && l.contains("\"flags\":\"S\""))
                .map(l -> l.substring(5, l.indexOf(','))).toList();
        assertThat(synTimes).containsExactly("0.000000", "1.000000", "3.000000", "7.000000", "15.000000", "31.000000");
        assertThat(r.outLines()).anyMatch(l -> l.startsWith("{\"t\":63.000000,\"host\":\"client\",\"type\":\"call\"")
                && l.contains("\"call\":\"connect\"") && l.contains("\"result\":\"ETIMEDOUT\""));
        Outcome text = jtcp("scenario", "syn-lost", "--hz", "1000", "--no-timer-wheel", "--set", "net.ipv4.tcp_syn_retries=5");
        assertThat(text.outLines().get(1)).isEqualTo("seed 1, rtt 50 ms, HZ 1000 (exact timers), net.ipv4.tcp_syn_retries=5");
    }

    @Test
    void nstatPrintsEachHostsNonZeroCounters() {
        Outcome r = jtcp("scenario", "rst-closed-port", "--nstat");
        assertThat(r.code()).isZero();
        String out = r.out();
        assertThat(out).contains("#nstat client").contains("#nstat server");
        String client = out.substring(out.indexOf("#nstat client"), out.indexOf("#nstat server"));
        assertThat(client.lines()).anyMatch(l -> l.matches("TcpAttemptFails +1"));
        assertThat(out.substring(out.indexOf("#nstat server")).lines()).anyMatch(l -> l.matches("TcpOutRsts +1"));
    }

    // ================================================================ --rtt, --seed

    @Test
    void rttOfFiftyMicroseconds() {
        Outcome r = jtcp("scenario", "close", "--rtt", "0.05", "--format", "jsonl");
        assertThat(r.code()).isZero();
        assertThat(r.outLines()).anyMatch(l -> l.startsWith("{\"t\":0.000025,\"host\":\"server\",\"type\":\"recv\"")
                && l.contains("\"flags\":\"S\""));
        Outcome text = jtcp("scenario", "close", "--rtt", "0.05");
        assertThat(text.code()).isZero();
        assertThat(text.outLines().get(1)).startsWith("seed 1, rtt 0.05 ms, ");
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyScenarioRunsAtFiftyMicrosecondsRtt(String name) {
        Outcome r = jtcp("scenario", name, "--rtt", "0.05", "--format", "jsonl");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).isNotEmpty().allSatisfy(MiniJson::object);
    }

    @Test
    void seedReplaysAndVaries() {
        Outcome a = jtcp("scenario", "close", "--format", "jsonl", "--seed", "42");
        Outcome b = jtcp("scenario", "close", "--format", "jsonl", "--seed", "42");
        Outcome c = jtcp("scenario", "close", "--format", "jsonl", "--seed", "43");
        assertThat(b.out()).isEqualTo(a.out());
        assertThat(c.out()).isNotEqualTo(a.out());
        assertThat(c.outLines()).hasSameSizeAs(a.outLines());
        assertThat(jtcp("scenario", "close", "--format", "jsonl").out())
                .isEqualTo(jtcp("scenario", "close", "--format", "jsonl", "--seed", "1").out());
    }

    // ================================================================ --out

    @Test
    void outWritesTheFileAndNothingToStdout(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("trace.jsonl");
        Outcome r = jtcp("scenario", "close", "--format", "jsonl", "--out", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(f)).isEqualTo(jtcp("scenario", "close", "--format", "jsonl").out());
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f);   // no temporary file left beside it
        }
        // Overwrites an existing file.
        Outcome text = jtcp("scenario", "handshake", "--out", f.toString());
        assertThat(text.code()).isZero();
        assertThat(Files.readString(f)).startsWith("jtcp scenario handshake:");
    }

    @Test
    void outIntoAMissingDirectoryFailsCleanly() {
        Outcome r = jtcp("scenario", "close", "--out", "/nonexistent/dir/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).singleElement().asString().startsWith("jtcp: --out: cannot write /nonexistent/dir/x");
        assertThat(Files.exists(Path.of("/nonexistent"))).isFalse();
    }

    @Test
    void outOntoADirectoryFailsAndLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("sub");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep"), "x");
        Outcome r = jtcp("scenario", "close", "--out", target.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString().contains("--out").contains(target.toString());
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(target);
        }
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.toList()).containsExactly(target.resolve("keep"));
        }
    }

    @Test
    void outIntoAMissingDirectorySaysWhy() {
        Outcome r = jtcp("scenario", "close", "--out", "/nonexistent/dir/x");
        assertThat(r.err()).doesNotContain(".tmp").containsIgnoringCase("/nonexistent/dir");
        assertThat(r.err()).containsAnyOf("No such file or directory", "does not exist", "no such directory");
    }

    // ================================================================ other commands

    @Test
    void helpVersionAndBenchHelp() {
        Outcome help = jtcp("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("scenario").contains("bench");
        Outcome version = jtcp("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("jtcp ");
        Outcome sh = jtcp("scenario", "--help");
        assertThat(sh.code()).isZero();
        assertThat(sh.out()).contains("--set").contains("--format").contains("--out").contains("--rtt").contains("--nstat");
        Outcome bench = jtcp("bench", "throughput", "--help");
        assertThat(bench.code()).isZero();
        assertThat(bench.out()).contains("Usage: jtcp bench throughput");
        assertThat(jtcp("nosuch").code()).isEqualTo(2);
    }

    // ================================================================ --ss

    @Test
    void ssPrintsTheSocketTablesAtTheScenariosMomentsAndAtTheEnd() {
        Outcome r = jtcp("scenario", "accept-queue-overflow", "--ss");
        assertThat(r.code()).isZero();
        String out = r.out();
        // At 1 s: the listener's Recv-Q is the accept queue (2), Send-Q the backlog (1); clients 3-5 in SYN-SENT.
        assertThat(out).contains("#ss server at 1.000000 s\n"
                + "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n"
                + "LISTEN 2      1            0.0.0.0:80        0.0.0.0:*\n");
        assertThat(out).contains("#ss client at 1.000000 s\n");
        assertThat(out).containsPattern("SYN-SENT 0      1           10\\.0\\.0\\.1:\\d+     10\\.0\\.0\\.2:80   timer:\\(on,200ms,0\\)");
        assertThat(out).contains("#ss server at 135.168000 s\n");
    }

    @Test
    void ssAtChoosesTheMomentsAndMarksThoseAfterTheEnd() {
        Outcome r = jtcp("scenario", "synack-retries", "--ss-at", "20,500");
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("#ss server at 20.000000 s\\n.*\\nLISTEN .*\\nSYN-RECV 0      0           10.0.0.2:80 "
                + "      10.0.0.1:\\d+ timer:\\(on,11sec,4\\)");
        assertThat(r.out()).contains("#ss server at 500.000000 s (the run was over at 65.536000 s)");
        assertThat(r.out()).doesNotContain("at 0.500000 s");
    }

    @Test
    void ssInfoAddsEachConnectionsTcpInfoLineAsSsTanoiDoes() {
        Outcome r = jtcp("scenario", "data-lost", "--ss-info", "--ss-at", "0.12");
        assertThat(r.code()).isZero();
        List<String> lines = r.outLines();
        int at = lines.indexOf("#ss client at 0.120000 s");
        assertThat(at).isNotNegative();
        assertThat(lines.get(at + 2)).startsWith("FIN-WAIT-1 ");
        assertThat(lines.get(at + 3)).startsWith("\tts sack ").contains(" wscale:10,10 rto:252 rtt:50/", " retrans:1/1",
                " lost:1", " sacked:7", " snd_wnd:");
        Outcome j = jtcp("scenario", "data-lost", "--ss-info", "--ss-at", "0.12", "--format", "jsonl");
        assertThat(j.outLines()).anySatisfy(l -> assertThat(l).contains("\"type\":\"ss\"", "\"info\":\"ts sack "));
    }

    @Test
    void ssInJsonlIsOneObjectPerSocketThatJtcpReportSkips() throws Exception {
        Outcome r = jtcp("scenario", "ack-overflow", "--ss", "--format", "jsonl");
        assertThat(r.code()).isZero();
        List<Map<String, Object>> ss = r.outLines().stream().map(MiniJson::object)
                .filter(o -> "ss".equals(o.get("type"))).toList();
        assertThat(ss).isNotEmpty();
        assertThat(ss).anySatisfy(o -> {
            assertThat(o.get("state")).isEqualTo("SYN-RECV");
            assertThat((String) o.get("timer")).startsWith("timer:(on,");
        });
        java.nio.file.Path f = java.nio.file.Files.createTempFile("jtcp-ss", ".jsonl");
        try {
            java.nio.file.Files.writeString(f, r.out());
            Outcome rep = jtcp("report", f.toString(), "--format", "text");
            assertThat(rep.code()).as(rep.err()).isZero();
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    @Test
    void badSsOptionsAreOneLineErrors() {
        Outcome a = jtcp("scenario", "handshake", "--ss-at", "soon");
        assertThat(a.code()).isEqualTo(2);
        assertThat(a.err()).isEqualTo("jtcp: --ss-at: 'soon' is not a time; expected seconds of virtual time, e.g. 0.5,2\n");
        Outcome b = jtcp("scenario", "handshake", "--ss", "--format", "mermaid");
        assertThat(b.code()).isEqualTo(2);
        assertThat(b.err()).contains("--ss works with --format text or jsonl");
    }
}
