package dev.jtcp.tcp;

/**
 * The 4-tuple that names a connection (local address, local port, remote address, remote port), packed
 * into two longs for the connection table. Ports are 16 bits, addresses 32.
 */
record ConnKey(long local, long remote) {
    static ConnKey of(int localAddr, int localPort, int remoteAddr, int remotePort) {
        return new ConnKey(pack(localAddr, localPort), pack(remoteAddr, remotePort));
    }

    static ConnKey of(Sock s) {
        return of(s.localAddr, s.localPort, s.remoteAddr, s.remotePort);
    }

    private static long pack(int addr, int port) {
        return (Integer.toUnsignedLong(addr) << 16) | (port & 0xffff);
    }

    // Written out: the record's generated equals/hashCode go through ObjectMethods, a hot spot for a
    // table consulted for every segment.
    @Override
    public boolean equals(Object o) {
        return o instanceof ConnKey k && k.local == local && k.remote == remote;
    }

    @Override
    public int hashCode() {
        long h = local * 0x9E3779B97F4A7C15L ^ remote;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
