package dev.jtcp.wire;

/** Outcome of {@link Ipv4Header#parse}: a header, or why the packet is malformed. Never an exception. */
public sealed interface Ipv4Parse {

    /**
     * A well-formed header.
     *
     * @param header        the header (options, if any, skipped: {@code headerLength} says how many bytes)
     * @param payloadOffset absolute index in the buffer of the first payload byte
     * @param payloadLength total length minus header length; bytes after the total length (link-layer
     *                      padding) are not payload, as in Linux, which trims them
     */
    record Ok(Ipv4Header header, int payloadOffset, int payloadLength) implements Ipv4Parse {
    }

    /**
     * A packet Linux would drop in {@code ip_rcv_core()}.
     *
     * @param error  which check failed; it names the Linux counters and drop reason
     * @param detail human-readable specifics
     */
    record Bad(WireError error, String detail) implements Ipv4Parse {
    }
}
