package dev.jtcp.cli;

/**
 * Whether standard output and standard error are terminals: colour goes only to a terminal, and so does
 * the progress line. The {@code jtcp} launcher knows exactly ({@code [ -t 1 ]}, {@code [ -t 2 ]}) and passes
 * it as {@code -Djtcp.tty=12}; run another way, the JVM's console (present only when standard input,
 * output and error are all terminals) is the best guess.
 */
final class Terminal {
    private Terminal() {}

    static boolean stdout() {
        String p = System.getProperty("jtcp.tty");
        return p != null ? p.contains("1") : System.console() != null;
    }

    static boolean stderr() {
        String p = System.getProperty("jtcp.tty");
        return p != null ? p.contains("2") : System.console() != null;
    }
}
