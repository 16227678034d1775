package dev.jtcp.sim;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.NetStack;

import java.util.Objects;

/**
 * What an {@link EventApp} sees: its host, virtual time, non-blocking sockets, and watches. A watch calls
 * its handler on the simulator's thread after the stack woke the socket (Linux's socket wait queue: data,
 * end of stream, space to write, a connection to accept, a state change, an error) and one of the events
 * asked for holds, like poll(); once more right after it is made, if they already hold. The handler runs
 * after every packet arriving at that instant has been taken in, as a process would. The socket calls of
 * an event-driven application are not in the trace.
 */
public final class EventProc {
    /** POLLIN: data, end of stream or an error to read; on a listener, a connection to accept. */
    public static final int READ = 1;
    /** POLLOUT: a write would make progress or fail at once; a connect() has completed or failed. */
    public static final int WRITE = 2;

    /** Called when a watched socket is ready. */
    @FunctionalInterface
    public interface Handler {
        void ready(TcpSocket s) throws Exception;
    }

    private final Simulation sim;
    final Host host;
    final String name;

    EventProc(Simulation sim, Host host, String name) {
        this.sim = sim;
        this.host = host;
        this.name = name;
    }

    /** The host this application runs on. */
    public String host() {
        return host.name;
    }

    public NetStack stack() {
        return host.stack;
    }

    /** Virtual time since the start of the simulation. */
    public long nowNs() {
        return sim.nowNs();
    }

    /** socket(AF_INET, SOCK_STREAM, 0), non-blocking. */
    public TcpSocket socket() {
        TcpSocket s = TcpSocket.open(host.stack);
        host.stack.traceCall(s.fd(), "socket", "AF_INET, SOCK_STREAM", s.fd(), "", "socket(): new TCP socket");
        return s;
    }

    /**
     * Calls handler whenever the stack wakes s and one of events ({@link #READ}, {@link #WRITE}) holds;
     * replaces any earlier watch of s. s must belong to this application's host.
     */
    public void watch(TcpSocket s, int events, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        if (s.stack() != host.stack) {
            throw new IllegalArgumentException("socket " + s + " is not on host " + host.name);
        }
        if (events == 0 || (events & ~(READ | WRITE)) != 0) {
            throw new IllegalArgumentException("events: expected READ, WRITE or both, got " + events);
        }
        host.watch(new Watch(this, s, events, handler));
    }

    /** Stops watching s (a no-op if it is not watched). */
    public void unwatch(TcpSocket s) {
        Host.SockWaiters w = host.waiters.get(s.sock());
        if (w != null && w.watch != null) {
            host.unwatch(w.watch);
        }
    }
}
