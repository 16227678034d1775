package dev.jtcp.stack;

import dev.jtcp.tcp.SocketEntry;
import dev.jtcp.wire.Ipv4Addr;

import java.util.List;

/**
 * Prints a socket table the way iproute2's {@code ss -tano} does: State, Recv-Q, Send-Q, the local and
 * peer address:port columns (addresses right-aligned so the colons line up), and with timers
 * {@code timer:(on,1.556ms,1)} in ss's own time notation.
 */
public final class Ss {
    private Ss() {}

    /** The table as {@code ss -tan} (timers false) or {@code ss -tano} (timers true) prints it. */
    public static String format(List<SocketEntry> entries, boolean timers) {
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
        }
        return sb.toString();
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
