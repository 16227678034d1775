package dev.jtcp.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * A progress line on standard error while something long runs (a scenario of many virtual minutes, a big
 * trace file). It appears only after a second, so quick runs print nothing, and only on a terminal; it is
 * rewritten in place and erased at the end, so it never mixes with the output.
 *
 * <p>The status is read from another thread without locking: it displays numbers that only grow (virtual
 * time, events so far), so a stale read shows an old number for a moment and changes nothing in the run
 * itself, which stays deterministic.
 */
final class Progress implements AutoCloseable {
    private static final long FIRST_MS = 1000;
    private static final long EVERY_MS = 200;

    private final PrintWriter err;
    private final Supplier<String> status;
    private final boolean enabled;
    private final Thread thread;
    private boolean done;
    private int shown;

    private Progress(PrintWriter err, Supplier<String> status, boolean enabled, boolean ticking) {
        this.err = err;
        this.status = status;
        this.enabled = enabled;
        this.thread = enabled && ticking
                ? Thread.ofPlatform().daemon().name("jtcp-progress").unstarted(this::loop) : null;
        if (thread != null) {
            thread.start();
        }
    }

    /** Starts showing {@code status} on {@code err} when {@code enabled} (standard error is a terminal). */
    static Progress start(PrintWriter err, boolean enabled, Supplier<String> status) {
        return new Progress(err, status, enabled, true);
    }

    /** A progress line that is shown only when {@link #show()} is called: no thread, no clock (tests). */
    static Progress manual(PrintWriter err, boolean enabled, Supplier<String> status) {
        return new Progress(err, status, enabled, false);
    }

    private void loop() {
        try {
            Thread.sleep(FIRST_MS);
            while (show()) {
                Thread.sleep(EVERY_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rewrites the line with the current status; false once closed. */
    synchronized boolean show() {
        if (done) {
            return false;
        }
        if (!enabled) {
            return true;
        }
        String s;
        try {
            s = "jtcp: " + status.get();
        } catch (RuntimeException e) {
            s = "jtcp: working";   // a racy read of a growing list may throw; the next one will do
        }
        err.print("\r" + s + " ".repeat(Math.max(0, shown - s.length())));
        err.flush();
        shown = Math.max(shown, s.length());
        return true;
    }

    /** Stops and erases the line. */
    @Override
    public void close() {
        synchronized (this) {
            done = true;
            if (shown > 0) {
                err.print("\r" + " ".repeat(shown) + "\r");
                err.flush();
            }
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
