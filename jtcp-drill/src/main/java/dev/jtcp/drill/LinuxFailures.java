package dev.jtcp.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Linux 6.18 fails the corpus scripts that fail there (expected-fail-on-linux-6.18.txt), as measured for this
 * project with run-on-linux.sh and written down in linux-6.18-failures.txt, and the verdict on jtcp's result for
 * each: the goal is that jtcp fails each one the way Linux does, or that the difference is explained.
 */
public final class LinuxFailures {

    /**
     * One measured failure.
     *
     * @param script  corpus-relative name ("ts_recent/invalid_ack.pkt")
     * @param line    the script line Linux fails at
     * @param key     text jtcp's failure message contains when it fails the same way
     * @param linux   how Linux fails, in a sentence
     * @param whyJtcpDiffers why jtcp's result differs, or "" when it should not
     */
    public record Failure(String script, int line, String key, String linux, String whyJtcpDiffers) {
    }

    /** How jtcp's result compares with Linux's failure. */
    public enum Verdict {
        /** jtcp fails at the same line, with the same symptom. */
        ALIKE,
        /** jtcp does not run the script (a feature it lacks): the skip names it. */
        NOT_RUN,
        /** jtcp's result differs and the difference is explained. */
        EXPLAINED,
        /** jtcp's result differs and nothing explains why: a defect or a missing note. */
        UNEXPLAINED
    }

    private static final Map<String, Failure> MEASURED = load();

    private LinuxFailures() {
    }

    private static Map<String, Failure> load() {
        Map<String, Failure> m = new LinkedHashMap<>();
        try (InputStream in = LinuxFailures.class.getResourceAsStream("linux-6.18-failures.txt")) {
            if (in == null) {
                throw new IllegalStateException("linux-6.18-failures.txt is missing from the jtcp-drill jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                if (f.length != 5) {
                    throw new IllegalStateException("linux-6.18-failures.txt: 5 fields separated by '|' expected: " + line);
                }
                Failure fl = new Failure(f[0].strip(), Integer.parseInt(f[1].strip()), f[2].strip(), f[3].strip(), f[4].strip());
                m.put(fl.script(), fl);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Linux's measured failure of a corpus-relative script name, or null when none was measured. */
    public static Failure of(String script) {
        return MEASURED.get(script);
    }

    /** The verdict on jtcp's result for a script Linux fails as {@code f} says. */
    public static Verdict verdict(Failure f, DrillResult r) {
        if (r.status() == DrillResult.Status.SKIP) {
            return Verdict.NOT_RUN;
        }
        if (r.status() == DrillResult.Status.FAIL && r.line() == f.line() && r.message().contains(f.key())) {
            return Verdict.ALIKE;
        }
        return f.whyJtcpDiffers().isEmpty() ? Verdict.UNEXPLAINED : Verdict.EXPLAINED;
    }
}
