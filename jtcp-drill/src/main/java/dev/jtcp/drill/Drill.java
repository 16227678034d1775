package dev.jtcp.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/** Runs many scripts: collecting them from files, directories and list files, in parallel, in a stable order. */
public final class Drill {
    private Drill() {
    }

    /**
     * The scripts to run: each file as given; each directory searched recursively for {@code *.pkt} (sorted,
     * without the IPv6-only {@code *v6.pkt}, as run_all.py does for IPv4); each line of a list file (paths
     * relative to the list file's directory, {@code #} comments and blank lines ignored).
     */
    public static List<Path> collect(List<Path> inputs, List<Path> listFiles) {
        List<Path> out = new ArrayList<>();
        for (Path l : listFiles) {
            Path base = l.toAbsolutePath().getParent();
            try {
                for (String line : Files.readAllLines(l)) {
                    String t = line.strip();
                    if (t.isEmpty() || t.startsWith("#")) {
                        continue;
                    }
                    out.add(base.resolve(t).normalize());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read list file " + l + ": " + e.getMessage(), e);
            }
        }
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".pkt"))
                            .filter(f -> !f.getFileName().toString().endsWith("v6.pkt"))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read directory " + p + ": " + e.getMessage(), e);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Runs every script (in parallel on {@code threads} threads); results in the order of {@code files}. Each run
     * has its own stack. A run that does not return within its wall-time limit (plus a margin: the runner
     * checks the limit itself, this catches a stack that never gives control back) is reported as FAIL and
     * abandoned on its daemon thread, so one bad script never stops the others.
     */
    public static List<DrillResult> runAll(List<Path> files, DrillOptions opts, int threads) {
        int n = Math.max(1, Math.min(threads, files.size()));
        ThreadFactory daemons = r -> {
            Thread t = new Thread(r, "jtcp-drill");
            t.setDaemon(true);
            return t;
        };
        ExecutorService pool = Executors.newFixedThreadPool(n, daemons);
        try {
            List<Future<DrillResult>> futures = new ArrayList<>();
            for (Path f : files) {
                futures.add(pool.submit(() -> runOne(f, opts)));
            }
            long graceMs = opts.wallLimitMs() * 2 + 5_000;
            List<DrillResult> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                Future<DrillResult> fu = futures.get(i);
                try {
                    out.add(fu.get(graceMs, TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    fu.cancel(true);
                    out.add(failed(files.get(i), "wall-time limit of " + opts.wallLimitMs() + " ms exceeded: the run did not return"));
                } catch (ExecutionException e) {
                    out.add(failed(files.get(i), "runner error: " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static DrillResult failed(Path f, String message) {
        return new DrillResult(f.toString(), DrillResult.Status.FAIL, 0, message, "", null, "", List.of(), 0, 0);
    }

    private static DrillResult runOne(Path f, DrillOptions opts) {
        if (!Files.isRegularFile(f)) {
            return failed(f, "no such script file");
        }
        try {
            return Runner.run(f, opts);
        } catch (StackOverflowError | OutOfMemoryError e) {
            return failed(f, "runner error: " + e);
        }
    }

    /** "drill: N passed, M failed, K skipped". */
    public static String summary(List<DrillResult> results) {
        long pass = results.stream().filter(r -> r.status() == DrillResult.Status.PASS).count();
        long fail = results.stream().filter(r -> r.status() == DrillResult.Status.FAIL).count();
        long skip = results.stream().filter(r -> r.status() == DrillResult.Status.SKIP).count();
        return "drill: " + pass + " passed, " + fail + " failed, " + skip + " skipped";
    }
}
