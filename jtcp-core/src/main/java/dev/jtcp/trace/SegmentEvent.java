package dev.jtcp.trace;

import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;

/**
 * A TCP segment sent, received or dropped. A segment lost in the network appears as a {@code send} by its
 * host followed by a {@code drop} with {@code by = "network"}.
 *
 * @param kind send, recv or drop
 * @param src source address and port
 * @param dst destination address and port
 * @param tcp the TCP header as on the wire (null only for a drop of a packet too malformed to parse)
 * @param payloadLength TCP payload bytes
 * @param by for drops: who dropped it ("network" or a host name); null otherwise
 * @param packet the whole IPv4 packet as on the wire (for pcap), or null
 */
public record SegmentEvent(long tNs, String host, Kind kind, Endpoint src, Endpoint dst, TcpHeader tcp,
                           int payloadLength, String by, String why, byte[] packet) implements TraceEvent {

    public enum Kind { SEND, RECV, DROP }

    @Override
    public String type() {
        return switch (kind) {
            case SEND -> "send";
            case RECV -> "recv";
            case DROP -> "drop";
        };
    }

    /** tcpdump notation of the flags ("S.", "P.", "FP.", "R"). */
    public String flags() {
        return tcp == null ? "?" : TcpFlags.tcpdump(tcp.flags());
    }

    /** Sequence space the segment occupies: payload plus one for SYN and for FIN. */
    public int seqLength() {
        if (tcp == null) {
            return 0;
        }
        return payloadLength + (tcp.has(TcpFlags.SYN) ? 1 : 0) + (tcp.has(TcpFlags.FIN) ? 1 : 0);
    }
}
