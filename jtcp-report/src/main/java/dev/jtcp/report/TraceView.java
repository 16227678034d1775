package dev.jtcp.report;

import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Ipv4Addr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the renderers draw: a trace plus what is known about the run that made it. A scenario run knows
 * everything (its name, the settings, each host's counters); a trace read back from JSON Lines knows only
 * its events and, when saved with {@code --nstat}, the counters. The renderers depend on nothing else, so
 * the report module needs only the trace model of jtcp-core.
 *
 * @param title one line naming the run ("jtcp scenario syn-lost"); may be empty
 * @param description what the run shows; may be empty
 * @param events the trace, in time order
 * @param hosts the hosts in column order (left to right)
 * @param addresses host name to dotted IPv4 address (hosts without a known address are absent)
 * @param counters per host, the Linux MIB counters (nstat names) at the end of the run; may be empty
 * @param settings the settings the run used; may be empty
 * @param endNs when the run ended (at or after the last event: a run may stay quiet for a while)
 */
public record TraceView(String title, String description, List<TraceEvent> events, List<String> hosts,
                        Map<String, String> addresses, Map<String, Map<String, Long>> counters,
                        List<Setting> settings, long endNs) {

    /**
     * One setting of the run.
     *
     * @param name the setting ("seed", "net.ipv4.tcp_syn_retries")
     * @param value the value used; when hosts differ, each host's value ("client 3, server 5")
     * @param defaultValue Linux's default, or null when the setting has none; a report highlights values
     *                     that differ from it
     */
    public record Setting(String name, String value, String defaultValue) {
        public Setting {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        /** True when the value differs from a known default. */
        public boolean changed() {
            return defaultValue != null && !defaultValue.equals(value);
        }
    }

    public TraceView {
        title = title == null ? "" : title;
        description = description == null ? "" : description;
        events = List.copyOf(events);
        hosts = List.copyOf(hosts);
        addresses = Collections.unmodifiableMap(new LinkedHashMap<>(addresses));
        Map<String, Map<String, Long>> c = new LinkedHashMap<>();
        counters.forEach((h, m) -> c.put(h, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
        counters = Collections.unmodifiableMap(c);
        settings = List.copyOf(settings);
        if (!events.isEmpty()) {
            endNs = Math.max(endNs, events.getLast().tNs());
        }
    }

    /**
     * A view of bare events: the hosts and their addresses are found in the trace (a host's address is the
     * source of what it sends and the destination of what it receives). Hosts are ordered by address when
     * every host has one, which puts the usual active opener (the lower address in the scenarios) on the
     * left; otherwise by first appearance.
     */
    public static TraceView of(List<? extends TraceEvent> events) {
        Map<String, String> addresses = new LinkedHashMap<>();
        List<String> hosts = new ArrayList<>();
        for (TraceEvent e : events) {
            if (!hosts.contains(e.host())) {
                hosts.add(e.host());
            }
            if (e instanceof SegmentEvent s && s.tcp() != null) {
                if (s.kind() == SegmentEvent.Kind.SEND) {
                    addresses.putIfAbsent(s.host(), Ipv4Addr.format(s.src().addr()));
                } else if (s.kind() == SegmentEvent.Kind.RECV) {
                    addresses.putIfAbsent(s.host(), Ipv4Addr.format(s.dst().addr()));
                }
            }
        }
        if (addresses.keySet().containsAll(hosts)) {
            hosts.sort(Comparator.comparingLong(h -> Integer.toUnsignedLong(Ipv4Addr.parse(addresses.get(h)))));
        }
        return new TraceView("", "", List.copyOf(events), hosts, addresses, Map.of(), List.of(), 0);
    }

    public TraceView withTitle(String newTitle, String newDescription) {
        return new TraceView(newTitle, newDescription, events, hosts, addresses, counters, settings, endNs);
    }

    /** The given hosts first, in this order; hosts found in the trace but not listed follow. */
    public TraceView withHosts(List<String> order, Map<String, String> addrs) {
        List<String> h = new ArrayList<>(order);
        for (String x : hosts) {
            if (!h.contains(x)) {
                h.add(x);
            }
        }
        Map<String, String> a = new LinkedHashMap<>(addresses);
        a.putAll(addrs);
        return new TraceView(title, description, events, h, a, counters, settings, endNs);
    }

    public TraceView withCounters(Map<String, Map<String, Long>> newCounters) {
        return new TraceView(title, description, events, hosts, addresses, newCounters, settings, endNs);
    }

    public TraceView withEnd(long newEndNs) {
        return new TraceView(title, description, events, hosts, addresses, counters, settings, newEndNs);
    }

    public TraceView withSettings(List<Setting> newSettings) {
        return new TraceView(title, description, events, hosts, addresses, counters, newSettings, endNs);
    }
}
