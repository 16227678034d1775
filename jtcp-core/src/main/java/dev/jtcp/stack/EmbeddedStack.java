package dev.jtcp.stack;

import dev.jtcp.sys.Sysctl;
import dev.jtcp.time.Deadline;
import dev.jtcp.trace.TraceLog;
import dev.jtcp.trace.Tracer;
import dev.jtcp.wire.Ipv4Header;
import dev.jtcp.wire.Ipv4Parse;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.PrettyPrint;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpParse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One stack driven by hand, with no threads and no network (Netty's EmbeddedChannel for TCP): the
 * caller injects packets as if from the wire, moves virtual time forward, and reads what the stack
 * transmitted, each packet stamped with the instant it left. Tests use it to play the remote peer the
 * way packetdrill does; applications can use it to drive jtcp from their own event loop.
 */
public final class EmbeddedStack {
    /**
     * A packet the stack sent, with its send time and parsed headers; gsoSize is the segment size of a TSO
     * packet handed to a device with offloads (0 otherwise, see {@link NetStack.Builder#tsoOffload}).
     */
    public record Outbound(long tNs, byte[] packet, Ipv4Header ip, TcpHeader tcp, int payloadOffset, int payloadLength, int gsoSize) {
        public byte[] payload() {
            byte[] p = new byte[payloadLength];
            System.arraycopy(packet, payloadOffset, p, 0, payloadLength);
            return p;
        }

        @Override
        public String toString() {
            return dev.jtcp.time.Nanos.toSecondsString(tNs) + " " + PrettyPrint.packet(packet, 0, packet.length);
        }
    }

    private final NetStack stack;
    private final ArrayDeque<Outbound> out = new ArrayDeque<>();
    private final TraceLog trace;
    private long nowNs;

    private EmbeddedStack(NetStack.Builder b, TraceLog trace) {
        this.trace = trace;
        this.stack = b.sink(new NetStack.PacketSink() {
            @Override
            public void transmit(NetStack from, byte[] packet) {
                capture(packet, 0);
            }

            @Override
            public void transmitOffload(NetStack from, byte[] buf, int off, int len, int gsoSize) {
                capture(java.util.Arrays.copyOfRange(buf, off, off + len), gsoSize);
            }
        }).build();
    }

    /** A stack at addr with Linux defaults, seed 1, HZ 250 with the timer wheel, tracing on. */
    public static EmbeddedStack create(String addr) {
        return create(addr, new Sysctl(), 1, NetStack.DEFAULT_HZ, true);
    }

    public static EmbeddedStack create(String addr, Sysctl sysctl, long seed, int hz, boolean timerWheel) {
        return create(addr, sysctl, seed, hz, timerWheel, 0, false);
    }

    /**
     * tickPhaseNs: how far into a kernel tick virtual time 0 falls ({@link NetStack.Builder#tickPhase});
     * tsoOffload: a device with checksum and segmentation offload.
     */
    public static EmbeddedStack create(String addr, Sysctl sysctl, long seed, int hz, boolean timerWheel, long tickPhaseNs,
            boolean tsoOffload) {
        TraceLog log = new TraceLog();
        NetStack.Builder b = NetStack.builder("local").address(addr).sysctl(sysctl).seed(seed).hz(hz)
                .timerWheel(timerWheel).tickPhase(tickPhaseNs).tracer(log).tsoOffload(tsoOffload);
        return new EmbeddedStack(b, log);
    }

    private void capture(byte[] packet, int gsoSize) {
        TcpHeader tcp = null;
        Ipv4Header ip = null;
        int off = 0;
        int len = 0;
        if (Ipv4Header.parse(packet, 0, packet.length, false) instanceof Ipv4Parse.Ok ok) {
            ip = ok.header();
            if (TcpHeader.parse(packet, ok.payloadOffset(), ok.payloadLength(), ip.src(), ip.dst(), false) instanceof TcpParse.Ok t) {
                tcp = t.header();
                off = t.payloadOffset();
                len = t.payloadLength();
            }
        }
        out.add(new Outbound(stack.nowNs(), packet, ip, tcp, off, len, gsoSize));
    }

    public NetStack stack() {
        return stack;
    }

    /** Every event the stack traced. */
    public TraceLog trace() {
        return trace;
    }

    public Tracer tracer() {
        return trace;
    }

    public long nowNs() {
        return nowNs;
    }

    /**
     * Moves virtual time to t, firing every timer due on the way at its own instant (so packets
     * they send carry the right time).
     */
    public void advanceTo(long tNs) {
        if (tNs < nowNs) {
            throw new IllegalArgumentException("time cannot go backwards: " + tNs + " < " + nowNs);
        }
        while (true) {
            long d = stack.nextDeadlineNs();
            if (d == Deadline.NONE || d > tNs) {
                break;
            }
            nowNs = Math.max(nowNs, d);
            stack.advanceTo(nowNs);
        }
        nowNs = tNs;
        stack.advanceTo(nowNs);
    }

    public void advanceBy(long dNs) {
        advanceTo(nowNs + dNs);
    }

    /** Delivers an IPv4 packet at the current time. */
    public void inject(byte[] packet) {
        stack.onPacket(nowNs, packet, 0, packet.length);
    }

    /** Builds and delivers a TCP segment from src to dst at the current time. */
    public void inject(int srcAddr, int dstAddr, TcpHeader tcp, byte[] payload) {
        inject(PacketBuilder.ipv4Tcp(srcAddr, dstAddr, 64, 0, tcp, payload == null ? new byte[0] : payload));
    }

    /** The oldest packet sent and not yet read, or null. */
    public Outbound poll() {
        return out.poll();
    }

    public Outbound peek() {
        return out.peek();
    }

    /** Every packet sent and not yet read. */
    public List<Outbound> drain() {
        List<Outbound> l = new ArrayList<>(out);
        out.clear();
        return l;
    }

    public int pending() {
        return out.size();
    }
}
