package dev.jtcp.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** A tracer that keeps every event in memory, in order; shared by all hosts of a run. */
public final class TraceLog implements Tracer {
    private final List<TraceEvent> events = new ArrayList<>();

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void emit(TraceEvent event) {
        events.add(event);
    }

    /** The events so far (a live, unmodifiable view). */
    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }

    public <T extends TraceEvent> List<T> select(Class<T> type, Predicate<? super T> filter) {
        List<T> out = new ArrayList<>();
        for (TraceEvent e : events) {
            if (type.isInstance(e)) {
                T t = type.cast(e);
                if (filter.test(t)) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
