package dev.jtcp.trace;

/**
 * Where a host's events go. The stack asks {@link #enabled()} before building an event, so a disabled
 * tracer costs one branch per event site.
 */
public interface Tracer {
    Tracer NONE = new Tracer() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void emit(TraceEvent event) {}
    };

    boolean enabled();

    void emit(TraceEvent event);
}
