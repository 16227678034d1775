package dev.jtcp.sim;

import dev.jtcp.sim.scenario.Ladder;
import dev.jtcp.tcp.SockOpt;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.jtcp.sim.Transfers.CLIENT;
import static dev.jtcp.sim.Transfers.SERVER;
import static dev.jtcp.sim.Transfers.SERVER_ADDR;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Receive-buffer auto-tuning (tcp_rcv_space_adjust / tcp_rcvbuf_grow, Linux 6.18) and receive-window growth
 * (tcp_grow_window): a reader that keeps up lets the buffer grow to twice what it read per RTT, within
 * tcp_rmem[2]; SO_RCVBUF or tcp_moderate_rcvbuf=0 keep it where it was.
 */
class ReceiveBufferAutoTuningTest {
    private static final int N = 4 << 20;

    /** 4 MiB from client to server over 20 ms RTT at 1 Gbit/s; returns the ladder and the server's final SO_RCVBUF. */
    private static Object[] run(int rcvbuf, String moderate) {
        Simulation sim = Transfers.twoHosts(7, LinkSpec.rttMillis(20).withRate(1_000_000_000L).withQueue(10_000))
                .sysctl("net.ipv4.tcp_moderate_rcvbuf", moderate).build();
        int[] finalRcvbuf = new int[1];
        long[] got = new long[1];
        long[] readDone = new long[1];
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            if (rcvbuf > 0) {
                l.setsockopt(SockOpt.SO_RCVBUF, rcvbuf);
            }
            l.bind(80);
            l.listen(16);
            SimSocket c = l.accept();
            got[0] = c.readToEnd(1 << 20).length;
            readDone[0] = p.nowNs();
            finalRcvbuf[0] = c.getsockopt(SockOpt.SO_RCVBUF);
            c.close();
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            s.connect(SERVER_ADDR, 80);
            s.write(Transfers.pattern(N));
            s.close();
        });
        sim.run(Duration.ofMinutes(5));
        Ladder l = Ladder.of("autotune", sim);
        sim.close();
        assertThat(got[0]).isEqualTo(N);
        return new Object[] {l, finalRcvbuf[0], readDone[0]};
    }

    /** The window scale the server announced in its SYN-ACK. */
    private static int wscale(Ladder l) {
        String opts = l.sent(SERVER).getFirst().opts();
        Matcher m = Pattern.compile("wscale (\\d+)").matcher(opts);
        assertThat(m.find()).as("wscale in %s", opts).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static List<Integer> windows(Ladder l) {
        int shift = wscale(l);
        return l.sent(SERVER).stream().filter(s -> !s.has('S')).map(s -> s.win() << shift).toList();
    }

    private static int maxWindow(Ladder l) {
        return windows(l).stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Test
    void theBufferGrowsWithWhatTheReaderConsumesAndTheWindowFollows() {
        Object[] r = run(0, "1");
        Ladder l = (Ladder) r[0];
        int rcvbuf = (int) r[1];
        // Starts at tcp_rmem[1] (131072, a 64 KB window); a fast reader on a 2.5 MB BDP path grows it by
        // doubling per RTT towards tcp_rmem[2] (32 MiB).
        assertThat(rcvbuf).isGreaterThan(2 << 20).isLessThanOrEqualTo(32 << 20);
        assertThat(maxWindow(l)).isGreaterThan(1 << 20);
        // The window grows step by step (tcp_grow_window), never jumps to the clamp at once.
        List<Integer> wins = windows(l);
        for (int i = 1; i < wins.size(); i++) {
            assertThat(wins.get(i)).as("ACK %d", i).isLessThanOrEqualTo(Math.max(wins.get(i - 1), 0) * 4 + (256 << 10));
        }
    }

    @Test
    void soRcvbufLocksTheBuffer() {
        Object[] r = run(65536, "1");
        assertThat((int) r[1]).isEqualTo(131072);   // SO_RCVBUF doubled, never auto-tuned
        assertThat(maxWindow((Ladder) r[0])).isLessThanOrEqualTo(65536);
    }

    @Test
    void tcpModerateRcvbufOffKeepsTheDefault() {
        Object[] r = run(0, "0");
        assertThat((int) r[1]).isEqualTo(131072);
        assertThat(maxWindow((Ladder) r[0])).isLessThanOrEqualTo(65536);
    }

    @Test
    void autoTuningMakesTheLongFatPipeFast() {
        long tuned = (long) run(0, "1")[2];
        long fixed = (long) run(0, "0")[2];
        // 64 KB per 20 ms caps the fixed buffer near 26 Mbit/s (about 1.3 s for 4 MiB); the tuned one is
        // limited by slow start and the 1 Gbit/s link.
        assertThat(fixed).isGreaterThan(Duration.ofMillis(1200).toNanos());
        assertThat(tuned).isLessThan(fixed / 3);
    }
}
