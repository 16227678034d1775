package dev.jtcp.sim;

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

    Host(String name, NetStack stack) {
        this.name = name;
        this.stack = stack;
    }
}
