package dev.jtcp.wire;

/** Outcome of {@link TcpHeader#parse}: a header, or why the segment is malformed. Never an exception. */
public sealed interface TcpParse {

    /**
     * A well-formed header.
     *
     * @param header         the header; its options are those parsed before any bad option
     * @param payloadOffset  absolute index in the buffer of the first payload byte: the segment's
     *                       offset plus the data offset from the wire. Use this, not
     *                       {@code header.headerLength()}, to find the payload: the two differ
     *                       when bytes follow an EOL or when option parsing stopped early.
     * @param payloadLength  bytes of payload (segment length minus data offset)
     * @param optionError    {@link WireError#TCP_BAD_OPTION_LENGTH} when option parsing stopped
     *                       at a malformed option (the segment is still accepted, as in Linux);
     *                       null when the options were fine
     */
    record Ok(TcpHeader header, int payloadOffset, int payloadLength, WireError optionError) implements TcpParse {
    }

    /**
     * A segment Linux would drop.
     *
     * @param error  which check failed; it names the Linux counters and drop reason
     * @param detail human-readable specifics (lengths, checksum values)
     */
    record Bad(WireError error, String detail) implements TcpParse {
    }
}
