package dev.jtcp.trace;

/**
 * One thing that happened on a host, with the rule that caused it ({@link #why()}). The trace is the
 * sequence of these; tests assert on it and every renderer (ladder, JSONL, pcapng) reads only this model.
 */
public sealed interface TraceEvent permits SegmentEvent, StateEvent, TimerEvent, CallEvent, TcpInfoEvent {
    /** Virtual (or wall) time of the event, nanoseconds since the start of the run. */
    long tNs();

    /** The host the event belongs to. */
    String host();

    /** The event type as written in JSONL: send, recv, drop, state, timer, call, tcpinfo. */
    String type();

    /** The rule that produced the event, citing Linux or the RFC where one applies. */
    String why();
}
