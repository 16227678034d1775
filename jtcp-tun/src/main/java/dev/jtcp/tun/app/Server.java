package dev.jtcp.tun.app;

import dev.jtcp.tun.TunSocket;
import dev.jtcp.tun.TunStack;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An accept loop on a jtcp listener: each connection is served on its own virtual thread, and closed
 * when its handler returns. {@link #run} returns when the listener is closed or the stack stops.
 */
public final class Server {
    /** What a server does with one connection. */
    @FunctionalInterface
    public interface Handler {
        void serve(TunSocket conn) throws IOException;
    }

    private final TunSocket listener;
    private final Handler handler;
    private final AtomicLong served = new AtomicLong();

    private Server(TunSocket listener, Handler handler) {
        this.listener = listener;
        this.handler = handler;
    }

    /** Binds addr:port on the stack and listens with the given backlog. */
    public static Server listen(TunStack stack, InetAddress addr, int port, int backlog, Handler handler) throws IOException {
        TunSocket l = TunSocket.open(stack);
        try {
            l.bind(addr, port);
            l.listen(backlog);
        } catch (IOException e) {
            l.close();
            throw e;
        }
        return new Server(l, handler);
    }

    public TunSocket listener() {
        return listener;
    }

    /** Connections accepted so far. */
    public long served() {
        return served.get();
    }

    /** Accepts until the listener is closed or the stack stops; returns then. */
    public void run() {
        while (!listener.isClosed()) {
            TunSocket c;
            try {
                c = listener.accept(0);
            } catch (IOException e) {
                return;
            }
            served.incrementAndGet();
            Thread.ofVirtual().name("jtcp-conn-" + served.get()).start(() -> {
                try (c) {
                    handler.serve(c);
                } catch (IOException e) {
                    // the peer reset or the stack stopped: this connection is over
                }
            });
        }
    }

    /** Closes the listener (run() returns). */
    public void close() throws IOException {
        listener.close();
    }

    /** Echo (RFC 862): every byte back until the client's FIN, then our FIN. */
    public static void echo(TunSocket c) throws IOException {
        byte[] buf = new byte[65536];
        var in = c.getInputStream();
        var out = c.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        c.shutdownOutput();
    }

    /** Discard (RFC 863): read and drop everything until the client's FIN. */
    public static void discard(TunSocket c) throws IOException {
        byte[] buf = new byte[65536];
        var in = c.getInputStream();
        while (in.read(buf) >= 0) {
            // dropped
        }
        c.shutdownOutput();
    }
}
