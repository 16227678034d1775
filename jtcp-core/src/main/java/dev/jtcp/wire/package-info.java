/**
 * The wire format: bytes in, values out, and back.
 *
 * <p>This package owns everything about how IPv4 and TCP look on the wire:
 * <ul>
 *   <li>{@link dev.jtcp.wire.Ipv4Header} and {@link dev.jtcp.wire.TcpHeader}: parse and emit
 *       (RFC 791, RFC 9293 section 3.1), with every TCP option the stack speaks
 *       ({@link dev.jtcp.wire.TcpOption}, {@link dev.jtcp.wire.TcpOptions}: RFC 9293 3.2,
 *       RFC 7323 window scale and timestamps, RFC 2018 SACK) and Linux's exact option layouts;</li>
 *   <li>{@link dev.jtcp.wire.Checksum}: the Internet checksum (RFC 1071, RFC 1624) and the
 *       TCP pseudo-header (RFC 9293 3.1);</li>
 *   <li>{@link dev.jtcp.wire.Seq}: sequence-number arithmetic modulo 2^32 (RFC 9293 3.4);</li>
 *   <li>{@link dev.jtcp.wire.Ipv4Addr}, {@link dev.jtcp.wire.Endpoint}: addresses as plain ints;</li>
 *   <li>{@link dev.jtcp.wire.PacketBuilder}: whole IPv4+TCP packets for the output path and tests;</li>
 *   <li>{@link dev.jtcp.wire.PrettyPrint}: tcpdump-style one-line rendering.</li>
 * </ul>
 *
 * <p>Design rules that hold throughout:
 * <ul>
 *   <li><b>Malformed packets never throw.</b> Parsers return a result value
 *       ({@link dev.jtcp.wire.Ipv4Parse}, {@link dev.jtcp.wire.TcpParse}) whose error is a
 *       {@link dev.jtcp.wire.WireError} naming the Linux MIB counters and drop reason the same
 *       packet produces in Linux, so the stack can count exactly as Linux does. Exceptions are
 *       reserved for programming errors (a slice outside its array, an out-of-range field value
 *       given to a constructor).</li>
 *   <li><b>Values are immutable records</b> with content equality, so an emitted header parses back
 *       to an {@code equals} value.</li>
 *   <li><b>Field offsets are named constants</b> documented next to a header diagram.</li>
 *   <li><b>No clocks, no I/O, no threads</b>: everything here is a pure function of its arguments.</li>
 * </ul>
 *
 * <p>This package depends on nothing else in jtcp (only {@code java.base}); every other package may
 * depend on it.
 */
package dev.jtcp.wire;
