package dev.jtcp.sim;

import dev.jtcp.tcp.TcpSock;

import java.util.BitSet;
import java.util.IdentityHashMap;

import dev.jtcp.stack.NetStack;
import dev.jtcp.time.Deadline;

import java.util.ArrayList;
import java.util.List;

/** A simulated host: its stack and its processes. */
final class Host {
    final String name;
    final NetStack stack;
    final List<SimProcess> processes = new ArrayList<>();
    /** Earliest stack-timer event already queued for this host. */
    long timerScheduledNs = Deadline.NONE;
    /** Something on this host changed since its blocked processes were last checked. */
    boolean dirty;
    /** Blocked processes to check next, by index in {@link #processes} (so they run in creation order). */
    final BitSet candidates = new BitSet();
    /** Processes blocked on a condition tied to no socket: checked whenever anything on the host changes. */
    final BitSet generic = new BitSet();
    /** Processes blocked on a socket, by socket: checked when the stack wakes that socket. */
    final IdentityHashMap<TcpSock, List<SimProcess>> waiters = new IdentityHashMap<>();

    /** The stack woke sk: its waiters are checked next. */
    void wake(TcpSock sk) {
        List<SimProcess> l = waiters.get(sk);
        if (l != null) {
            for (SimProcess p : l) {
                candidates.set(p.index);
            }
        }
        dirty = true;
    }

    /** Something happened on the host (a packet, a timer, a process step): its generic waiters are checked. */
    void touch() {
        candidates.or(generic);
        dirty = true;
    }

    /** Bookkeeping when p blocks on cond (on sock, or on nothing in particular when sock is null). */
    void blocked(SimProcess p, TcpSock sock, boolean selfWoken) {
        if (sock != null) {
            waiters.computeIfAbsent(sock, k -> new ArrayList<>(1)).add(p);
        } else if (!selfWoken) {
            generic.set(p.index);
        }
    }

    /** Bookkeeping when p stops waiting. */
    void unblocked(SimProcess p) {
        if (p.waitSock != null) {
            List<SimProcess> l = waiters.get(p.waitSock);
            if (l != null) {
                l.remove(p);
                if (l.isEmpty()) {
                    waiters.remove(p.waitSock);
                }
            }
            p.waitSock = null;
        }
        generic.clear(p.index);
        candidates.clear(p.index);
    }

    Host(String name, NetStack stack) {
        this.name = name;
        this.stack = stack;
    }
}
