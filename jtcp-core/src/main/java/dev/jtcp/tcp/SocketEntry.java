package dev.jtcp.tcp;

import dev.jtcp.wire.Endpoint;

/**
 * One line of {@code ss -tano}: what inet_diag reports for a socket, a half-open request or a TIME_WAIT
 * record (net/ipv4/inet_diag.c, tcp_diag.c).
 *
 * @param state the state as ss prints it (ESTAB, SYN-RECV, TIME-WAIT, LISTEN, ...)
 * @param recvQ for a listener the accept-queue length (sk_ack_backlog); otherwise bytes received and not
 *              yet read (rcv_nxt - copied_seq, a FIN not yet read counting one)
 * @param sendQ for a listener the backlog (sk_max_ack_backlog); otherwise bytes written and not yet
 *              acknowledged (write_seq - snd_una, a SYN or FIN counting one)
 * @param local local address and port
 * @param peer peer address and port (0.0.0.0:0 for a listener, printed "0.0.0.0:*")
 * @param timer ss's timer name: "on" (retransmit, loss probe, SYN-ACK), "keepalive", "timewait",
 *              "persist", or "" when no timer is pending (ss then prints none)
 * @param timerMs milliseconds until the timer's nominal expiry (0 when none)
 * @param retrans the retransmission or probe count ss shows beside the timer
 * @param kind "sock", "request" (a SYN_RECV request sock) or "timewait" (a TIME_WAIT/FIN_WAIT2 record)
 * @param info for a full socket that is not listening, its TCP_INFO (what {@code ss -i} prints); else null
 */
public record SocketEntry(String state, long recvQ, long sendQ, Endpoint local, Endpoint peer, String timer,
                          long timerMs, int retrans, String kind, TcpInfo info) {

    /** An entry without TCP_INFO. */
    public SocketEntry(String state, long recvQ, long sendQ, Endpoint local, Endpoint peer, String timer,
                       long timerMs, int retrans, String kind) {
        this(state, recvQ, sendQ, local, peer, timer, timerMs, retrans, kind, null);
    }
}
