package dev.jtcp.sim;

import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * An application timeline: straight-line code on its own virtual thread, run one step at a time by the
 * simulator. Exactly one of the simulator and its processes runs at any moment (a strict hand-off with
 * two semaphores), so a run is deterministic however the JVM schedules threads. A process gives control
 * back whenever it blocks (a socket call that must wait, a sleep) and resumes at the virtual instant its
 * condition holds.
 */
final class SimProcess {
    /** Thrown inside a process when the simulation ends while it is blocked; unwinds its code. */
    static final class Abort extends Error {
        Abort() {
            super("simulation over", null, false, false);
        }
    }

    final Host host;
    final String name;
    final long order;
    /** Position in the host's process list. */
    final int index;
    /** The socket whose wake-up ends the current wait, or null. */
    dev.jtcp.tcp.TcpSock waitSock;
    private final App body;
    private final Proc proc;
    private final Semaphore procTurn = new Semaphore(0);
    private final Semaphore simTurn = new Semaphore(0);
    private Thread thread;
    private boolean aborted;
    boolean finished;
    Throwable failure;
    /** What the process waits for; null while it is runnable or running. */
    BooleanSupplier waitingFor;
    /** Set by the simulator when a sleep ends. */
    boolean woken;

    SimProcess(Host host, String name, long order, App body, Simulation sim) {
        this.host = host;
        this.name = name;
        this.order = order;
        this.index = host.processes.size();
        this.body = body;
        this.proc = new Proc(sim, this);
    }

    /** Simulator side: run the process until it blocks or ends. */
    void resume() {
        if (thread == null) {
            thread = Thread.ofVirtual().name("sim-" + host.name + "-" + name).unstarted(this::main);
            thread.start();
        }
        waitingFor = null;
        host.unblocked(this);
        procTurn.release();
        simTurn.acquireUninterruptibly();
    }

    /** Simulator side: end a blocked process by unwinding it. */
    void abort() {
        if (finished || thread == null) {
            finished = true;
            return;
        }
        aborted = true;
        procTurn.release();
        simTurn.acquireUninterruptibly();
    }

    /** The process running on the current thread, or null on the simulator's thread. */
    private static final ThreadLocal<SimProcess> CURRENT = new ThreadLocal<>();

    static SimProcess current() {
        return CURRENT.get();
    }

    private void main() {
        CURRENT.set(this);
        procTurn.acquireUninterruptibly();
        try {
            if (!aborted) {
                body.run(proc);
            }
        } catch (Abort a) {
            // the simulation ended while this process was blocked
        } catch (Throwable t) {
            failure = t;
        } finally {
            finished = true;
            waitingFor = null;
            simTurn.release();
        }
    }

    /** Process side: give control back until cond holds (checked by the simulator whenever the host changes). */
    void block(BooleanSupplier cond) {
        block(cond, null, false);
    }

    /**
     * Process side: give control back until cond holds. With sock, the simulator checks cond only when the
     * stack wakes sock; with selfWoken, only when the simulator itself wakes this process (a sleep's end).
     */
    void block(BooleanSupplier cond, dev.jtcp.tcp.TcpSock sock, boolean selfWoken) {
        if (cond.getAsBoolean()) {
            return;
        }
        waitingFor = cond;
        waitSock = sock;
        host.blocked(this, sock, selfWoken);
        simTurn.release();
        procTurn.acquireUninterruptibly();
        if (aborted) {
            throw new Abort();
        }
    }
}
