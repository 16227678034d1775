package dev.jtcp.tcp;

import java.util.ArrayList;
import java.util.List;

/**
 * The connection table (Linux's ehash): every 4-tuple in use, full sockets, request socks and
 * TIME_WAIT records alike, found by the 4-tuple of an arriving segment. Open addressing with linear
 * probing over parallel arrays, so a lookup allocates nothing (it runs for every segment); the 4-tuple
 * is packed into two longs (address and port per side).
 */
final class ConnTable {
    private long[] locals;
    private long[] remotes;
    private Sock[] socks;
    private int size;
    private int mask;

    ConnTable() {
        alloc(64);
    }

    private void alloc(int capacity) {
        locals = new long[capacity];
        remotes = new long[capacity];
        socks = new Sock[capacity];
        mask = capacity - 1;
    }

    static long pack(int addr, int port) {
        return (Integer.toUnsignedLong(addr) << 16) | (port & 0xffff);
    }

    private static int slot(long local, long remote, int mask) {
        long h = local * 0x9E3779B97F4A7C15L ^ remote;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return (int) h & mask;
    }

    int size() {
        return size;
    }

    Sock get(int localAddr, int localPort, int remoteAddr, int remotePort) {
        long l = pack(localAddr, localPort);
        long r = pack(remoteAddr, remotePort);
        for (int i = slot(l, r, mask); ; i = (i + 1) & mask) {
            Sock s = socks[i];
            if (s == null) {
                return null;
            }
            if (locals[i] == l && remotes[i] == r) {
                return s;
            }
        }
    }

    /** Inserts or replaces the entry for s's 4-tuple. */
    void put(Sock s) {
        if ((size + 1) * 2 > socks.length) {
            grow();
        }
        long l = pack(s.localAddr, s.localPort);
        long r = pack(s.remoteAddr, s.remotePort);
        for (int i = slot(l, r, mask); ; i = (i + 1) & mask) {
            if (socks[i] == null) {
                locals[i] = l;
                remotes[i] = r;
                socks[i] = s;
                size++;
                return;
            }
            if (locals[i] == l && remotes[i] == r) {
                socks[i] = s;
                return;
            }
        }
    }

    /** Removes the entry for s's 4-tuple if it is s. */
    void remove(Sock s) {
        long l = pack(s.localAddr, s.localPort);
        long r = pack(s.remoteAddr, s.remotePort);
        for (int i = slot(l, r, mask); ; i = (i + 1) & mask) {
            Sock at = socks[i];
            if (at == null) {
                return;
            }
            if (locals[i] == l && remotes[i] == r) {
                if (at == s) {
                    delete(i);
                }
                return;
            }
        }
    }

    /** Backward-shift deletion: later entries of the probe run move up so no tombstones are needed. */
    private void delete(int i) {
        socks[i] = null;
        size--;
        int hole = i;
        for (int j = (i + 1) & mask; socks[j] != null; j = (j + 1) & mask) {
            int home = slot(locals[j], remotes[j], mask);
            // Move j into the hole if its home slot is not in (hole, j] (cyclically).
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                locals[hole] = locals[j];
                remotes[hole] = remotes[j];
                socks[hole] = socks[j];
                socks[j] = null;
                hole = j;
            }
        }
    }

    private void grow() {
        long[] ol = locals;
        long[] or = remotes;
        Sock[] os = socks;
        alloc(os.length * 2);
        size = 0;
        for (int i = 0; i < os.length; i++) {
            if (os[i] != null) {
                long l = ol[i];
                long r = or[i];
                int j = slot(l, r, mask);
                while (socks[j] != null) {
                    j = (j + 1) & mask;
                }
                locals[j] = l;
                remotes[j] = r;
                socks[j] = os[i];
                size++;
            }
        }
    }

    /** Every entry (a copy: callers may change the table while walking it). */
    List<Sock> values() {
        List<Sock> out = new ArrayList<>(size);
        for (Sock s : socks) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }
}
