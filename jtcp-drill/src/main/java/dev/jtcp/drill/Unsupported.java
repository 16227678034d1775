package dev.jtcp.drill;

/**
 * Something a script uses that this runner or jtcp does not support yet: the script is reported as SKIP
 * naming the construct, never as passed.
 *
 * @see #construct() the short name of what is missing, used to group skips in reports
 */
public final class Unsupported extends RuntimeException {
    private final String construct;
    private final int line;

    /**
     * @param construct short, stable name of the missing piece (e.g. "setsockopt TCP_NOTSENT_LOWAT"), used to
     *                  group skips
     * @param line      script line, 0 when not tied to one
     * @param detail    what exactly is missing and where it would have to be added
     */
    public Unsupported(String construct, int line, String detail) {
        super(detail);
        this.construct = construct;
        this.line = line;
    }

    public String construct() {
        return construct;
    }

    public int line() {
        return line;
    }
}
