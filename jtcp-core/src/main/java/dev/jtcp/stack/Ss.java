package dev.jtcp.stack;

import dev.jtcp.tcp.SocketEntry;
import dev.jtcp.tcp.TcpInfo;
import dev.jtcp.wire.Ipv4Addr;

import java.util.List;

/**
 * Prints a socket table the way iproute2's {@code ss -tano} does: State, Recv-Q, Send-Q, the local and
 * peer address:port columns (addresses right-aligned so the colons line up), and with timers
 * {@code timer:(on,1.556ms,1)} in ss's own time notation.
 */
public final class Ss {
    /** tcp_show_info() prints ssthresh only below this (larger means still TCP_INFINITE_SSTHRESH). */
    private static final int SS_SSTHRESH_SHOWN_BELOW = 0xFFFF;
    /** tcp_show_info() prints reordering only when it differs from Linux's tcp_reordering default. */
    private static final int TCP_REORDERING_DEFAULT = 3;

    private Ss() {}

    /** The table as {@code ss -tan} (timers false) or {@code ss -tano} (timers true) prints it. */
    public static String format(List<SocketEntry> entries, boolean timers) {
        return format(entries, timers, false);
    }

    /**
     * The table as {@code ss -tanoi} prints it: each connection's line followed by its TCP_INFO line,
     * indented by a tab ({@link #info}).
     */
    public static String formatWithInfo(List<SocketEntry> entries) {
        return format(entries, true, true);
    }

