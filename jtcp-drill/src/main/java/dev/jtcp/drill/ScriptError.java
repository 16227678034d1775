package dev.jtcp.drill;

/**
 * A script that packetdrill itself would reject: a syntax error (with the column and what was expected), an
 * inconsistent packet line, a missing file. The message names the file, line and column.
 */
public final class ScriptError extends RuntimeException {
    private final String file;
    private final int line;
    private final int col;
    private final String reason;

    public ScriptError(String file, int line, int col, String message) {
        super(file + ":" + line + (col > 0 ? ":" + col : "") + ": " + message);
        this.file = file;
        this.line = line;
        this.col = col;
        this.reason = message;
    }

    /** The message without the file name: "column 12: syntax error: expected ..., found ...". */
    public String reason() {
        return (col > 0 ? "column " + col + ": " : "") + reason;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int col() {
        return col;
    }
}
