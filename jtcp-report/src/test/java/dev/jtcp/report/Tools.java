package dev.jtcp.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** External programs the checks use (tshark, npm), found on PATH, and the places tests write to. */
final class Tools {
    private Tools() {}

    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The checkout's top directory (where build-env.sh is), from the module directory tests run in. */
    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("build-env.sh"))) {
            p = p.getParent();
        }
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    /** A directory under the module's target/ for files a test writes and a person may want to look at. */
    static Path output(String sub) throws IOException {
        Path d = Path.of("target", sub).toAbsolutePath();
        Files.createDirectories(d);
        return d;
    }

    /** What a program printed. */
    record Run(int code, String out, String err) {}

    static Run run(List<String> cmd, Path dir, long timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jtcp-tool-", ".out");
        Path err = Files.createTempFile("jtcp-tool-", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + ": no answer after " + timeoutSeconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** tshark's stderr without its warning about running as root (harmless here, and outside our control). */
    static String tsharkComplaints(String err) {
        return err.lines().filter(l -> !l.startsWith("Running as user \"root\"")).reduce("", (a, b) -> a + b + "\n");
    }
}
