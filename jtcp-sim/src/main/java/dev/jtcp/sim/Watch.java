package dev.jtcp.sim;

import dev.jtcp.api.TcpSocket;

/** An event-driven application's interest in one socket: what it waits for and what to call. */
final class Watch {
    final EventProc owner;
    final TcpSocket sock;
    final int events;
    final EventProc.Handler handler;
    /** Slot in the host's watch list. */
    int index;
    boolean active = true;
    /**
     * Test aid: the condition did not hold when last checked, so the next change that makes it hold must
     * come with a wake-up of the socket (checked under jtcp.sim.verifyWakeups).
     */
    boolean armed;

    Watch(EventProc owner, TcpSocket sock, int events, EventProc.Handler handler) {
        this.owner = owner;
        this.sock = sock;
        this.events = events;
        this.handler = handler;
    }

    /** Whether one of the events asked for holds: what poll() would report. */
    boolean ready() {
        return ((events & EventProc.READ) != 0 && sock.readable())
                || ((events & EventProc.WRITE) != 0 && sock.writeReady());   // POLLOUT: sk_stream_is_writeable()
    }
}
