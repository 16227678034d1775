package dev.jtcp.sim;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.NetStack;
import dev.jtcp.time.Nanos;

import java.time.Duration;

/** What an application sees: its host, virtual time, sockets and sleep. */
public final class Proc {
    private final Simulation sim;
    private final SimProcess process;

    Proc(Simulation sim, SimProcess process) {
        this.sim = sim;
        this.process = process;
    }

    /** The host this application runs on. */
    public String host() {
        return process.host.name;
    }

    public NetStack stack() {
        return process.host.stack;
    }

    /** Virtual time since the start of the simulation. */
    public long nowNs() {
        return sim.nowNs();
    }

    public Duration now() {
        return Duration.ofNanos(sim.nowNs());
    }

    /** socket(AF_INET, SOCK_STREAM, 0). */
    public SimSocket socket() {
        TcpSocket s = TcpSocket.open(stack());
        stack().traceCall(s.fd(), "socket", "AF_INET, SOCK_STREAM", s.fd(), "", "socket(): new TCP socket");
        return new SimSocket(this, s);
    }

    /** Sleeps in virtual time. */
    public void sleep(Duration d) {
        sim.sleep(process, d.toNanos());
    }

    public void sleepMillis(long ms) {
        sim.sleep(process, Nanos.ofMillis(ms));
    }

    /** Sleeps until virtual time t (no-op if it has passed). */
    public void sleepUntil(Duration t) {
        long d = t.toNanos() - sim.nowNs();
        if (d > 0) {
            sim.sleep(process, d);
        }
    }

    /** Blocks until cond holds; the simulator re-checks it whenever something on this host changes. */
    void await(java.util.function.BooleanSupplier cond) {
        process.block(cond);
    }

    /** Wraps a socket the application got from accept(). */
    SimSocket wrap(TcpSocket s) {
        return new SimSocket(this, s);
    }
}
