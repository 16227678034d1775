package dev.jtcp.sim;

import dev.jtcp.stack.NetStack;
import dev.jtcp.tcp.TcpSock;
import dev.jtcp.time.Deadline;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;

/** A simulated host: its stack, its processes and its event-driven applications' watches. */
final class Host {
    final String name;
    /** Position in the simulation's host array. */
    final int index;
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
    /** Who waits on a socket (blocked processes, a watch), by socket: checked when the stack wakes that socket. */
    final IdentityHashMap<TcpSock, SockWaiters> waiters = new IdentityHashMap<>();
    /** Watches of event-driven applications, by slot (a removed watch's slot is reused, lowest first). */
    final List<Watch> watches = new ArrayList<>();
    /** Slots of removed watches. */
    private final BitSet freeWatchSlots = new BitSet();
    /** Watches to check next, by index in {@link #watches}. */
    final SlotSet watchCandidates = new SlotSet();
    /** The link towards each host, by host index (null: none). */
    Link[] linkTo = new Link[0];
    /** Event-driven applications started on this host (they are named by it). */
    int eventApps;
    /** The last destination address routed, and its host: nearly every packet goes where the one before went. */
    int lastDst;
    Host lastDstHost;

    /** What waits on one socket. */
    static final class SockWaiters {
        final List<SimProcess> processes = new ArrayList<>(1);
        Watch watch;

        boolean isEmpty() {
            return processes.isEmpty() && watch == null;
        }
    }

    Host(String name, int index, NetStack stack) {
        this.name = name;
        this.index = index;
        this.stack = stack;
    }

    /** The stack woke sk: its waiters are checked next. */
    void wake(TcpSock sk) {
        SockWaiters w = waiters.get(sk);
        if (w != null) {
            List<SimProcess> l = w.processes;
            for (int i = 0, n = l.size(); i < n; i++) {
                candidates.set(l.get(i).index);
            }
            if (w.watch != null) {
                watchCandidates.add(w.watch.index);
            }
        }
        dirty = true;
    }

    /** Something happened on the host (a packet, a timer, a process step): its generic waiters are checked. */
    void touch() {
        if (!generic.isEmpty()) {
            candidates.or(generic);
        }
        dirty = true;
    }

    /** Bookkeeping when p blocks on cond (on sock, or on nothing in particular when sock is null). */
    void blocked(SimProcess p, TcpSock sock, boolean selfWoken) {
        if (sock != null) {
            waiters.computeIfAbsent(sock, k -> new SockWaiters()).processes.add(p);
        } else if (!selfWoken) {
            generic.set(p.index);
        }
    }

    /** Bookkeeping when p stops waiting. */
    void unblocked(SimProcess p) {
        if (p.waitSock != null) {
            SockWaiters w = waiters.get(p.waitSock);
            if (w != null) {
                w.processes.remove(p);
                if (w.isEmpty()) {
                    waiters.remove(p.waitSock);
                }
            }
            p.waitSock = null;
        }
        generic.clear(p.index);
        candidates.clear(p.index);
    }

    /** Registers w on its socket (replacing any earlier watch of that socket) and checks it next. */
    void watch(Watch w) {
        SockWaiters sw = waiters.computeIfAbsent(w.sock.sock(), k -> new SockWaiters());
        if (sw.watch != null) {
            unwatch(sw.watch);
            sw = waiters.computeIfAbsent(w.sock.sock(), k -> new SockWaiters());
        }
        sw.watch = w;
        int slot = freeWatchSlots.nextSetBit(0);
        if (slot >= 0) {
            freeWatchSlots.clear(slot);
            watches.set(slot, w);
        } else {
            slot = watches.size();
            watches.add(w);
        }
        w.index = slot;
        watchCandidates.add(slot);
        dirty = true;
    }

    /** Removes w from its socket and frees its slot. */
    void unwatch(Watch w) {
        if (!w.active) {
            return;
        }
        w.active = false;
        watchCandidates.remove(w.index);
        watches.set(w.index, null);
        freeWatchSlots.set(w.index);
        SockWaiters sw = waiters.get(w.sock.sock());
        if (sw != null && sw.watch == w) {
            sw.watch = null;
            if (sw.isEmpty()) {
                waiters.remove(w.sock.sock());
            }
        }
    }
}
