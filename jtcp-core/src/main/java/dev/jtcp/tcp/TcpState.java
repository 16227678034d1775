package dev.jtcp.tcp;

/**
 * The eleven TCP states (RFC 9293 3.3.2) under Linux's names and numbers (include/net/tcp_states.h).
 * Linux calls CLOSED "CLOSE" and SYN-RECEIVED "SYN_RECV"; the trace uses these names.
 */
public enum TcpState {
    ESTABLISHED(1, "ESTAB"),
    SYN_SENT(2, "SYN-SENT"),
    SYN_RECV(3, "SYN-RECV"),
    FIN_WAIT1(4, "FIN-WAIT-1"),
    FIN_WAIT2(5, "FIN-WAIT-2"),
    TIME_WAIT(6, "TIME-WAIT"),
    CLOSE(7, "UNCONN"),
    CLOSE_WAIT(8, "CLOSE-WAIT"),
    LAST_ACK(9, "LAST-ACK"),
    LISTEN(10, "LISTEN"),
    CLOSING(11, "CLOSING");

    /** Linux's TCP_* state number (what TCP_INFO's tcpi_state holds). */
    public final int linuxNumber;
    /** How {@code ss} prints the state. */
    public final String ssName;

    TcpState(int linuxNumber, String ssName) {
        this.linuxNumber = linuxNumber;
        this.ssName = ssName;
    }

    /** Linux's TCPF_* bit for state masks. */
    public int bit() {
        return 1 << linuxNumber;
    }

    /** True once the handshake has completed in either direction (RFC 9293 "synchronized states"). */
    public boolean synchronizedState() {
        return this != SYN_SENT && this != SYN_RECV && this != LISTEN && this != CLOSE;
    }
}
