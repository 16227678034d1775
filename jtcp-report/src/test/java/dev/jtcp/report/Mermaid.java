package dev.jtcp.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mermaid package from the npm registry, to render our diagrams with mermaid itself. It is cached in
 * the checkout under {@code .cache/mermaid} (ignored by git), which {@code .ci/run} fills; when it is not
 * there and npm is installed, the first test that needs it installs it there. {@code JTCP_MERMAID_JS}
 * points at another copy of {@code mermaid.min.js}.
 */
final class Mermaid {
    /** The major version the diagrams are checked against. */
    static final String PACKAGE = "mermaid@11";

    private static String why = "";
    private static Path found;
    private static boolean tried;

    private Mermaid() {}

    static Path cacheDir() {
        return Tools.repoRoot().resolve(".cache/mermaid");
    }

    /** mermaid.min.js, or null (then {@link #whyMissing()} says why). */
    static synchronized Path script() throws Exception {
        if (tried) {
            return found;
        }
        tried = true;
        String env = System.getenv("JTCP_MERMAID_JS");
        if (env != null) {
            Path p = Path.of(env);
            if (Files.isRegularFile(p)) {
                return found = p;
            }
            why = "JTCP_MERMAID_JS=" + env + " is not a file";
            return null;
        }
        Path js = cacheDir().resolve("node_modules/mermaid/dist/mermaid.min.js");
        if (Files.isRegularFile(js)) {
            return found = js;
        }
        Path npm = Tools.onPath("npm").orElse(null);
        if (npm == null) {
            why = "the mermaid package is not in " + cacheDir() + " and npm is not installed to fetch it (.ci/run does): "
                    + "mermaid output not checked by mermaid";
            return null;
        }
        Files.createDirectories(cacheDir());
        Tools.Run r = Tools.run(List.of(npm.toString(), "install", "--prefix", cacheDir().toString(), "--no-audit", "--no-fund",
                "--loglevel=error", PACKAGE), cacheDir(), 300);
        if (r.code() == 0 && Files.isRegularFile(js)) {
            return found = js;
        }
        why = "npm install " + PACKAGE + " into " + cacheDir() + " failed (no network?): " + r.err().strip()
                + "; mermaid output not checked by mermaid";
        return null;
    }

    static String whyMissing() {
        return why;
    }
}
