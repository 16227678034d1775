package dev.jtcp.drill;

import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The settings a script sees through {@code sysctl}, {@code set_sysctls.py} and {@code /proc/sys}: the keys
 * jtcp implements ({@link SysctlKey}) go to the stack's live {@link Sysctl}; keys that Linux 6.18 has and jtcp
 * does not are remembered with their value. Writing such a key to a value other than the one in effect means
 * the script depends on behaviour jtcp cannot be configured for, so the script is skipped naming the key
 * ({@link Unsupported}); writing its current value is a no-op. Keys Linux 6.18 does not have fail as
 * {@code sysctl} fails on that kernel.
 *
 * <p>In baseline mode (while {@code defaults.sh} runs) a key jtcp lacks takes whatever value is written: the
 * defaults are the environment every script assumes, and {@link #baselineOnly()} lists them for the reports.
 */
final class Sysctls {
    private static final Map<String, String> LINUX = load();

    private final Sysctl live;
    private final Map<String, String> foreign = new TreeMap<>();
    private final Map<String, String> baselineOnly = new TreeMap<>();
    private boolean baseline;

    Sysctls(Sysctl live) {
        this.live = live;
        for (Map.Entry<String, String> e : LINUX.entrySet()) {
            if (SysctlKey.byName(e.getKey()) == null) {
                foreign.put(e.getKey(), e.getValue());
            }
        }
    }

    private static Map<String, String> load() {
        Properties p = new Properties();
        try (InputStream in = Sysctls.class.getResourceAsStream("linux-6.18-sysctl.properties")) {
            if (in == null) {
                throw new IllegalStateException("missing resource linux-6.18-sysctl.properties");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) {
            m.put(k, p.getProperty(k).strip());
        }
        return Collections.unmodifiableMap(m);
    }

    /** "/proc/sys/net/ipv4/tcp_sack", "net/ipv4/tcp_sack" and "net.ipv4.tcp_sack" all name net.ipv4.tcp_sack. */
    static String normalize(String name) {
        String n = name.strip();
        if (n.startsWith("/proc/sys/")) {
            n = n.substring("/proc/sys/".length());
        }
        return n.replace('/', '.');
    }

    void baseline(boolean on) {
        this.baseline = on;
    }

    /** Keys jtcp lacks that defaults.sh set, with their values (the environment jtcp is assumed to match). */
    Map<String, String> baselineOnly() {
        return baselineOnly;
    }

    boolean exists(String name) {
        String n = normalize(name);
        return SysctlKey.byName(n) != null || LINUX.containsKey(n);
    }

    /** The /proc text of a key, or null when it does not exist. */
    String read(String name) {
        String n = normalize(name);
        SysctlKey k = SysctlKey.byName(n);
        if (k != null) {
            return live.text(k).replace(' ', '\t');
        }
        String v = foreign.get(n);
        return v == null ? null : v.replace(' ', '\t');
    }

    /**
     * Writes a key as {@code echo VALUE > /proc/sys/...} would: null on success, else the errno text
     * ("No such file or directory", "Invalid argument").
     *
     * @throws Unsupported when the key is one jtcp does not implement and the value differs from the current one
     */
    String write(String name, String value, int line) {
        String n = normalize(name);
        SysctlKey k = SysctlKey.byName(n);
        if (k == SysctlKey.TCP_FASTOPEN_KEY) {
            try {
                live.set(k, value.strip());   // proc_tcp_fastopen_key(): hex words, EINVAL otherwise
                return null;
            } catch (IllegalArgumentException e) {
                return "Invalid argument";
            }
        }
        if (k != null && k.textual()) {
            try {
                live.set(k, value.strip());   // a name (tcp_congestion_control): unknown ones fail with ENOENT
                return null;
            } catch (IllegalArgumentException e) {
                return "No such file or directory";
            }
        }
        if (k != null) {
            String v = cNumbers(value);
            if (v == null) {
                return "Invalid argument";
            }
            try {
                live.set(k, v);
                return null;
            } catch (IllegalArgumentException e) {
                return "Invalid argument";
            }
        }
        if (!LINUX.containsKey(n)) {
            return "No such file or directory";
        }
        String cur = foreign.get(n);
        if (sameValue(cur, value)) {
            return null;
        }
        if (baseline) {
            foreign.put(n, value.strip());
            baselineOnly.put(n, value.strip());
            return null;
        }
        throw new Unsupported("sysctl " + n, line, "line " + line + ": the script sets " + n + "=" + value.strip()
                + " (in effect: " + cur + "), a setting jtcp does not have (dev.jtcp.sys.SysctlKey)");
    }

    /** Rewrites every integer of a /proc value in C notation (0x10, 010) as decimal; null if one is not an integer. */
    static String cNumbers(String value) {
        String[] parts = value.strip().split("[\\s]+");
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (p.isEmpty()) {
                continue;
            }
            Long v = Lexer.parseCInteger(p);
            if (v == null) {
                return null;
            }
            out.add(Long.toString(v));
        }
        return String.join(" ", out);
    }

    private static boolean sameValue(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        String na = cNumbers(a);
        String nb = cNumbers(b);
        if (na != null && nb != null) {
            return na.equals(nb);
        }
        return a.strip().replaceAll("\\s+", " ").equals(b.strip().replaceAll("\\s+", " "));
    }
}
