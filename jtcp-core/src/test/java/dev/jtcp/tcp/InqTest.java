package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.testkit.LadderPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ioctl(SIOCINQ) (tcp_inq()) and TCP_INQ's TCP_CM_INQ value (tcp_inq_hint()). */
class InqTest {

    @Test
    void siocinq_countsUnreadBytes_notTheFin_andTcpInqSaysReadOnAtTheEnd() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket s = p.connect();
        p.out(0.0, "S");
        p.in(0.010, "S.", 0, 0, 1, 65535, p.synOpts(7));
        p.out(0.010, ".");
        assertThat(s.inqHint()).as("TCP_INQ off").isEqualTo(-1);
        assertThat(s.setOption(SockOpt.TCP_INQ, 1)).isZero();
        assertThat(s.getOption(SockOpt.TCP_INQ)).isEqualTo(1);
        assertThat(s.setOption(SockOpt.TCP_INQ, 2)).isEqualTo(Errno.EINVAL.neg());
        p.inData(0.020, 1, "a".repeat(1000), 1, 502);
        assertThat(s.inq()).isEqualTo(1000);
        assertThat(s.read(new byte[400], 0, 400)).isEqualTo(400);
        assertThat(s.inq()).isEqualTo(600);
        assertThat(s.inqHint()).isEqualTo(600);
        p.in(0.030, "F.", 1001, 0, 1, 502);
        assertThat(s.inq()).as("the FIN is not a byte to read").isEqualTo(600);
        assertThat(s.read(new byte[600], 0, 600)).isEqualTo(600);
        assertThat(s.inq()).isZero();
        assertThat(s.inqHint()).as("1 after the FIN: read on to see the end").isEqualTo(1);
    }

    @Test
    void siocinq_onAListener_isEinval() {
        LadderPeer p = LadderPeer.linuxDefaults();
        TcpSocket l = p.listen(8080);
        assertThat(l.inq()).isEqualTo(Errno.EINVAL.neg());
    }
}
