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
        sim.sleep(self(), d.toNanos());
    }

    public void sleepMillis(long ms) {
        sim.sleep(self(), Nanos.ofMillis(ms));
    }

    /** pause(2): blocks until the simulation ends (a server that never calls accept(), say). */
    public void pause() {
        self().block(() -> false);
    }

    /** Sleeps until virtual time t (no-op if it has passed). */
    public void sleepUntil(Duration t) {
        long d = t.toNanos() - sim.nowNs();
        if (d > 0) {
            sim.sleep(self(), d);
        }
    }

    /**
     * Blocks the calling process until cond holds; the simulator re-checks it whenever something on this
     * host changes. The caller may be another process of the host than the one that created the socket
     * (a worker sharing its parent's listener, as after fork()).
     */
    void await(java.util.function.BooleanSupplier cond) {
        self().block(cond);
    }

    /** Blocks the calling process until cond, which only a wake-up of sock can make true, holds. */
    void await(dev.jtcp.api.TcpSocket sock, java.util.function.BooleanSupplier cond) {
        self().block(cond, sock.sock(), false);
    }

    /** The process calling (which may not be the one this Proc was made for). */
    private SimProcess self() {
        SimProcess cur = SimProcess.current();
        return cur != null ? cur : process;
    }

    /**
     * Sends a hand-made packet from this host (a raw socket with IP_HDRINCL): the source address may be
     * anything, which is how scenarios spoof a SYN flood or replay an old duplicate. {@code why} is what
     * the trace shows for it.
     */
    public void sendRaw(String srcAddr, String dstAddr, dev.jtcp.wire.TcpHeader tcp, String why) {
        sendRaw(dev.jtcp.wire.Ipv4Addr.parse(srcAddr), dev.jtcp.wire.Ipv4Addr.parse(dstAddr), tcp, why);
    }

    public void sendRaw(int srcAddr, int dstAddr, dev.jtcp.wire.TcpHeader tcp, String why) {
        stack().sendRaw(sim.nowNs(), srcAddr, dstAddr, 0, tcp, null, why);
        sim.afterRawSend(process);
    }

    /** Starts another application on this host now (a forked worker); it runs when this one blocks. */
    public void spawn(App app) {
        sim.app(process.host.name, app);
    }

    /** A random stream for this application, derived from the simulation's seed and the label. */
    public dev.jtcp.time.Rng random(String label) {
        return new dev.jtcp.time.Rng(sim.seed()).split(process.host.name + "/" + process.name + "/" + label);
    }

    /** Wraps a socket the application got from accept(). */
    SimSocket wrap(TcpSocket s) {
        return new SimSocket(this, s);
    }
}
