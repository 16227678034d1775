package dev.jtcp.report;

import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The segments of a trace paired up: each transmission with its arrival(s), its loss in the network or its
 * discard by the receiver. The trace records the two ends separately (a {@code send} on one host, a
 * {@code recv} or {@code drop} on the other), but a picture draws one arrow from one to the other, so the
 * pairing is done once here for every renderer.
 *
 * <p>Segments are paired by their header and length (not by the packet bytes, which a trace read back
 * from JSON Lines does not have): a network drop goes with the latest transmission of that segment not yet
 * accounted for, an arrival with the earliest (links deliver in order unless reordering is configured, and
 * identical segments are interchangeable anyway), a second arrival of an already delivered segment is a
 * duplicate made by the link. Also here: the initial sequence numbers for tcpdump-style relative numbers,
 * and the one-way delay of each direction, measured from the pairs.
 */
final class Flights {

    /** One transmitted segment and what became of it. Indexes are into the trace's event list; -1 for none. */
    static final class Flight {
        final int send;
        final String from;
        final String to;
        final List<Integer> recvs = new ArrayList<>(2);
        int networkDrop = -1;
        int hostDrop = -1;

        Flight(int send, String from, String to) {
            this.send = send;
            this.from = from;
            this.to = to;
        }

        boolean lost() {
            return networkDrop >= 0 && recvs.isEmpty();
        }
    }

    private final List<? extends TraceEvent> events;
    private final List<Flight> flights = new ArrayList<>();
    private final Flight[] byEvent;
    private final int[] isnSrc;
    private final int[] isnDst;
    private final Map<String, Long> delays = new HashMap<>();
    private final long anyDelay;
    private final Map<String, String> hostByAddr = new HashMap<>();

    Flights(TraceView view) {
        this(view.events(), view.addresses());
    }

    Flights(List<? extends TraceEvent> events, Map<String, String> addresses) {
        this.events = events;
        learnAddresses(addresses);
        int n = events.size();
        byEvent = new Flight[n];
        isnSrc = new int[n];
        isnDst = new int[n];
        pair();
        numberRelative();
        Map<String, List<Long>> samples = new HashMap<>();
        List<Long> all = new ArrayList<>();
        for (Flight f : flights) {
            if (f.send >= 0 && !f.recvs.isEmpty()) {
                long d = events.get(f.recvs.getFirst()).tNs() - events.get(f.send).tNs();
                samples.computeIfAbsent(f.from + ">" + f.to, k -> new ArrayList<>()).add(d);
                all.add(d);
            }
        }
        samples.forEach((k, v) -> delays.put(k, median(v)));
        anyDelay = all.isEmpty() ? -1 : median(all);
    }

    /**
     * Which host each address belongs to: the given ones, then every source a host sends from and every
     * destination a host receives on (a host may have several addresses, or spoof them). Addresses of no
     * host are peers outside the trace; when there are many (a flood from spoofed sources), they share one
     * column, "other hosts", instead of one each.
     */
    private void learnAddresses(Map<String, String> addresses) {
        addresses.forEach((h, a) -> hostByAddr.putIfAbsent(a, h));
        for (TraceEvent e : events) {
            if (e instanceof SegmentEvent s && s.tcp() != null) {
                if (s.kind() == SegmentEvent.Kind.SEND) {
                    hostByAddr.putIfAbsent(Ipv4Addr.format(s.src().addr()), s.host());
                } else if (s.kind() == SegmentEvent.Kind.RECV) {
                    hostByAddr.putIfAbsent(Ipv4Addr.format(s.dst().addr()), s.host());
                }
            }
        }
        java.util.Set<String> unknown = new java.util.TreeSet<>();
        for (TraceEvent e : events) {
            if (e instanceof SegmentEvent s) {
                for (int a : new int[] {s.src().addr(), s.dst().addr()}) {
                    String text = Ipv4Addr.format(a);
                    if (!hostByAddr.containsKey(text)) {
                        unknown.add(text);
                    }
                }
            }
        }
        if (unknown.size() > 2) {
            for (String a : unknown) {
                hostByAddr.put(a, OTHERS);
            }
        }
    }

    /** The column of the peers outside the trace when there are many of them. */
    static final String OTHERS = "other hosts";

