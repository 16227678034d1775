package dev.jtcp.trace;

/**
 * A timer armed, fired or cancelled.
 *
 * @param timer retransmit, delack, persist, keepalive, time_wait, fin_wait2, synack (a listener's request), probe (TLP)
 * @param action arm, fire or cancel
 * @param expiresNs when it is (was) due; for cancel, the deadline it had
 */
public record TimerEvent(long tNs, String host, String conn, String timer, String action, long expiresNs,
                         String why) implements TraceEvent {
    @Override
    public String type() {
        return "timer";
    }
}
