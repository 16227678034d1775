package dev.jtcp.sim;

/** An application inside the simulation failed; the cause is its exception. */
public final class SimulationException extends RuntimeException {
    public SimulationException(String message, Throwable cause) {
        super(message, cause);
    }
}
