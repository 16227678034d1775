package dev.jtcp.sim.scenario;

import dev.jtcp.sim.Simulation;

import java.time.Duration;
import java.util.List;

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
     * {@code moments} are the instants at which the scenario's queues are worth looking at
     * ({@code jtcp scenario NAME --ss} prints the socket tables then and at the end).
     */
    record Run(Simulation sim, Duration limit, boolean untilQuiet, List<Duration> moments) {
        public Run {
            moments = List.copyOf(moments);
        }

        public Run(Simulation sim, Duration limit, boolean untilQuiet) {
            this(sim, limit, untilQuiet, List.of());
        }

        /** The same run with the instants worth a socket-table snapshot (besides the end). */
        public Run withMoments(Duration... at) {
            return new Run(sim, limit, untilQuiet, List.of(at));
        }

        public long run() {
            return untilQuiet ? sim.run(limit) : sim.runFor(limit);
        }
    }
}
