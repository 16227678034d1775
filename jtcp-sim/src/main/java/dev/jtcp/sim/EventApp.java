package dev.jtcp.sim;

/**
 * An application written as callbacks (an event loop over non-blocking sockets, as an epoll server is):
 * its code runs on the simulator's own thread, with no thread of its own and no hand-off, so it costs
 * nothing per wake-up beyond its own work. {@link App} is the straight-line alternative.
 *
 * <pre>{@code
 * sim.eventApp("server", e -> {
 *     TcpSocket l = e.socket();
 *     l.bind(new Endpoint(0, 80));
 *     l.listen(128);
 *     e.watch(l, EventProc.READ, ls -> {
 *         for (TcpSocket c; (c = ls.accept()) != null; ) {
 *             e.watch(c, EventProc.READ, cs -> { ... cs.read(buf, 0, buf.length) until -EAGAIN ... });
 *         }
 *     });
 * });
 * }</pre>
 */
@FunctionalInterface
public interface EventApp {
    /** Runs once, at the application's start: opens sockets and watches them. */
    void start(EventProc p) throws Exception;
}
