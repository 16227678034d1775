package dev.jtcp.drill;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our own packetdrill scripts for what the corpus never checks (TIME_WAIT, FIN_WAIT2 timeout, orphan retries,
 * SYN and SYN-ACK retry limits, SYN cookies). Each passes on Linux 6.18 (see its header); each must pass on jtcp.
 */
class OwnScriptsTest {
    @TestFactory
    Stream<DynamicTest> everyScriptPasses() {
        Path dir = RunnerTest.resource("scripts");
        List<Path> files = Drill.collect(List.of(dir), List.of());
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            DrillResult r = Runner.run(f, DrillOptions.defaults());
            assertThat(r.status()).as(r.summaryLine() + "\n" + r.detail()).isEqualTo(DrillResult.Status.PASS);
        }));
    }
}
