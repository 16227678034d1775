package dev.jtcp.sim;

/**
 * An application: straight-line code that uses sockets and sleeps in virtual time.
 *
 * <pre>{@code
 * sim.app("server", p -> {
 *     SimSocket l = p.socket();
 *     l.bind(80);
 *     l.listen(128);
 *     SimSocket c = l.accept();
 *     c.write(c.read(100).data());
 * });
 * }</pre>
 */
@FunctionalInterface
public interface App {
    void run(Proc p) throws Exception;
}
