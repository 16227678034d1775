package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Simulation;

import java.time.Duration;

/**
 * A named, reproducible situation built with the public simulation API: hosts {@code client}
 * (10.0.0.1, the active opener) and {@code server} (10.0.0.2, the listener), a link, faults and
 * application timelines. {@link #description()} says which behaviour it shows.
 */
public interface Scenario {
    String name();

    /** One line: the behaviour the scenario shows. */
    String description();

    /** Builds the simulation for these parameters (seed, RTT, settings). */
    Run build(ScenarioParams params);

    /**
     * A simulation ready to run: until it is quiet (nothing in flight, no timer, no runnable process)
     * but for at most {@code limit}, or for exactly {@code limit} when {@code untilQuiet} is false.
     */
    record Run(Simulation sim, Duration limit, boolean untilQuiet) {
        public long run() {
            return untilQuiet ? sim.run(limit) : sim.runFor(limit);
        }
    }
}
