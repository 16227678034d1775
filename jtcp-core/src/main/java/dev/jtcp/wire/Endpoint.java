package dev.jtcp.wire;

/**
 * One end of a TCP connection: an IPv4 address ({@link Ipv4Addr} int form) and a port.
 *
 * <p>Ordered by address (unsigned) then port, so collections of endpoints print deterministically.
 *
 * @param addr IPv4 address, network-order value (10.0.0.1 is {@code 0x0A000001})
 * @param port TCP port 0..65535 (a 16-bit field, RFC 9293 section 3.1)
 */
public record Endpoint(int addr, int port) implements Comparable<Endpoint> {

    private static final int MAX_PORT = 0xFFFF;
    private static final int MAX_PORT_DIGITS = 5;

    /** @throws IllegalArgumentException when the port is outside 0..65535 */
    public Endpoint {
        Bytes.checkUnsigned("port", port, MAX_PORT);
    }

    /** Endpoint of a dotted-quad address and a port. */
    public static Endpoint of(String addr, int port) {
        return new Endpoint(Ipv4Addr.parse(addr), port);
    }

    /**
     * Parses "a.b.c.d:port".
     *
     * @throws IllegalArgumentException with a clear message on bad input
     */
    public static Endpoint parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("endpoint is null");
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("bad endpoint \"" + s + "\": expected a.b.c.d:port");
        }
        String p = s.substring(colon + 1);
        if (p.isEmpty() || p.length() > MAX_PORT_DIGITS || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("bad endpoint \"" + s + "\": port \"" + p + "\" is not a decimal 0-65535");
        }
        int port = Integer.parseInt(p);
        if (port > MAX_PORT) {
            throw new IllegalArgumentException("bad endpoint \"" + s + "\": port " + port + " is above 65535");
        }
        return new Endpoint(Ipv4Addr.parse(s.substring(0, colon)), port);
    }

    /** "10.0.0.1:80". */
    @Override
    public String toString() {
        return Ipv4Addr.format(addr) + ":" + port;
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = Integer.compareUnsigned(addr, o.addr);
        return c != 0 ? c : Integer.compare(port, o.port);
    }
}
