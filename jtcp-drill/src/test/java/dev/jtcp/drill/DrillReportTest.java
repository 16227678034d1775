package dev.jtcp.drill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Markdown report: tiers from the corpus's list files, a table per directory, reasons, skip groups. */
class DrillReportTest {
    @TempDir
    Path root;

    private static DrillResult r(String file, DrillResult.Status st, int line, String msg, String construct) {
        return new DrillResult(file, st, line, msg, "", construct, "", List.of(), 0, 0);
    }

    @Test
    void tablesPerTierAndDirectoryWithReasons() throws Exception {
        Path tcp = Files.createDirectories(root.resolve("gtests/net/tcp/close"));
        Files.createDirectories(root.resolve("gtests/net/tcp/eor"));
        Files.writeString(root.resolve("tier1a.txt"), "gtests/net/tcp/close/a.pkt\ngtests/net/tcp/close/b.pkt\n");
        Files.writeString(root.resolve("expected-fail-on-linux-6.18.txt"), "gtests/net/tcp/eor/c.pkt\n");
        String base = root.resolve("gtests/net/tcp").toString();
        List<DrillResult> rs = List.of(
                r(base + "/close/a.pkt", DrillResult.Status.PASS, 0, "", null),
                r(base + "/close/b.pkt", DrillResult.Status.FAIL, 12, "timing error: a | b", null),
                r(base + "/eor/c.pkt", DrillResult.Status.SKIP, 3, "send() with MSG_EOR ...", "send flag MSG_EOR"));
        List<Path> files = List.of(tcp.resolve("a.pkt"));
        String md = DrillReport.markdown(rs, files, DrillOptions.defaults());
        assertThat(md).contains("| tier 1a (core TCP) | 2 | 1 | 1 | 0 |")
                .contains("| fail on Linux 6.18 too | 1 | 0 | 0 | 1 |")
                .contains("| **all run** | 3 | 1 | 1 | 1 |")
                .contains("| `close/` | 2 | 1 | 1 | 0 |")
                .contains("Passed: `a.pkt`.")
                .contains("| `b.pkt` | FAIL | 12 | timing error: a \\| b |")
                .contains("| `c.pkt` | SKIP (fails on 6.18 too) | 3 |")
                .contains("| send flag MSG_EOR | 1 | `eor/c.pkt` |")
                .contains(DrillReport.COMMAND);
        assertThat(DrillReport.markdown(rs, files, DrillOptions.defaults())).isEqualTo(md);
    }
}
