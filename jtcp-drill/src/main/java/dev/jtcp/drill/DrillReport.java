package dev.jtcp.drill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Markdown conformance report of a corpus run: totals per tier (when the corpus's tier lists are found next
 * to the scripts), a table per directory, the reason for each failure and skip, and the missing features that
 * skips are waiting for, by how many scripts each would unblock. It is deterministic (no times, no dates) so
 * that regenerating it only changes what changed.
 */
public final class DrillReport {
    public static final String BEGIN = "<!-- drill-report:begin -->";
    public static final String END = "<!-- drill-report:end -->";
    /** The command that regenerates the report in docs/CONFORMANCE.md (from the repository root). */
    public static final String COMMAND = "./jtcp drill --report docs/CONFORMANCE.md ../shared/packetdrill/gtests";

    private DrillReport() {
    }

    /** Replaces the report section of a Markdown file (between the markers), or appends it. */
    public static void update(Path file, List<DrillResult> results, List<Path> files, DrillOptions opts) throws IOException {
        String section = BEGIN + "\n" + markdown(results, files, opts) + END + "\n";
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        String updated;
        if (b >= 0 && e > b) {
            int after = e + END.length();
            if (after < text.length() && text.charAt(after) == '\n') {
                after++;
            }
            updated = text.substring(0, b) + section + text.substring(after);
        } else {
            updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    /** The corpus-relative name of a script: "blocking/blocking-read.pkt" for .../gtests/net/tcp/blocking/blocking-read.pkt. */
    static String shortName(String file) {
        String f = file.replace('\\', '/');
        int i = f.indexOf("gtests/net/tcp/");
        return i >= 0 ? f.substring(i + "gtests/net/tcp/".length()) : f;
    }

    private static String dirOf(String shortName) {
        int i = shortName.lastIndexOf('/');
        return i < 0 ? "." : shortName.substring(0, i + 1);
    }

    /** A list file (tier1a.txt, ...) in the corpus root above the scripts, as corpus-relative names; empty if none. */
    static Set<String> listNamed(List<Path> files, String listName) {
        for (Path f : files) {
            for (Path d = f.toAbsolutePath().getParent(); d != null; d = d.getParent()) {
                Path l = d.resolve(listName);
                if (Files.isRegularFile(l)) {
                    Set<String> out = new LinkedHashSet<>();
                    try {
                        for (String line : Files.readAllLines(l)) {
                            String t = line.strip();
                            if (!t.isEmpty() && !t.startsWith("#")) {
                                out.add(shortName(t));
                            }
                        }
                    } catch (IOException e) {
                        return Set.of();
                    }
                    return out;
                }
            }
        }
        return Set.of();
    }

    private static String cell(String s) {
        String one = s.replace("\n", " ").replace("|", "\\|").strip();
        return one.length() > 240 ? one.substring(0, 237) + "..." : one;
    }

    private record Counts(int total, int pass, int fail, int skip) {
        Counts add(DrillResult r) {
            return new Counts(total + 1, pass + (r.status() == DrillResult.Status.PASS ? 1 : 0),
                    fail + (r.status() == DrillResult.Status.FAIL ? 1 : 0), skip + (r.status() == DrillResult.Status.SKIP ? 1 : 0));
        }

        String row() {
            return total + " | " + pass + " | " + fail + " | " + skip;
        }
    }

    private static final Counts ZERO = new Counts(0, 0, 0, 0);

    /**
     * The scripts that fail on Linux 6.18: how Linux fails each (measured, {@link LinuxFailures}), what jtcp
     * does, and whether that is the same failure, a feature jtcp lacks, or an explained difference.
     */
    static String againstLinux(Set<String> expectedFail, Map<String, DrillResult> byName) {
        StringBuilder sb = new StringBuilder();
        Map<LinuxFailures.Verdict, Integer> counts = new java.util.EnumMap<>(LinuxFailures.Verdict.class);
        StringBuilder rows = new StringBuilder();
        for (String n : expectedFail) {
            DrillResult r = byName.get(n);
            if (r == null) {
                continue;
            }
            LinuxFailures.Failure f = LinuxFailures.of(n);
            String linux = f == null ? "not measured" : "line " + f.line() + ": " + f.linux();
            LinuxFailures.Verdict v = f == null ? LinuxFailures.Verdict.UNEXPLAINED : LinuxFailures.verdict(f, r);
            counts.merge(v, 1, Integer::sum);
            String jtcp = r.status() == DrillResult.Status.PASS ? "PASS"
                    : r.status() + (r.line() > 0 ? " line " + r.line() : "") + ": " + r.message();
            String verdict = switch (v) {
                case ALIKE -> "fails like Linux";
                case NOT_RUN -> "not run (jtcp lacks what the skip names)";
                case EXPLAINED -> "differs: " + f.whyJtcpDiffers();
                case UNEXPLAINED -> "**differs, unexplained**";
            };
            rows.append("| `").append(n).append("` | ").append(cell(linux)).append(" | ").append(cell(jtcp)).append(" | ")
                    .append(cell(verdict)).append(" |\n");
        }
        sb.append("### The scripts that fail on Linux 6.18\n\n");
        sb.append("Failing is the right outcome for these, the way Linux fails. Linux's failures were measured on 6.18.44 with ")
                .append("`jtcp-drill/src/test/resources/scripts/run-on-linux.sh` (kept in ")
                .append("`jtcp-drill/src/main/resources/dev/jtcp/drill/linux-6.18-failures.txt`); \"fails like Linux\" means the ")
                .append("same line and the same symptom. ");
        sb.append("Of ").append(counts.values().stream().mapToInt(Integer::intValue).sum()).append(": ")
                .append(counts.getOrDefault(LinuxFailures.Verdict.ALIKE, 0)).append(" fail like Linux, ")
                .append(counts.getOrDefault(LinuxFailures.Verdict.NOT_RUN, 0)).append(" are not run, ")
                .append(counts.getOrDefault(LinuxFailures.Verdict.EXPLAINED, 0)).append(" differ with a reason, ")
                .append(counts.getOrDefault(LinuxFailures.Verdict.UNEXPLAINED, 0)).append(" differ unexplained.\n\n");
        sb.append("| script | Linux 6.18 | jtcp | verdict |\n|---|---|---|---|\n").append(rows).append('\n');
        return sb.toString();
    }

    /** The report body (without the markers). */
    public static String markdown(List<DrillResult> results, List<Path> files, DrillOptions opts) {
        Map<String, Set<String>> sets = new LinkedHashMap<>();
        sets.put("tier 1a (core TCP)", listNamed(files, "tier1a.txt"));
        sets.put("tier 1b (socket-API extras)", listNamed(files, "tier1b.txt"));
        sets.put("tier 1c (TCP Fast Open)", listNamed(files, "tier1c.txt"));
        Set<String> expectedFail = listNamed(files, "expected-fail-on-linux-6.18.txt");
        sets.put("fail on Linux 6.18 too", expectedFail);

        StringBuilder sb = new StringBuilder();
        sb.append("## Packetdrill corpus: Linux's own TCP tests\n\n");
        sb.append("`jtcp drill` plays google/packetdrill's TCP scripts (`gtests/net/tcp`, the IPv4 run of `run_all.py`: ")
                .append("`*v6.pkt` left out) against one jtcp stack in virtual time, HZ=").append(opts.hz())
                .append(opts.timerWheel() ? " with the timer wheel" : " without the timer wheel")
                .append(" (the reference kernel's clock). PASS means every packet, call result and `%{ }%` assert matched with ")
                .append("packetdrill's own rules; SKIP means the script needs something jtcp or the runner does not have (never ")
                .append("counted as a pass). Linux 6.18's results are the oracle: the tiers list what passes there.\n\n");
        sb.append("Regenerate this section (from the repository root, with the corpus in `../shared/packetdrill`):\n\n```\n")
                .append(COMMAND).append("\n```\n\n");

        Map<String, DrillResult> byName = new LinkedHashMap<>();
        for (DrillResult r : results) {
            byName.put(shortName(r.file()), r);
        }
        Counts all = ZERO;
        for (DrillResult r : results) {
            all = all.add(r);
        }
        sb.append("| scripts | total | passed | failed | skipped |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, Set<String>> e : sets.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Counts c = ZERO;
            for (String n : e.getValue()) {
                DrillResult r = byName.get(n);
                if (r != null) {
                    c = c.add(r);
                }
            }
            if (c.total() > 0) {
                sb.append("| ").append(e.getKey()).append(" | ").append(c.row()).append(" |\n");
            }
        }
        sb.append("| **all run** | ").append(all.row()).append(" |\n\n");

        if (!expectedFail.isEmpty()) {
            sb.append(againstLinux(expectedFail, byName));
        }

        // per directory
        Map<String, List<DrillResult>> dirs = new TreeMap<>();
        for (DrillResult r : results) {
            dirs.computeIfAbsent(dirOf(shortName(r.file())), k -> new ArrayList<>()).add(r);
        }
        sb.append("### By directory\n\n| directory | scripts | passed | failed | skipped |\n|---|---|---|---|---|\n");
        for (Map.Entry<String, List<DrillResult>> e : dirs.entrySet()) {
            Counts c = ZERO;
            for (DrillResult r : e.getValue()) {
                c = c.add(r);
            }
            sb.append("| `").append(e.getKey()).append("` | ").append(c.row()).append(" |\n");
        }
        sb.append('\n');

        sb.append("### Every script that does not pass, by directory\n\n");
        for (Map.Entry<String, List<DrillResult>> e : dirs.entrySet()) {
            List<DrillResult> notPassing = e.getValue().stream().filter(r -> r.status() != DrillResult.Status.PASS).toList();
            List<String> passing = e.getValue().stream().filter(r -> r.status() == DrillResult.Status.PASS)
                    .map(r -> shortName(r.file()).substring(e.getKey().length())).toList();
            sb.append("#### `").append(e.getKey()).append("`\n\n");
            if (!passing.isEmpty()) {
                sb.append("Passed: ").append(String.join(", ", passing.stream().map(n -> "`" + n + "`").toList())).append(".\n\n");
            }
            if (notPassing.isEmpty()) {
                continue;
            }
            sb.append("| script | result | line | reason |\n|---|---|---|---|\n");
            for (DrillResult r : notPassing) {
                String n = shortName(r.file());
                String tag = expectedFail.contains(n) ? " (fails on 6.18 too)" : "";
                sb.append("| `").append(n.substring(e.getKey().length())).append("` | ").append(r.status()).append(tag)
                        .append(" | ").append(r.line() > 0 ? r.line() : "").append(" | ").append(cell(r.message())).append(" |\n");
            }
            sb.append('\n');
        }

        // skips grouped by missing construct
        Map<String, List<String>> needs = new TreeMap<>();
        for (DrillResult r : results) {
            if (r.status() == DrillResult.Status.SKIP) {
                needs.computeIfAbsent(r.construct() == null ? "?" : r.construct(), k -> new ArrayList<>()).add(shortName(r.file()));
            }
        }
        if (!needs.isEmpty()) {
            sb.append("### What the skipped scripts wait for\n\n");
            sb.append("The first unsupported construct each skipped script reaches (a script may need more after it).\n\n");
            sb.append("| missing | scripts | which |\n|---|---|---|\n");
            List<Map.Entry<String, List<String>>> sorted = new ArrayList<>(needs.entrySet());
            sorted.sort((a, b) -> b.getValue().size() != a.getValue().size() ? b.getValue().size() - a.getValue().size()
                    : a.getKey().compareTo(b.getKey()));
            for (Map.Entry<String, List<String>> e : sorted) {
                List<String> names = e.getValue();
                String which = names.size() <= 6 ? String.join(", ", names.stream().map(n -> "`" + n + "`").toList())
                        : String.join(", ", names.subList(0, 5).stream().map(n -> "`" + n + "`").toList()) + ", ... ("
                        + (names.size() - 5) + " more)";
                sb.append("| ").append(cell(e.getKey())).append(" | ").append(names.size()).append(" | ").append(which).append(" |\n");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
