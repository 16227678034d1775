package dev.jtcp.drill;

import java.util.List;

/** The parsed form of a packetdrill script (parser.y's script, events, packets, system calls). */
public final class Ast {
    private Ast() {
    }

    /**
     * A whole script.
     *
     * @param file    the path as given (for messages)
     * @param options {@code --name[=value]} lines before the first event
     * @param init    the first backquoted command before any event (usually {@code defaults.sh}), or null
     * @param events  the timed events, in script order
     * @param cleanup a backquoted command after the last event, without a time, or null
     */
    public record Script(String file, List<Option> options, Command init, List<Event> events, Command cleanup) {
    }

    /** A {@code --name=value} line (value null for a flag). */
    public record Option(String name, String value, int line) {
    }

    /** One timed line: when, and what. */
    public record Event(int line, Time time, Action action) {
    }

    public enum TimeType { ABSOLUTE, RELATIVE, ANY, ABSOLUTE_RANGE, RELATIVE_RANGE }

    /** An event time: microseconds as packetdrill computes them ((long) (seconds * 1e6)). */
    public record Time(TimeType type, long startUs, long endUs) {
    }

    /** What an event does. */
    public sealed interface Action permits Packet, Syscall, Command, Code {
    }

    public enum Direction { INBOUND, OUTBOUND }

    /** How an outbound packet's IP TOS byte is checked (or an inbound one set). */
    public enum TosCheck { NONE, ECN, ECT01, TOS }

    /**
     * A {@code <} or {@code >} TCP (or ICMP) line.
     *
     * @param direction {@code <} inbound (injected), {@code >} outbound (expected from jtcp)
     * @param tosCheck  how the TOS byte is checked
     * @param tos       the TOS value or ECN bits to check / set
     * @param ttl       TTL to check (0: unchecked)
     * @param srcPort   explicit source port ({@code 1234 > 80}), 0 when not given
     * @param dstPort   explicit destination port, 0 when not given
     * @param flags     the flags as written ("S.", "P.", "-" for none)
     * @param seq       relative start sequence number
     * @param len       payload length
     * @param ack       relative acknowledgment number (0 when not given)
     * @param window    window field, -1 when not given (unchecked outbound; inbound must give it)
     * @param urg       urgent pointer
     * @param options   the TCP options in order, or null for {@code <...>} (any options, outbound only)
     * @param icmp      for an ICMP line, its type, code and quoted segment; null for TCP
     */
    public record Packet(Direction direction, TosCheck tosCheck, int tos, int ttl, int srcPort, int dstPort,
                         String flags, long seq, int len, long ack, int window, int urg, List<TcpOpt> options,
                         Icmp icmp) implements Action {
    }

    /**
     * An ICMP line: {@code < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]}.
     *
     * @param type     "unreachable", "time_exceeded", ...
     * @param code     "frag_needed", "host_unreachable", ... or null
     * @param mtu      next-hop MTU, -1 when not given
     * @param echoSeq  relative sequence number of the quoted TCP segment
     * @param echoLen  payload length of the quoted segment
     * @param protocol quoted protocol: "tcp", "udp" or "raw"
     */
    public record Icmp(String type, String code, int mtu, long echoSeq, int echoLen, String protocol) {
    }

    /** One TCP option of a script packet. */
    public sealed interface TcpOpt permits Nop, Eol, Mss, WScale, SackOk, Sack, Ts, Md5, FastOpen, AccEcn {
    }

    public record Nop() implements TcpOpt {
    }

    public record Eol() implements TcpOpt {
    }

    public record Mss(int mss) implements TcpOpt {
    }

    public record WScale(int shift) implements TcpOpt {
    }

    public record SackOk() implements TcpOpt {
    }

    /** SACK blocks, relative left:right pairs. */
    public record Sack(List<long[]> blocks) implements TcpOpt {
    }

    public record Ts(long val, long ecr) implements TcpOpt {
    }

    public record Md5(byte[] digest) implements TcpOpt {
    }

    /** TCP Fast Open option, RFC 7413 (kind 34) or the experimental kind 254 with magic 0xF989. */
    public record FastOpen(byte[] cookie, boolean experimental) implements TcpOpt {
    }

    /** The AccECN option; parsed so that its scripts skip with a clear reason. */
    public record AccEcn(String text) implements TcpOpt {
    }

    /**
     * A system call line.
     *
     * @param name    e.g. "write"
     * @param args    the argument expressions
     * @param endUs   for a blocking call ({@code 0...0.2 accept(...)}), when it must return, in the same time
     *                base as the event's start; null for a call that must not block
     * @param result  the expected return value expression
     * @param errno   the expected errno name, or null
     * @param note    the parenthesized note, or null
     */
    public record Syscall(String name, List<Expr> args, Long endUs, Expr result, String errno, String note)
            implements Action {
    }

    /** A backquoted shell command. */
    public record Command(String text, int line) implements Action {
    }

    /** A {@code %{ ... }%} code snippet (Python in packetdrill; our own evaluator here). */
    public record Code(String text, int line) implements Action {
    }
}
