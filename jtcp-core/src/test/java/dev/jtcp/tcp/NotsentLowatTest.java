package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP_NOTSENT_LOWAT and net.ipv4.tcp_notsent_lowat (tcp_stream_memory_free()): a write starts no new skb
 * while the unsent bytes reach the mark, and the socket is writable again once they are under half of it.
 */
class NotsentLowatTest {

    private static TcpSocket client(LadderPeer p) {
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.050, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.050, ".");
        return s;
    }

    @Test
    void aWriteStopsAtTheMark_writableAgainUnderHalfOfIt() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = client(p);
        assertThat(s.getOption(SockOpt.TCP_NOTSENT_LOWAT)).isZero();   // 0: the sysctl applies
        assertThat(s.setOption(SockOpt.TCP_NOTSENT_LOWAT, 4000)).isZero();
        assertThat(s.getOption(SockOpt.TCP_NOTSENT_LOWAT)).isEqualTo(4000);
        int n = s.write(new byte[100_000], 0, 100_000);
        assertThat(n).isPositive().isLessThan(100_000);
        int notsent = s.info().notsentBytes();
        assertThat(notsent).isGreaterThanOrEqualTo(4000);
        assertThat(s.writable()).isFalse();
        assertThat(s.write(new byte[10], 0, 10)).isEqualTo(Errno.EAGAIN.neg());
        // The peer acknowledges everything in flight, several times: the window empties the queue.
        int acked = 0;
        double t = 0.1;
        while (s.info().notsentBytes() * 2 >= 4000) {
            acked = n - s.info().notsentBytes();
            p.in(t, ".", 1, 0, 1 + acked, 2000);
            t += 0.01;
        }
        assertThat(s.writable()).isTrue();
    }

    @Test
    void theSysctlIsUnsignedAndReadsBackSo() {
        Sysctl sys = new Sysctl();
        assertThat(sys.text(SysctlKey.TCP_NOTSENT_LOWAT)).isEqualTo("4294967295");
        sys.set(SysctlKey.TCP_NOTSENT_LOWAT, "4000");
        LadderPeer p = LadderPeer.with(sys);
        TcpSocket s = client(p);
        int n = s.write(new byte[100_000], 0, 100_000);
        assertThat(n).isLessThan(100_000);
        assertThat(s.writable()).isFalse();
    }
}
