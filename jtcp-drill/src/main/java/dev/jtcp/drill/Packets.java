package dev.jtcp.drill;

import dev.jtcp.wire.TcpFlags;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * TCP segments in script space (relative sequence numbers) for comparison and for messages: packetdrill's
 * short dump ({@code S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 8>}) and a tcpdump-style line.
 */
final class Packets {
    private Packets() {
    }

    /** One option as on the wire (kind, length, value), EOL and NOP as single bytes. */
    record RawOpt(int kind, byte[] bytes) {
        int length() {
            return bytes.length;
        }
    }

    /**
     * A segment in script space.
     *
     * @param flags   TcpFlags bits
     * @param seq     relative sequence number (unsigned 32-bit in a long)
     * @param len     payload length
     * @param ack     relative ack (unsigned), meaningful when ACK is set (0 otherwise)
     * @param win     window field, or -1 when unchecked (expected segments only)
     * @param urg     urgent pointer
     * @param options options in order, or null for "any options" (expected segments only)
     * @param tos     IP TOS byte (actual), or the ECN bits expected
     */
    record Seg(int flags, long seq, int len, long ack, int win, int urg, List<RawOpt> options, int tos) {
    }

    /** Splits the raw option bytes the way packetdrill's iterator walks them (EOL bytes included). */
    static List<RawOpt> parseOptions(byte[] b, int off, int len) {
        List<RawOpt> out = new ArrayList<>();
        int i = off;
        int end = off + len;
        while (i < end) {
            int kind = b[i] & 0xff;
            if (kind == 0 || kind == 1) {
                out.add(new RawOpt(kind, new byte[] {(byte) kind}));
                i++;
                continue;
            }
            if (i + 1 >= end) {
                out.add(new RawOpt(kind, java.util.Arrays.copyOfRange(b, i, end)));
                break;
            }
            int l = b[i + 1] & 0xff;
            if (l < 2 || i + l > end) {
                out.add(new RawOpt(kind, java.util.Arrays.copyOfRange(b, i, end)));
                break;
            }
            out.add(new RawOpt(kind, java.util.Arrays.copyOfRange(b, i, i + l)));
            i += l;
        }
        return out;
    }

    static long u32(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8) | (b[off + 3] & 0xffL);
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Flags as packetdrill scripts write them: F S R P E W A U, then '.' for ACK; "-" for none. */
    static String flags(int f) {
        StringBuilder sb = new StringBuilder();
        if ((f & TcpFlags.FIN) != 0) {
            sb.append('F');
        }
        if ((f & TcpFlags.SYN) != 0) {
            sb.append('S');
        }
        if ((f & TcpFlags.RST) != 0) {
            sb.append('R');
        }
        if ((f & TcpFlags.PSH) != 0) {
            sb.append('P');
        }
        if ((f & TcpFlags.ECE) != 0) {
            sb.append('E');
        }
        if ((f & TcpFlags.CWR) != 0) {
            sb.append('W');
        }
        if ((f & TcpFlags.AE) != 0) {
            sb.append('A');
        }
        if ((f & TcpFlags.URG) != 0) {
            sb.append('U');
        }
        if ((f & TcpFlags.ACK) != 0) {
            sb.append('.');
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }

    /** Option list in script syntax: "mss 1460,nop,wscale 8". */
    static String options(List<RawOpt> opts) {
        StringBuilder sb = new StringBuilder();
        for (RawOpt o : opts) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(option(o));
        }
        return sb.toString();
    }

    static String option(RawOpt o) {
        byte[] b = o.bytes();
        return switch (o.kind()) {
            case 0 -> "eol";
            case 1 -> "nop";
            case 2 -> b.length == 4 ? "mss " + (((b[2] & 0xff) << 8) | (b[3] & 0xff)) : raw(o);
            case 3 -> b.length == 3 ? "wscale " + (b[2] & 0xff) : raw(o);
            case 4 -> b.length == 2 ? "sackOK" : raw(o);
            case 5 -> {
                if (b.length < 10 || (b.length - 2) % 8 != 0) {
                    yield raw(o);
                }
                StringBuilder sb = new StringBuilder("sack");
                for (int i = 2; i + 8 <= b.length; i += 8) {
                    sb.append(' ').append(u32(b, i)).append(':').append(u32(b, i + 4));
                }
                yield sb.toString();
            }
            case 8 -> b.length == 10 ? "TS val " + u32(b, 2) + " ecr " + u32(b, 6) : raw(o);
            case 19 -> b.length == 18 ? "md5 " + HexFormat.of().formatHex(b, 2, 18) : raw(o);
            case 34 -> "FO" + (b.length > 2 ? " " + HexFormat.of().formatHex(b, 2, b.length) : "");
            case 254 -> b.length >= 4 && (b[2] & 0xff) == 0xf9 && (b[3] & 0xff) == 0x89
                    ? "FOEXP" + (b.length > 4 ? " " + HexFormat.of().formatHex(b, 4, b.length) : "") : raw(o);
            default -> raw(o);
        };
    }

    private static String raw(RawOpt o) {
        return "unknown-" + o.kind() + (o.bytes().length > 2 ? " 0x" + HexFormat.of().formatHex(o.bytes(), 2, o.bytes().length) : "");
    }

    /** packetdrill's short dump of a TCP segment: "S. 0:0(0) ack 1 win 65535 <mss 1460>". */
    private static final String[] ECN_NAMES = {"[noecn]", "[ect1]", "[ect0]", "[ce]"};

