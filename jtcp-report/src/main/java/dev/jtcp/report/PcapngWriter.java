package dev.jtcp.report;

import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.trace.TraceEvent;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.TcpHeader;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The trace as a pcapng capture file for Wireshark and tshark: one interface per host, named after the
 * host, and each segment once, with the rule that sent it as its packet comment, so that Wireshark shows
 * the explanation beside the packet ({@code frame.comment}). What became of the segment follows as further
 * comments: when and why the receiver took it, that it was lost in the network and by which rule, or that
 * the receiver discarded it and why.
 *
 * <p>Each segment is written once, where tcpdump on the first of its two hosts (in the view's host order:
 * the client, in the scenarios) would have captured it: on that host's interface, at the time it left or
 * arrived there. Writing every host's copy would make Wireshark's TCP analysis, which does not separate
 * interfaces, see each segment twice and call the copies retransmissions; one capture point keeps its
 * analysis (retransmissions, duplicate ACKs, RTTs) as for a real capture. A segment that never reached that
 * host is written at its sender, when it left; one with no transmission in the trace (sent by a peer
 * outside it) where it was received or dropped. A lost segment's payload is left out (see
 * {@link #PAYLOAD_LEFT_OUT}). Timestamps are the trace's times counted from the epoch with nanosecond
 * resolution, so the same trace gives the same file, byte for byte.
 *
 * <p>Packets are the bytes the stack sent when the trace has them (a live run). A trace read back from
 * JSON Lines keeps headers but not bytes: its packets are rebuilt from the headers (IPv4 with TTL 64, DF,
 * ID 0, a correct checksum) with zero bytes as payload, and the section comment says so.
 *
 * <p>Format: draft-ietf-opsawg-pcapng (section header, interface description and enhanced packet blocks),
 * little-endian, link type 101 (raw IP).
 */
public final class PcapngWriter {
    private static final int SHB = 0x0A0D0D0A;
    private static final int IDB = 0x00000001;
    private static final int EPB = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int LINKTYPE_RAW = 101;
    private static final int OPT_END = 0;
    private static final int OPT_COMMENT = 1;
    private static final int SHB_USERAPPL = 4;
    private static final int IF_NAME = 2;
    private static final int IF_DESCRIPTION = 3;
    private static final int IF_TSRESOL = 9;
    private static final int EPB_FLAGS = 2;
    private static final int FLAG_INBOUND = 1;
    private static final int FLAG_OUTBOUND = 2;
    private static final int REBUILT_TTL = 64;

    /**
     * Said of a lost segment whose payload is not in the file. Wireshark reassembles the payload of every
     * segment it is shown; data that never arrived would be reassembled with its retransmission and reported
     * as a reassembly error. The headers are all there; the original length is kept, so Wireshark shows the
     * segment as cut short by the capture.
     */
    static final String PAYLOAD_LEFT_OUT = "payload not captured: it never arrived (headers only, so that Wireshark "
            + "does not reassemble data that was lost)";

    private PcapngWriter() {}

    /** The whole file. */
    public static byte[] write(TraceView view) {
        Flights flights = new Flights(view);
        List<String> interfaces = new ArrayList<>(view.hosts());
        for (String h : flights.outsideHosts(view.hosts())) {
            if (!interfaces.contains(h)) {
                interfaces.add(h);
            }
        }
        List<? extends TraceEvent> events = view.events();
        // Each segment once, where it left its sender; what became of it is told in further comments.
        record Packet(int event, long ts, String iface, int flags, byte[] bytes, int captured, List<String> comments) {}
        List<Packet> packets = new ArrayList<>();
        boolean rebuilt = false;
        int skipped = 0;
        for (int i = 0; i < events.size(); i++) {
            if (!(events.get(i) instanceof SegmentEvent s)) {
                continue;
            }
            Flights.Flight f = flights.of(i);
            boolean first = f == null || f.send == i || (f.send < 0 && firstOf(f) == i);
            if (!first) {
                continue;   // an arrival or drop of a segment already written: a comment on it
            }
            byte[] bytes = s.packet();
            if (bytes == null) {
                if (s.tcp() == null) {
                    skipped++;
                    continue;
                }
                bytes = rebuild(s);
                rebuilt = true;
            }
            List<String> comments = new ArrayList<>();
            String why = s.why() == null ? "" : s.why();
            int flags;
            if (s.kind() == SegmentEvent.Kind.SEND) {
                comments.add(why);
                flags = FLAG_OUTBOUND;
            } else {
                // no transmission in the trace (a peer outside it): written where it was seen
                comments.add(switch (s.kind()) {
                    case RECV -> why;
                    default -> ("network".equals(s.by()) ? "lost in the network: " : "dropped by " + s.host() + ": ") + why;
                });
                flags = FLAG_INBOUND;
            }
            if (f != null) {
                for (int r : f.recvs) {
                    if (r != i) {
                        comments.add(f.to + " received it at " + time(events.get(r).tNs(), s.tNs()) + ": " + events.get(r).why());
                    }
                }
                if (f.networkDrop >= 0 && f.networkDrop != i) {
                    comments.add("lost in the network on the way to " + f.to + ": " + events.get(f.networkDrop).why());
                }
                if (f.lost() && s.tcp() != null && s.payloadLength() > 0) {
                    comments.add(PAYLOAD_LEFT_OUT);
                }
                if (f.hostDrop >= 0 && f.hostDrop != i) {
                    comments.add(f.to + " discarded it: " + events.get(f.hostDrop).why());
                }
            }
            // Where it is captured: at whichever of its two hosts comes first (the client, in the scenarios),
            // as tcpdump there would see it; a segment that never got there, at its sender.
            String iface = s.host();
            long ts = s.tNs();
            if (f != null && f.send == i && !f.recvs.isEmpty() && interfaces.indexOf(f.to) >= 0
                    && interfaces.indexOf(f.to) < interfaces.indexOf(f.from)) {
                iface = f.to;
                ts = events.get(f.recvs.getFirst()).tNs();
                flags = FLAG_INBOUND;
            }
            int captured = bytes.length;
            if (f != null && f.lost() && s.tcp() != null && s.payloadLength() > 0) {
                captured = Math.max(0, bytes.length - s.payloadLength());
            }
            packets.add(new Packet(i, ts, iface, flags, bytes, captured, comments));
        }
        packets.sort(java.util.Comparator.comparingLong(Packet::ts).thenComparingInt(Packet::event));
        Buf out = new Buf();
        // Section header.
        List<byte[]> shbOpts = new ArrayList<>();
        shbOpts.add(option(SHB_USERAPPL, utf8("jtcp")));
        StringBuilder comment = new StringBuilder(view.title().isEmpty() ? "jtcp trace" : view.title());
        if (!view.description().isEmpty()) {
            comment.append(": ").append(view.description());
        }
        if (rebuilt) {
            comment.append(". Packets rebuilt from the trace's headers: payload bytes are zeros.");
        }
        if (skipped > 0) {
            comment.append(' ').append(skipped).append(" dropped packets without a TCP header are not included.");
        }
        shbOpts.add(0, option(OPT_COMMENT, utf8(comment.toString())));
        Buf shb = new Buf();
        shb.u32(BYTE_ORDER_MAGIC);
        shb.u16(1);
        shb.u16(0);
        shb.u64(-1);   // section length not specified
        block(out, SHB, shb, shbOpts);
        // One interface per host.
        for (String h : interfaces) {
            Buf idb = new Buf();
            idb.u16(LINKTYPE_RAW);
            idb.u16(0);
            idb.u32(0);   // no snap length limit
            String addr = view.addresses().get(h);
            List<byte[]> opts = List.of(
                    option(IF_NAME, utf8(h)),
                    option(IF_DESCRIPTION, utf8(addr == null ? "jtcp host " + h : "jtcp host " + h + " " + addr)),
                    option(IF_TSRESOL, new byte[] {9}));
            block(out, IDB, idb, opts);
        }
        for (Packet p : packets) {
            Buf epb = new Buf();
            epb.u32(Math.max(0, interfaces.indexOf(p.iface())));
            long ts = p.ts();
            epb.u32((int) (ts >>> 32));
            epb.u32((int) ts);
            epb.u32(p.captured());
            epb.u32(p.bytes().length);
            epb.bytes(p.bytes(), p.captured());
            epb.pad();
            List<byte[]> opts = new ArrayList<>();
            for (String c : p.comments()) {
                opts.add(option(OPT_COMMENT, utf8(c)));
            }
            Buf flags = new Buf();
            flags.u32(p.flags());
            opts.add(option(EPB_FLAGS, flags.toArray()));
            block(out, EPB, epb, opts);
        }
        return out.toArray();
    }

    /** The first event of a flight that has no transmission in the trace. */
    private static int firstOf(Flights.Flight f) {
        int m = Integer.MAX_VALUE;
        for (int r : f.recvs) {
            m = Math.min(m, r);
        }
        if (f.networkDrop >= 0) {
            m = Math.min(m, f.networkDrop);
        }
        if (f.hostDrop >= 0) {
            m = Math.min(m, f.hostDrop);
        }
        return m;
    }

    /** "0.025000 (+25 ms)". */
    private static String time(long t, long sent) {
        return dev.jtcp.time.Nanos.toSecondsString(t) + " s (+" + Xml.num((t - sent) / 1e6) + " ms)";
    }

    /** The packet a header describes: IPv4 as Linux sends it, the TCP header, zeros for the payload. */
    private static byte[] rebuild(SegmentEvent s) {
        TcpHeader h = s.tcp();
        int len = Math.min(s.payloadLength(), 65535 - 20 - h.headerLength());
        return PacketBuilder.ipv4Tcp(s.src().addr(), s.dst().addr(), REBUILT_TTL, 0, h, new byte[len]);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One option: code, length, value padded to 32 bits. Comments longer than an option can hold are cut. */
    private static byte[] option(int code, byte[] value) {
        int len = Math.min(value.length, 0xFFF0);
        Buf b = new Buf();
        b.u16(code);
        b.u16(len);
        b.bytes(value, len);
        b.pad();
        return b.toArray();
    }

    /** type, total length, body, options (then end of options), total length again. */
    private static void block(Buf out, int type, Buf body, List<byte[]> options) {
        Buf opts = new Buf();
        for (byte[] o : options) {
            opts.bytes(o);
        }
        if (!options.isEmpty()) {
            opts.u16(OPT_END);
            opts.u16(0);
        }
        int total = 12 + body.size() + opts.size();
        out.u32(type);
        out.u32(total);
        out.bytes(body.toArray());
        out.bytes(opts.toArray());
        out.u32(total);
    }

    /** A little-endian byte buffer. */
    private static final class Buf {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream(256);

        void u16(int v) {
            b.write(v);
            b.write(v >>> 8);
        }

        void u32(int v) {
            u16(v & 0xFFFF);
            u16(v >>> 16);
        }

        void u64(long v) {
            u32((int) v);
            u32((int) (v >>> 32));
        }

        void bytes(byte[] a) {
            b.write(a, 0, a.length);
        }

        void bytes(byte[] a, int len) {
            b.write(a, 0, len);
        }

        void pad() {
            while (b.size() % 4 != 0) {
                b.write(0);
            }
        }

        int size() {
            return b.size();
        }

        byte[] toArray() {
            return b.toByteArray();
        }
    }
}
