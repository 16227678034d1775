package dev.jtcp.sim.scenario;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Sysctl;

import java.util.List;

/**
 * What a user may vary in a scenario: the seed, the round-trip time of the link, Linux settings
 * applied to both hosts, and the kernel tick model.
 *
 * @param seed randomness seed (ISNs, ports, timestamps, link faults)
 * @param rttMs round-trip time in milliseconds (may be fractional: 0.05 is 50 us), or NaN for the
 *              scenario's own default
 * @param settings "net.ipv4.tcp_syn_retries=5" style assignments, applied to every host
 * @param hz the kernel tick rate for timers (CONFIG_HZ)
 * @param timerWheel round timer expiries up on Linux's timer wheel
 */
public record ScenarioParams(long seed, double rttMs, List<String> settings, int hz, boolean timerWheel) {
    public static final String CLIENT = "client";
    public static final String SERVER = "server";
    public static final String ATTACKER = "attacker";
    public static final String CLIENT_ADDR = "10.0.0.1";
    public static final String SERVER_ADDR = "10.0.0.2";
    public static final String ATTACKER_ADDR = "10.0.0.3";
    /** RTT used when neither the scenario nor the user asks for another: visible on a ladder. */
    public static final double DEFAULT_RTT_MS = 50;

    public ScenarioParams {
        settings = List.copyOf(settings);
        Sysctl check = new Sysctl();
        for (String s : settings) {
            check.apply(s);   // validates with Linux's names and ranges; throws a one-line message
        }
    }

    public static ScenarioParams defaults() {
        return new ScenarioParams(1, Double.NaN, List.of(), dev.jtcp.stack.NetStack.DEFAULT_HZ, true);
    }

    public ScenarioParams withSeed(long s) {
        return new ScenarioParams(s, rttMs, settings, hz, timerWheel);
    }

    public ScenarioParams withRtt(double ms) {
        return new ScenarioParams(seed, ms, settings, hz, timerWheel);
    }

    public ScenarioParams withSettings(List<String> s) {
        return new ScenarioParams(seed, rttMs, s, hz, timerWheel);
    }

    public ScenarioParams withHz(int h, boolean wheel) {
        return new ScenarioParams(seed, rttMs, settings, h, wheel);
    }

    /** The RTT to use: the user's, else the scenario's default. */
    public double rttOr(double scenarioDefault) {
        return Double.isNaN(rttMs) ? scenarioDefault : rttMs;
    }

    /**
     * The two-host world plus an attacker host (10.0.0.3) linked to the server with the same RTT;
     * settings as {@link #twoHosts(double, String...)}.
     */
    public Simulation.Builder threeHosts(double defaultRttMs, String... scenarioDefaults) {
        return twoHosts(defaultRttMs, scenarioDefaults)
                .host(ATTACKER, ATTACKER_ADDR)
                .link(ATTACKER, SERVER, LinkSpec.rttMillis(rttOr(defaultRttMs)));
    }

    /**
     * The standard two-host world: client and server on one link with the chosen RTT. The scenario's
     * own "name=value" settings are applied first, then the user's, which win.
     */
    public Simulation.Builder twoHosts(double defaultRttMs, String... scenarioDefaults) {
        Simulation.Builder b = Simulation.builder()
                .seed(seed)
                .hz(hz, timerWheel)
                .host(CLIENT, CLIENT_ADDR)
                .host(SERVER, SERVER_ADDR)
                .link(CLIENT, SERVER, LinkSpec.rttMillis(rttOr(defaultRttMs)));
        apply(b, List.of(scenarioDefaults));
        apply(b, settings);
        return b;
    }

    /** The standard two-host world with the link shaped further (random loss, say) in both directions. */
    public Simulation.Builder twoHosts(double defaultRttMs, java.util.function.UnaryOperator<LinkSpec> shape,
                                       String... scenarioDefaults) {
        Simulation.Builder b = Simulation.builder()
                .seed(seed)
                .hz(hz, timerWheel)
                .host(CLIENT, CLIENT_ADDR)
                .host(SERVER, SERVER_ADDR)
                .link(CLIENT, SERVER, shape.apply(LinkSpec.rttMillis(rttOr(defaultRttMs))));
        apply(b, List.of(scenarioDefaults));
        apply(b, settings);
        return b;
    }

    private static void apply(Simulation.Builder b, List<String> assignments) {
        for (String s : assignments) {
            int eq = s.indexOf('=');
            b.sysctl(s.substring(0, eq), s.substring(eq + 1));
        }
    }
}
