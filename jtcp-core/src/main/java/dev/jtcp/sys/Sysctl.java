package dev.jtcp.sys;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * One host's settings (Linux keeps them per network namespace). Starts at Linux's defaults; {@link #set}
 * takes the /proc text form and validates it like the kernel's proc handler, with a one-line message on
 * bad input naming what is accepted.
 */
public final class Sysctl {
    private final int[][] values = new int[SysctlKey.values().length][];

    public Sysctl() {
        for (SysctlKey k : SysctlKey.values()) {
            values[k.ordinal()] = parseValid(k, k.defaultValue);
        }
    }

    /** A copy with the same values. */
    public Sysctl copy() {
        Sysctl s = new Sysctl();
        for (int i = 0; i < values.length; i++) {
            s.values[i] = values[i].clone();
        }
        return s;
    }

    /** The value of a single-integer setting (an unsigned one, such as tcp_notsent_lowat, as its bits). */
    public int get(SysctlKey key) {
        return values[key.ordinal()][0];
    }

    /** Element i of a vector setting (tcp_rmem[1], ip_local_port_range[0]). */
    public int get(SysctlKey key, int i) {
        return values[key.ordinal()][i];
    }

    /** The /proc text form: "6", "4096 131072 33554432", "cubic" (unsigned settings read back unsigned). */
    public String text(SysctlKey key) {
        if (key == SysctlKey.TCP_FASTOPEN_KEY) {
            return fastOpenKeyText(values[key.ordinal()]);
        }
        if (key.textual()) {
            return key.choices().get(values[key.ordinal()][0]);
        }
        StringJoiner j = new StringJoiner(" ");
        for (int v : values[key.ordinal()]) {
            j.add(key.max > Integer.MAX_VALUE ? Integer.toUnsignedString(v) : Integer.toString(v));
        }
        return j.toString();
    }

    /** Sets an integer setting; throws {@link IllegalArgumentException} naming the accepted range. */
    public Sysctl set(SysctlKey key, int value) {
        return set(key, Integer.toString(value));
    }

    /** Sets a setting from its /proc text form; throws {@link IllegalArgumentException} with a one-line reason. */
    public Sysctl set(SysctlKey key, String text) {
        values[key.ordinal()] = parseValid(key, text);
        return this;
    }

    /** Sets "net.ipv4.tcp_syn_retries" = "5" by Linux name; unknown names are rejected with the list of known ones. */
    public Sysctl set(String linuxName, String text) {
        SysctlKey key = SysctlKey.byName(linuxName);
        if (key == null) {
            throw new IllegalArgumentException("unknown setting '" + linuxName + "'; known: " + knownNames());
        }
        return set(key, text);
    }

    /** Applies "name=value". */
    public Sysctl apply(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected KEY=VALUE (e.g. net.ipv4.tcp_syn_retries=5), got '" + assignment + "'");
        }
        return set(assignment.substring(0, eq), assignment.substring(eq + 1));
    }

    public static String knownNames() {
        StringJoiner j = new StringJoiner(", ");
        for (SysctlKey k : SysctlKey.values()) {
            j.add(k.linuxName);
        }
        return j.toString();
    }

    private static int[] parseValid(SysctlKey key, String text) {
        if (key == SysctlKey.TCP_FASTOPEN_KEY && !text.strip().matches("[0-9]+( [0-9]+)*")) {
            return parseFastOpenKey(text);
        }
        if (key.textual()) {
            // A name setting holds the index of its name; unknown names fail as the kernel's ENOENT does.
            int i = key.choices().indexOf(text.strip());
            if (i < 0) {
                throw new IllegalArgumentException(key.linuxName + ": '" + text.strip() + "' is not available; accepted: "
                        + String.join(", ", key.choices()));
            }
            return new int[] {i};
        }
        String[] parts = text.trim().split("[\\s,]+");
        int arity = key.arity();
        String shape = arity == 1 ? "an integer" : arity + " integers";
        if (parts.length != arity || parts[0].isEmpty()) {
            throw new IllegalArgumentException(key.linuxName + ": expected " + shape + " in " + range(key) + ", got '" + text + "'");
        }
        int[] out = new int[arity];
        for (int i = 0; i < arity; i++) {
            long v;
            try {
                v = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key.linuxName + ": '" + parts[i] + "' is not an integer; accepted: " + shape + " in " + range(key));
            }
            if (v < key.min || v > key.max) {
                throw new IllegalArgumentException(key.linuxName + ": " + v + " is out of range; accepted: " + range(key));
            }
            out[i] = (int) v;
        }
        if (key == SysctlKey.IP_LOCAL_PORT_RANGE && out[0] >= out[1]) {
            throw new IllegalArgumentException(key.linuxName + ": low (" + out[0] + ") must be below high (" + out[1] + ")");
        }
        if ((key == SysctlKey.TCP_RMEM || key == SysctlKey.TCP_WMEM) && !(out[0] <= out[1] && out[1] <= out[2])) {
            throw new IllegalArgumentException(key.linuxName + ": expected min <= default <= max, got '" + text + "'");
        }
        return out;
    }

    /** Words per TFO key (TCP_FASTOPEN_KEY_LENGTH 16 bytes as four u32). */
    private static final int TFO_KEY_WORDS = 4;
    /** The primary and the backup key (TCP_FASTOPEN_KEY_MAX). */
    private static final int TFO_KEYS_MAX = 2;

    /**
     * proc_tcp_fastopen_key(), write: "%x-%x-%x-%x" or "%x-%x-%x-%x,%x-%x-%x-%x" (primary, backup). The
     * key count goes in the last slot.
     */
    private static int[] parseFastOpenKey(String text) {
        String t = text.strip();
        String[] keys = t.split(",", -1);
        int[] out = new int[TFO_KEY_WORDS * TFO_KEYS_MAX + 1];
        String expected = "; accepted: xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx[,xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx] (hex)";
        if (keys.length > TFO_KEYS_MAX) {
            throw new IllegalArgumentException(SysctlKey.TCP_FASTOPEN_KEY.linuxName + ": at most two keys, got '" + t + "'" + expected);
        }
        for (int k = 0; k < keys.length; k++) {
            String[] words = keys[k].split("-", -1);
            if (words.length != TFO_KEY_WORDS) {
                throw new IllegalArgumentException(SysctlKey.TCP_FASTOPEN_KEY.linuxName + ": '" + keys[k] + "' is not four hex words" + expected);
            }
            for (int w = 0; w < TFO_KEY_WORDS; w++) {
                try {
                    long v = Long.parseLong(words[w].strip(), 16);
                    if (v < 0 || v > 0xffffffffL) {
                        throw new NumberFormatException();
                    }
                    out[k * TFO_KEY_WORDS + w] = (int) v;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(SysctlKey.TCP_FASTOPEN_KEY.linuxName + ": '" + words[w] + "' is not a 32-bit hex word" + expected);
                }
            }
        }
        out[TFO_KEY_WORDS * TFO_KEYS_MAX] = keys.length;
        return out;
    }

    /** proc_tcp_fastopen_key(), read: every key as %08x-%08x-%08x-%08x, comma separated; zeros when none is set. */
    private static String fastOpenKeyText(int[] v) {
        int n = Math.max(1, v[TFO_KEY_WORDS * TFO_KEYS_MAX]);
        StringJoiner keys = new StringJoiner(",");
        for (int k = 0; k < n; k++) {
            StringJoiner words = new StringJoiner("-");
            for (int w = 0; w < TFO_KEY_WORDS; w++) {
                words.add(String.format("%08x", v[k * TFO_KEY_WORDS + w]));
            }
            keys.add(words.toString());
        }
        return keys.toString();
    }

    private static String range(SysctlKey key) {
        return key.min + ".." + key.max;
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner("\n");
        for (SysctlKey k : SysctlKey.values()) {
            j.add(k.linuxName + " = " + text(k));
        }
        return j.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sysctl s && Arrays.deepEquals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }
}
