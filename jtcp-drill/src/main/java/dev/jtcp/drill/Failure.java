package dev.jtcp.drill;

/** The script failed: jtcp did something other than what the script expects (or the script is wrong). */
final class Failure extends RuntimeException {
    private final int line;
    private final String detail;

    Failure(int line, String message, String detail) {
        super(message);
        this.line = line;
        this.detail = detail == null ? "" : detail;
    }

    Failure(int line, String message) {
        this(line, message, "");
    }

    int line() {
        return line;
    }

    String detail() {
        return detail;
    }
}