    static String shortDump(Seg s) {
        StringBuilder sb = new StringBuilder();
        if ((s.tos() & 3) != 0) {
            sb.append(ECN_NAMES[s.tos() & 3]).append(' ');   // packetdrill's [ect1] [ect0] [ce]
        }
        sb.append(flags(s.flags())).append(' ').append(s.seq()).append(':').append((s.seq() + s.len()) & 0xffffffffL)
                .append('(').append(s.len()).append(')');
        if ((s.flags() & TcpFlags.ACK) != 0) {
            sb.append(" ack ").append(s.ack());
        }
        if (s.win() >= 0) {
            sb.append(" win ").append(s.win());
        }
        if ((s.flags() & TcpFlags.URG) != 0 || s.urg() != 0) {
            sb.append(" urg ").append(s.urg());
        }
        if (s.options() == null) {
            sb.append(" <...>");
        } else if (!s.options().isEmpty()) {
            sb.append(" <").append(options(s.options())).append('>');
        }
        return sb.toString();
    }

    /**
     * tcpdump's order and notation (Flags [..], seq, ack, win, urg, options [..], length) in script space. An
     * expected segment leaves out what the script does not check.
     */
    static String tcpdump(Seg s, String endpoints) {
        StringBuilder sb = new StringBuilder();
        if (endpoints != null) {
            sb.append(endpoints).append(": ");
        }
        sb.append("Flags [").append(TcpFlags.tcpdump(s.flags())).append(']');
        if (s.len() > 0 || (s.flags() & (TcpFlags.SYN | TcpFlags.FIN | TcpFlags.RST)) != 0) {
            sb.append(", seq ").append(s.seq());
            if (s.len() > 0) {
                sb.append(':').append((s.seq() + s.len()) & 0xffffffffL);
            }
        }
        if ((s.flags() & TcpFlags.ACK) != 0) {
            sb.append(", ack ").append(s.ack());
        }
        if (s.win() >= 0) {
            sb.append(", win ").append(s.win());
        }
        if ((s.flags() & TcpFlags.URG) != 0) {
            sb.append(", urg ").append(s.urg());
        }
        if (s.options() == null) {
            sb.append(", options [any]");
        } else if (!s.options().isEmpty()) {
            StringBuilder o = new StringBuilder();
            for (RawOpt r : s.options()) {
                if (!o.isEmpty()) {
                    o.append(',');
                }
                String t = option(r);
                if (t.startsWith("sack ")) {
                    String[] blocks = t.substring(5).split(" ");
                    StringBuilder sk = new StringBuilder("sack " + blocks.length + " ");
                    for (String b : blocks) {
                        sk.append('{').append(b).append('}');
                    }
                    t = sk.toString();
                }
                o.append(t);
            }
            sb.append(", options [").append(o).append(']');
        }
        sb.append(", length ").append(s.len());
        return sb.toString();
    }

    /** Encodes a script option list (already in live space) as raw options. */
    static byte[] encode(List<Ast.TcpOpt> opts, java.util.function.LongUnaryOperator sackMap, long tsEcrLive) {
        int len = 0;
        for (Ast.TcpOpt o : opts) {
            len += Parser.optionLength(o);
        }
        byte[] b = new byte[len];
        int i = 0;
        for (Ast.TcpOpt o : opts) {
            switch (o) {
                case Ast.Nop n -> b[i++] = 1;
                case Ast.Eol e -> b[i++] = 0;
                case Ast.Mss m -> {
                    b[i] = 2;
                    b[i + 1] = 4;
                    b[i + 2] = (byte) (m.mss() >> 8);
                    b[i + 3] = (byte) m.mss();
                    i += 4;
                }
                case Ast.WScale w -> {
                    b[i] = 3;
                    b[i + 1] = 3;
                    b[i + 2] = (byte) w.shift();
                    i += 3;
                }
                case Ast.SackOk s -> {
                    b[i] = 4;
                    b[i + 1] = 2;
                    i += 2;
                }
                case Ast.Sack s -> {
                    b[i] = 5;
                    b[i + 1] = (byte) (2 + 8 * s.blocks().size());
                    int j = i + 2;
                    for (long[] blk : s.blocks()) {
                        put32(b, j, sackMap.applyAsLong(blk[0]));
                        put32(b, j + 4, sackMap.applyAsLong(blk[1]));
                        j += 8;
                    }
                    i = j;
                }
                case Ast.Ts t -> {
                    b[i] = 8;
                    b[i + 1] = 10;
                    put32(b, i + 2, t.val());
                    put32(b, i + 6, tsEcrLive >= 0 ? tsEcrLive : t.ecr());
                    i += 10;
                }
                case Ast.Md5 m -> {
                    b[i] = 19;
                    b[i + 1] = 18;
                    System.arraycopy(m.digest(), 0, b, i + 2, 16);
                    i += 18;
                }
                case Ast.FastOpen f -> {
                    if (f.experimental()) {
                        b[i] = (byte) 254;
                        b[i + 1] = (byte) (4 + f.cookie().length);
                        b[i + 2] = (byte) 0xf9;
                        b[i + 3] = (byte) 0x89;
                        System.arraycopy(f.cookie(), 0, b, i + 4, f.cookie().length);
                        i += 4 + f.cookie().length;
                    } else {
                        b[i] = 34;
                        b[i + 1] = (byte) (2 + f.cookie().length);
                        System.arraycopy(f.cookie(), 0, b, i + 2, f.cookie().length);
                        i += 2 + f.cookie().length;
                    }
                }
                case Ast.AccEcn a -> throw new IllegalStateException("AccECN option cannot be encoded");
            }
        }
        return b;
    }
}
