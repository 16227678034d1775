package dev.jtcp.wire;

/**
 * TCP control bits (RFC 9293 section 3.1, RFC 3168 section 6.1 for ECE/CWR).
 *
 * <p>Flags are carried as an int whose low 8 bits are byte 13 of the TCP header and whose bits 8..11
 * are the low nibble of byte 12 (the bits between the data offset and CWR). Bit 8 is {@link #AE}
 * (formerly the ECN-nonce "NS" bit of RFC 3540, now the Accurate ECN "AE" flag); bits 9..11 are
 * reserved and must be zero on transmit, but are kept on parse so that a header re-emits
 * bit-for-bit.
 */
public final class TcpFlags {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    /** ECN-Echo (RFC 3168 section 6.1). */
    public static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168 section 6.1). */
    public static final int CWR = 0x80;
    /** Accurate ECN flag, the former NS bit: bit 7 of header byte 12. */
    public static final int AE = 0x100;
    /** Bits 4..6 of header byte 12: reserved (RFC 9293 section 3.1, "Rsrvd"). */
    public static final int RESERVED = 0xE00;
    /** Every bit the flags int can carry. */
    public static final int ALL = 0xFFF;

    /** tcpdump's print order and letters (print-tcp.c): F S R P . U E W, then e for AE. */
    private static final int[] ORDER = {FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE};
    private static final char[] LETTERS = {'F', 'S', 'R', 'P', '.', 'U', 'E', 'W', 'e'};

    private TcpFlags() {
    }

    /**
     * tcpdump notation, as inside its "Flags [...]": letters in the order F S R P . U E W (then
     * "e" for AE, as newer tcpdump prints it), e.g. "S", "S.", ".", "P.", "F.", "FP.", "R", "R.",
     * "P.U"; "none" when no flag is set. Reserved bits are not printed.
     */
    public static String tcpdump(int flags) {
        StringBuilder sb = new StringBuilder(4);
        for (int i = 0; i < ORDER.length; i++) {
            if ((flags & ORDER[i]) != 0) {
                sb.append(LETTERS[i]);
            }
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }

    /**
     * The inverse of {@link #tcpdump}: tcpdump's letters (in any order) back to bits, "none" to 0.
     *
     * @throws IllegalArgumentException naming the letter that is not one of F S R P . U E W e
     */
    public static int fromTcpdump(String s) {
        if (s.equals("none")) {
            return 0;
        }
        int f = 0;
        for (int i = 0; i < s.length(); i++) {
            int at = String.valueOf(LETTERS).indexOf(s.charAt(i));
            if (at < 0) {
                throw new IllegalArgumentException("flag '" + s.charAt(i) + "' in \"" + s
                        + "\" is not one of tcpdump's letters F S R P . U E W e (or none)");
            }
            f |= ORDER[at];
        }
        return f;
    }

    /** True when every bit of {@code flag} is set in {@code flags} (so {@code has(f, SYN | ACK)} means SYN and ACK). */
    public static boolean has(int flags, int flag) {
        return (flags & flag) == flag;
    }
}