    private static long median(List<Long> v) {
        long[] a = v.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    private void pair() {
        Map<String, Deque<Flight>> pending = new HashMap<>();
        Map<String, Flight> delivered = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (!(events.get(i) instanceof SegmentEvent s)) {
                continue;
            }
            String key = key(s);
            switch (s.kind()) {
                case SEND -> {
                    Flight f = new Flight(i, s.host(), hostOf(s.dst().addr()));
                    flights.add(f);
                    byEvent[i] = f;
                    pending.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(f);
                }
                case RECV -> {
                    Flight f = null;
                    Deque<Flight> q = pending.get(key);
                    if (q != null && !q.isEmpty()) {
                        f = q.pollFirst();
                    } else if (delivered.get(key) instanceof Flight d && d.to.equals(s.host())) {
                        f = d;   // a duplicate made by the link
                    }
                    if (f == null) {
                        f = new Flight(-1, hostOf(s.src().addr()), s.host());
                        flights.add(f);
                    }
                    f.recvs.add(i);
                    delivered.put(key, f);
                    byEvent[i] = f;
                }
                case DROP -> {
                    Flight f = null;
                    if ("network".equals(s.by())) {
                        Deque<Flight> q = pending.get(key);
                        if (q != null) {
                            for (Iterator<Flight> it = q.descendingIterator(); it.hasNext(); ) {
                                Flight c = it.next();
                                if (c.networkDrop < 0) {
                                    f = c;
                                    it.remove();
                                    break;
                                }
                            }
                        }
                        if (f == null) {
                            f = new Flight(-1, hostOf(s.src().addr()), s.host());
                            flights.add(f);
                        }
                        f.networkDrop = i;
                    } else {
                        if (delivered.get(key) instanceof Flight d && d.to.equals(s.host()) && d.hostDrop < 0) {
                            f = d;
                        } else {
                            f = new Flight(-1, hostOf(s.src().addr()), s.host());
                            flights.add(f);
                        }
                        f.hostDrop = i;
                    }
                    byEvent[i] = f;
                }
            }
        }
    }

    /** Relative numbers as tcpdump prints them: from the latest SYN of each direction (the first one before any). */
    private void numberRelative() {
        Map<String, Integer> first = new HashMap<>();
        for (TraceEvent e : events) {
            if (e instanceof SegmentEvent s && s.tcp() != null && s.tcp().has(TcpFlags.SYN)) {
                first.putIfAbsent(s.src() + ">" + s.dst(), s.tcp().seq());
            }
        }
        Map<String, Integer> current = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof SegmentEvent s && s.tcp() != null) {
                String fwd = s.src() + ">" + s.dst();
                String rev = s.dst() + ">" + s.src();
                if (s.tcp().has(TcpFlags.SYN)) {
                    current.put(fwd, s.tcp().seq());
                }
                isnSrc[i] = current.getOrDefault(fwd, first.getOrDefault(fwd, 0));
                isnDst[i] = current.getOrDefault(rev, first.getOrDefault(rev, 0));
            }
        }
    }

    /** Header and length, without the checksum (which a read-back trace does not have). */
    private static String key(SegmentEvent s) {
        TcpHeader h = s.tcp();
        StringBuilder sb = new StringBuilder(96).append(s.src()).append('>').append(s.dst());
        if (h == null) {
            return sb.append(" malformed ").append(s.packet() == null ? -1 : s.packet().length).toString();
        }
        return sb.append(' ').append(h.flags()).append(' ').append(h.seq()).append(' ').append(h.ack())
                .append(' ').append(s.payloadLength()).append(' ').append(h.window()).append(' ')
                .append(h.urgentPointer()).append(' ').append(h.options().toTcpdump()).toString();
    }

    /** The host with this address, or the dotted address itself when no host of the trace has it. */
    String hostOf(int addr) {
        String a = Ipv4Addr.format(addr);
        return hostByAddr.getOrDefault(a, a);
    }

    List<Flight> all() {
        return flights;
    }

    /** The flight a segment event belongs to, or null for other events. */
    Flight of(int eventIndex) {
        return byEvent[eventIndex];
    }

    /** ISN of the event's own direction (for seq), 0 when the trace has no SYN of it. */
    int isnSrc(int eventIndex) {
        return isnSrc[eventIndex];
    }

    /** ISN of the reverse direction (for ack and SACK edges). */
    int isnDst(int eventIndex) {
        return isnDst[eventIndex];
    }

    /** The median one-way delay from one host to another, else over all directions, else -1. */
    long delayNs(String from, String to) {
        Long d = delays.get(from + ">" + to);
        return d != null ? d : anyDelay;
    }

    /** The median one-way delay over all directions, -1 when no segment of the trace arrived. */
    long typicalDelayNs() {
        return anyDelay;
    }

    /** Hosts that segments go to but that have no events of their own (a peer outside the trace). */
    List<String> outsideHosts(List<String> hosts) {
        List<String> out = new ArrayList<>();
        for (Flight f : flights) {
            for (String h : List.of(f.from, f.to)) {
                if (!hosts.contains(h) && !out.contains(h)) {
                    out.add(h);
                }
            }
        }
        return out;
    }
}
