package dev.jtcp.drill;

import dev.jtcp.trace.TraceEvent;

import java.util.List;

/**
 * The outcome of one script.
 *
 * @param file      the script as given
 * @param status    PASS, FAIL or SKIP
 * @param line      the script line the verdict is about (0 when none)
 * @param message   one line: for FAIL what differed, for SKIP what is unsupported
 * @param detail    further lines (expected and actual packets, tcpdump style), may be empty
 * @param construct for SKIP, the short name of the missing construct (groups skips in reports); else null
 * @param log       the verbose log of the run (empty unless asked for)
 * @param trace     the stack's trace events (empty unless asked for)
 * @param wallNs    wall time the run took
 * @param virtualNs virtual time the run reached
 */
public record DrillResult(String file, Status status, int line, String message, String detail, String construct,
                          String log, List<TraceEvent> trace, long wallNs, long virtualNs) {

    public enum Status { PASS, FAIL, SKIP }

    /** One line: "PASS file", "FAIL file:line: message", "SKIP file:line: message". */
    public String summaryLine() {
        return switch (status) {
            case PASS -> "PASS " + file;
            case FAIL, SKIP -> status + " " + file + (line > 0 ? ":" + line : "") + ": " + message;
        };
    }
}