    private static String format(List<SocketEntry> entries, boolean timers, boolean info) {
        int stateW = "State".length();
        int laddrW = "Local Address".length();
        int lportW = "Port".length();
        int paddrW = "Peer Address".length();
        int pportW = "Port".length();
        int rqW = "Recv-Q".length();
        int sqW = "Send-Q".length();
        for (SocketEntry e : entries) {
            stateW = Math.max(stateW, e.state().length());
            laddrW = Math.max(laddrW, Ipv4Addr.format(e.local().addr()).length());
            lportW = Math.max(lportW, port(e.local().port()).length());
            paddrW = Math.max(paddrW, Ipv4Addr.format(e.peer().addr()).length());
            pportW = Math.max(pportW, port(e.peer().port()).length());
            rqW = Math.max(rqW, Long.toString(e.recvQ()).length());
            sqW = Math.max(sqW, Long.toString(e.sendQ()).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad("State", stateW)).append(' ').append(pad("Recv-Q", rqW)).append(' ').append(pad("Send-Q", sqW))
                .append(' ').append(left("Local Address", laddrW)).append(':').append(pad("Port", lportW))
                .append(' ').append(left("Peer Address", paddrW)).append(':').append("Port").append(' ').append("Process")
                .append('\n');
        for (SocketEntry e : entries) {
            StringBuilder line = new StringBuilder();
            line.append(pad(e.state(), stateW)).append(' ').append(pad(Long.toString(e.recvQ()), rqW)).append(' ')
                    .append(pad(Long.toString(e.sendQ()), sqW)).append(' ')
                    .append(left(Ipv4Addr.format(e.local().addr()), laddrW)).append(':').append(pad(port(e.local().port()), lportW))
                    .append(' ').append(left(Ipv4Addr.format(e.peer().addr()), paddrW)).append(':')
                    .append(pad(port(e.peer().port()), pportW));
            if (timers && !e.timer().isEmpty()) {
                line.append(' ').append(timer(e));
            }
            sb.append(stripTrailing(line)).append('\n');
            if (info && e.info() != null) {
                sb.append('\t').append(info(e.info())).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The TCP_INFO line of {@code ss -i} (iproute2's tcp_show_info()), its fields in ss's order and units:
     * times in milliseconds with %g, rates in bits per second, counters only when non-zero, ssthresh only
     * once set (below 0xFFFF), reordering only when not the default 3.
     */
    public static String info(TcpInfo i) {
        StringBuilder b = new StringBuilder();
        if (i.optTimestamps()) {
            b.append(" ts");
        }
        if (i.optSack()) {
            b.append(" sack");
        }
        if (i.optEcn()) {
            b.append(" ecn");
        }
        if (i.optEcnSeen()) {
            b.append(" ecnseen");
        }
        b.append(' ').append(i.congestion());
        if (i.optWscale()) {
            b.append(" wscale:").append(i.sndWscale()).append(',').append(i.rcvWscale());
        }
        if (i.rtoUs() != 0) {
            b.append(" rto:").append(g(i.rtoUs() / 1000.0));
        }
        if (i.backoff() != 0) {
            b.append(" backoff:").append(i.backoff());
        }
        if (i.rttUs() != 0) {
            b.append(" rtt:").append(g(i.rttUs() / 1000.0)).append('/').append(g(i.rttvarUs() / 1000.0));
        }
        if (i.atoUs() != 0) {
            b.append(" ato:").append(g(i.atoUs() / 1000.0));
        }
        positive(b, "mss", i.sndMss());
        positive(b, "pmtu", i.pmtu());
        positive(b, "rcvmss", i.rcvMss());
        positive(b, "advmss", i.advmss());
        positive(b, "cwnd", i.sndCwnd());
        if (i.sndSsthresh() < SS_SSTHRESH_SHOWN_BELOW) {
            positive(b, "ssthresh", i.sndSsthresh());
        }
        positive(b, "bytes_sent", i.bytesSent());
        positive(b, "bytes_retrans", i.bytesRetrans());
        positive(b, "bytes_acked", i.bytesAcked());
        positive(b, "bytes_received", i.bytesReceived());
        positive(b, "segs_out", i.segsOut());
        positive(b, "segs_in", i.segsIn());
        positive(b, "data_segs_out", i.dataSegsOut());
        positive(b, "data_segs_in", i.dataSegsIn());
        if (i.rttUs() > 0 && i.sndMss() > 0 && i.sndCwnd() > 0) {
            b.append(" send ").append(bw((double) i.sndCwnd() * i.sndMss() * 8_000_000.0 / i.rttUs())).append("bps");
        }
        positive(b, "lastsnd", i.lastDataSentMs());
        positive(b, "lastrcv", i.lastDataRecvMs());
        positive(b, "lastack", i.lastAckRecvMs());
        if (i.pacingRate() > 0) {
            b.append(" pacing_rate ").append(bw(i.pacingRate() * 8.0)).append("bps");
        }
        positive(b, "delivered", i.delivered());
        if (i.busyTimeUs() > 0) {
            b.append(" busy:").append(i.busyTimeUs() / 1000).append("ms");
            if (i.rwndLimitedUs() > 0) {
                b.append(" rwnd_limited:").append(i.rwndLimitedUs() / 1000).append("ms(")
                        .append(String.format(java.util.Locale.ROOT, "%.1f", 100.0 * i.rwndLimitedUs() / i.busyTimeUs()))
                        .append("%)");
            }
        }
        positive(b, "unacked", i.unacked());
        if (i.retrans() != 0 || i.totalRetrans() != 0) {
            b.append(" retrans:").append(i.retrans()).append('/').append(i.totalRetrans());
        }
        positive(b, "lost", i.lost());
        positive(b, "sacked", i.sacked());
        if (i.reordering() != TCP_REORDERING_DEFAULT) {
            b.append(" reordering:").append(i.reordering());
        }
        if (i.rcvRttUs() != 0) {
            b.append(" rcv_rtt:").append(g(i.rcvRttUs() / 1000.0));
        }
        positive(b, "rcv_space", i.rcvSpace());
        positive(b, "rcv_ssthresh", i.rcvSsthresh());
        positive(b, "notsent", i.notsentBytes());
        if (i.minRttUs() != 0) {
            b.append(" minrtt:").append(g(i.minRttUs() / 1000.0));
        }
        positive(b, "snd_wnd", i.sndWnd());
        positive(b, "rcv_wnd", i.rcvWnd());
        return b.substring(1);
    }

    private static void positive(StringBuilder b, String name, long v) {
        if (v > 0) {
            b.append(' ').append(name).append(':').append(v);
        }
    }

    /** C's %g: six significant digits, no trailing zeros, no exponent for the magnitudes ss prints. */
    static String g(double v) {
        if (v == 0) {
            return "0";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** iproute2's sprint_bw(): "%.1fG", "%.1fM", "%.1fK" or "%g", to which the caller adds "bps". */
    static String bw(double bps) {
        if (bps > 1_000_000_000.0) {
            return String.format(java.util.Locale.ROOT, "%.1fG", bps / 1_000_000_000.0);
        } else if (bps > 1_000_000.0) {
            return String.format(java.util.Locale.ROOT, "%.1fM", bps / 1_000_000.0);
        } else if (bps > 1000.0) {
            return String.format(java.util.Locale.ROOT, "%.1fK", bps / 1000.0);
        }
        return g(bps);
    }

    /** {@code timer:(name,time,retrans)} as ss prints it. */
    public static String timer(SocketEntry e) {
        return "timer:(" + e.timer() + "," + msTimer(e.timerMs()) + "," + e.retrans() + ")";
    }

    /**
     * iproute2's print_ms_timer(): "676ms", "1.556ms" (1 s 556 ms), "2sec", "11sec", "1min5sec", "119min";
     * an empty string for 0.
     */
    public static String msTimer(long timeoutMs) {
        long secs = timeoutMs / 1000;
        long minutes = secs / 60;
        secs %= 60;
        long msecs = timeoutMs % 1000;
        StringBuilder b = new StringBuilder();
        if (minutes > 0) {
            msecs = 0;
            b.append(minutes).append("min");
            if (minutes > 9) {
                secs = 0;
            }
        }
        if (secs > 0) {
            if (secs > 9) {
                msecs = 0;
            }
            b.append(secs).append(msecs > 0 ? "." : "sec");
        }
        if (msecs > 0) {
            b.append(String.format("%03dms", msecs));
        }
        return b.toString();
    }

    /** An address column as ss prints it: "10.0.0.1:80", port 0 (a listener's peer) as "*". */
    public static String address(dev.jtcp.wire.Endpoint e) {
        return Ipv4Addr.format(e.addr()) + ":" + port(e.port());
    }

    private static String port(int p) {
        return p == 0 ? "*" : Integer.toString(p);
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    private static String left(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    private static String stripTrailing(StringBuilder sb) {
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        return sb.substring(0, end);
    }
}
