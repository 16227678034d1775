package dev.jtcp.drill;

import dev.jtcp.stack.NetStack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How scripts are run.
 *
 * @param hz             CONFIG_HZ of jtcp's TCP timers (250, as the reference Linux 6.18 kernel the corpus
 *                       results come from)
 * @param timerWheel     place timers on Linux's timer wheel (as that kernel does)
 * @param seed           seed of the stack's secrets (ISNs, timestamp offsets, ports)
 * @param defines        {@code -D NAME=VALUE} macros; the defaults are those run_all.py passes for IPv4
 * @param verbose        keep a log of every event, packet and call
 * @param keepTrace      keep the stack's trace events in the result
 * @param wallLimitMs    wall-clock limit per script
 * @param virtualLimitNs virtual-time limit per script
 */
public record DrillOptions(int hz, boolean timerWheel, long seed, Map<String, String> defines, boolean verbose,
                           boolean keepTrace, long wallLimitMs, long virtualLimitNs) {

    public DrillOptions {
        defines = Map.copyOf(defines);
    }

    /** The macros run_all.py passes to every IPv4 run of the corpus. */
    public static Map<String, String> runAllDefines() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("TFO_COOKIE", "3021b9d889017eeb");
        d.put("CODE", "host_unreachable");
        d.put("CMSG_LEVEL_IP", "SOL_IP");
        d.put("CMSG_TYPE_RECVERR", "IP_RECVERR");
        return d;
    }

    public static DrillOptions defaults() {
        return new DrillOptions(NetStack.DEFAULT_HZ, true, 1, runAllDefines(), false, false, 20_000, 3_600_000_000_000L);
    }

    public DrillOptions withVerbose(boolean v) {
        return new DrillOptions(hz, timerWheel, seed, defines, v, keepTrace, wallLimitMs, virtualLimitNs);
    }

    public DrillOptions withTrace(boolean t) {
        return new DrillOptions(hz, timerWheel, seed, defines, verbose, t, wallLimitMs, virtualLimitNs);
    }

    public DrillOptions withClock(int newHz, boolean wheel) {
        return new DrillOptions(newHz, wheel, seed, defines, verbose, keepTrace, wallLimitMs, virtualLimitNs);
    }

    public DrillOptions withDefines(Map<String, String> d) {
        return new DrillOptions(hz, timerWheel, seed, d, verbose, keepTrace, wallLimitMs, virtualLimitNs);
    }

    public DrillOptions withLimits(long wallMs, long virtualNs) {
        return new DrillOptions(hz, timerWheel, seed, defines, verbose, keepTrace, wallMs, virtualNs);
    }
}
