package dev.jtcp.trace;

/**
 * A connection changed state. {@code from} and {@code to} are Linux's state names (SYN_SENT, ESTABLISHED,
 * FIN_WAIT1, TIME_WAIT, CLOSE, LISTEN...). Every connection that ends ends with {@code to = CLOSE}.
 *
 * @param conn the connection as seen from this host, "local>remote" ("10.0.0.1:40000>10.0.0.2:80")
 */
public record StateEvent(long tNs, String host, String conn, String from, String to, String why) implements TraceEvent {
    @Override
    public String type() {
        return "state";
    }
}
