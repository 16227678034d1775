package dev.jtcp.report;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The renderers read only the trace model: jtcp-core's trace and wire packages and the two below them that
 * the model's types use (time for the clock format, sys for errno names). Not the engine, not the simulator,
 * so that any driver's trace (simulator, TUN, a saved file) renders the same way.
 */
class ReportDependenciesTest {
    private static final Set<String> ALLOWED = Set.of("report", "trace", "wire", "time", "sys");

    @Test
    void theRenderersUseOnlyTheTraceModel() throws IOException {
        Pattern ref = Pattern.compile("dev\\.jtcp\\.([a-z]+)\\b");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = ref.matcher(Files.readString(f));
                while (m.find()) {
                    if (!ALLOWED.contains(m.group(1))) {
                        violations.add(f + " refers to dev.jtcp." + m.group(1));
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
