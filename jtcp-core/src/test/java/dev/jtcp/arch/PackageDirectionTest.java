package dev.jtcp.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the direction of dependencies inside jtcp-core: time and sys at the bottom, then wire, trace,
 * tcp, stack, and api on top. A reference against the direction (an import or a fully qualified name)
 * fails the build. The core also never reads a clock or starts a thread.
 */
class PackageDirectionTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "time", Set.of(),
            "sys", Set.of(),
            "wire", Set.of("time"),
            "trace", Set.of("time", "sys", "wire"),
            "tcp", Set.of("time", "sys", "wire", "trace"),
            "stack", Set.of("time", "sys", "wire", "trace", "tcp"),
            "api", Set.of("time", "sys", "wire", "trace", "tcp", "stack"));
    private static final Pattern REF = Pattern.compile("dev\\.jtcp\\.([a-z]+)\\b");
    private static final Path ROOT = Path.of("src/main/java/dev/jtcp");

    @Test
    void everyPackageDependsOnlyOnThoseBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : ALLOWED.entrySet()) {
            String pkg = e.getKey();
            Path dir = ROOT.resolve(pkg);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    Matcher m = REF.matcher(src);
                    while (m.find()) {
                        String target = m.group(1);
                        if (!target.equals(pkg) && ALLOWED.containsKey(target) && !e.getValue().contains(target)) {
                            violations.add(f + " refers to dev.jtcp." + target);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theCoreNeverReadsAClockNorStartsThreads() throws IOException {
        Pattern forbidden = Pattern.compile("System\\.nanoTime|System\\.currentTimeMillis|Instant\\.now\\(|"
                + "new Thread|Executors\\.|Thread\\.sleep|\\bsynchronized\\s*[({]|\\bsynchronized\\s+(public|private|static|final|void)");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = forbidden.matcher(Files.readString(f));
                while (m.find()) {
                    violations.add(f + ": " + m.group());
                }
            }
        }
        assertThat(violations).isEmpty();
    }
}
