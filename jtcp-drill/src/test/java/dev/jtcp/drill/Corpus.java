package dev.jtcp.drill;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the packetdrill corpus is: the system property jtcp.packetdrill.dir (set by the build to
 * ../shared/packetdrill next to the repository), else the same place found from the working directory.
 * The corpus is GPL data: tests read it there and never copy it.
 */
final class Corpus {
    private Corpus() {
    }

    /** The corpus root (with tier1a.txt and gtests/), or null when it is not on this machine. */
    static Path dir() {
        String p = System.getProperty("jtcp.packetdrill.dir");
        if (p != null && Files.isRegularFile(Path.of(p, "tier1a.txt"))) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("shared/packetdrill");
            if (Files.isRegularFile(c.resolve("tier1a.txt"))) {
                return c.normalize();
            }
        }
        return null;
    }
}
