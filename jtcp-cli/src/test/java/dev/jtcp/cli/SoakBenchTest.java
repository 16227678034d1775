package dev.jtcp.cli;

import dev.jtcp.trace.JsonlReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.jtcp.cli.ScenarioCommandTest.jtcp;
import static org.assertj.core.api.Assertions.assertThat;

/** jtcp bench soak: progress, the RESULT line, one-line usage errors, and the replay of one seed with its trace. */
class SoakBenchTest {

    @Test
    void soakPrintsProgressAndEndsWithTheResultLine() {
        ScenarioCommandTest.Outcome r = jtcp("bench", "soak", "--seeds", "20", "--seed-start", "100", "--jobs", "2");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.getFirst()).startsWith("soak: seeds 100..119, loss up to 20% per direction");
        assertThat(lines).anyMatch(l -> l.startsWith("20/20 seeds: intact 20, corrupted 0, stuck 0, leaked 0"));
        assertThat(lines.getLast()).isEqualTo("RESULT name=soak seeds=20 intact=20 corrupted=0 stuck=0 leaked=0");
    }

    @Test
    void lossAcceptsAProbabilityOrAPercentage() {
        assertThat(SoakBench.parseLoss("0.2")).isEqualTo(0.2);
        assertThat(SoakBench.parseLoss("5%")).isEqualTo(0.05);
        ScenarioCommandTest.Outcome r = jtcp("bench", "soak", "--seeds", "3", "--loss", "2%");
        assertThat(r.code()).isZero();
        assertThat(r.outLines().getFirst()).contains("loss up to 2% per direction");
        assertThat(r.outLines().getLast()).isEqualTo("RESULT name=soak seeds=3 intact=3 corrupted=0 stuck=0 leaked=0");
    }

    @Test
    void badOptionsGetOneLine() {
        for (String[] args : List.of(
                new String[] {"--seeds", "0"},
                new String[] {"--loss", "20"},
                new String[] {"--loss", "abc"},
                new String[] {"--seed-start", "-1"},
                new String[] {"--jobs", "0"},
                new String[] {"--seeds", "2", "--trace", "x.jsonl"})) {
            String[] full = new String[args.length + 2];
            full[0] = "bench";
            full[1] = "soak";
            System.arraycopy(args, 0, full, 2, args.length);
            ScenarioCommandTest.Outcome r = jtcp(full);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.errLines()).as(String.join(" ", args)).hasSize(1);
            assertThat(r.err()).startsWith("jtcp: " + args[args.length - 2]);
        }
        assertThat(jtcp("bench", "soak", "--loss", "20").err())
                .contains("accepted: a probability 0..1 (e.g. 0.2) or a percentage 0..100% (e.g. 20%)");
    }

    @Test
    void oneSeedReplaysWithItsTrace(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        ScenarioCommandTest.Outcome r = jtcp("bench", "soak", "--seeds", "1", "--seed-start", "42", "--trace", a.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.outLines().getFirst()).startsWith("soak seed 42: ");
        assertThat(r.out()).contains("seed 42: intact").contains("./jtcp report " + a);
        assertThat(r.outLines().getLast()).isEqualTo("RESULT name=soak seeds=1 intact=1 corrupted=0 stuck=0 leaked=0");
        jtcp("bench", "soak", "--seeds", "1", "--seed-start", "42", "--trace", b.toString());
        // The same seed, the same trace, byte for byte; and it reads back as a trace (a ladder with jtcp report).
        assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
        assertThat(JsonlReader.read(new java.io.StringReader(Files.readString(a))).events()).isNotEmpty();
        ScenarioCommandTest.Outcome ladder = jtcp("report", a.toString());
        assertThat(ladder.code()).isZero();
        assertThat(ladder.out()).contains("connect(10.0.0.2:5001) = 0");
    }
}
