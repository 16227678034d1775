package dev.jtcp.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The Linux constants scripts name (SOL_SOCKET, O_NONBLOCK, EAGAIN, ...), with their x86_64 values. */
final class Symbols {
    private static final Map<String, Long> VALUES = load();

    private Symbols() {
    }

    private static Map<String, Long> load() {
        Properties p = new Properties();
        try (InputStream in = Symbols.class.getResourceAsStream("linux-symbols.properties")) {
            if (in == null) {
                throw new IllegalStateException("missing resource linux-symbols.properties");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Long> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, Long.parseLong(p.getProperty(k).strip()));
        }
        m.put("NULL", 0L);
        return Collections.unmodifiableMap(m);
    }

    /** The value of a constant, or null when packetdrill does not know the name. */
    static Long value(String name) {
        return VALUES.get(name);
    }

    static long require(String name) {
        Long v = VALUES.get(name);
        if (v == null) {
            throw new IllegalStateException("no symbol " + name);
        }
        return v;
    }

    /** The errno name for a code (EAGAIN for 11), or "errno N". */
    static String errnoName(long code) {
        String best = null;
        for (Map.Entry<String, Long> e : VALUES.entrySet()) {
            String k = e.getKey();
            if (e.getValue() == code && k.startsWith("E") && !k.startsWith("EPOLL") && !k.equals("EWOULDBLOCK")
                    && !k.equals("EDEADLOCK")) {
                best = k;
                break;
            }
        }
        return best != null ? best : "errno " + code;
    }

    /** "POLLIN|POLLOUT" for a mask, by the names with the given prefix (0 prints as "0"). */
    static String flags(long mask, String prefix) {
        if (mask == 0) {
            return "0";
        }
        List<String> names = new ArrayList<>();
        long left = mask;
        for (Map.Entry<String, Long> e : VALUES.entrySet()) {
            long v = e.getValue();
            if (e.getKey().startsWith(prefix) && v != 0 && Long.bitCount(v) == 1 && (left & v) != 0
                    && !e.getKey().endsWith("NORM") && !e.getKey().endsWith("BAND")) {
                names.add(e.getKey());
                left &= ~v;
            }
        }
        for (Map.Entry<String, Long> e : VALUES.entrySet()) {
            long v = e.getValue();
            if (e.getKey().startsWith(prefix) && v != 0 && Long.bitCount(v) == 1 && (left & v) != 0) {
                names.add(e.getKey());
                left &= ~v;
            }
        }
        if (left != 0) {
            names.add("0x" + Long.toHexString(left));
        }
        return String.join("|", names);
    }
}
