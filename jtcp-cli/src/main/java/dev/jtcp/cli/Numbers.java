package dev.jtcp.cli;

/** How the CLI prints a number a user typed or a setting holds: "10" for 10.0, "0.05" for 0.05. */
final class Numbers {
    private Numbers() {}

    static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
