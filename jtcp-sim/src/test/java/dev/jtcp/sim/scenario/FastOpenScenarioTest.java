package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import org.junit.jupiter.api.Test;

import static dev.jtcp.sim.scenario.ScenarioParams.CLIENT;
import static dev.jtcp.sim.scenario.ScenarioParams.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast-open scenario (RFC 7413): two jtcp hosts, 50 ms RTT. The first connection's SYN asks for a cookie
 * and gets it on the SYN-ACK; the second sends its 14-byte request in the SYN, and the server, which accepts
 * the child at SYN time, answers it together with the SYN-ACK: the reply arrives one RTT after the SYN
 * instead of two.
 */
class FastOpenScenarioTest {
    final Ladder l = Ladder.run("fast-open");

    @Test
    void theSecondConnectionsRequestRidesOnTheSyn() {
        assertThat(l.lines(s -> s.tNs() >= Ladder.ns("0.200000"))).startsWith(
                "0.200000 client send S 0:14 win 64240",
                "0.225000 server recv S 0:14 win 64240",
                "0.225000 server send S. 0:0 ack 15 win 65160",
                "0.225000 server send P. 1:15 ack 15 win 64",
                "0.250000 client recv S. 0:0 ack 15 win 65160",
                "0.250000 client send . 15:15 ack 1 win 63",
                "0.250000 client recv P. 1:15 ack 15 win 64");
    }

    @Test
    void theCookieComesOnTheFirstSynAckAndGoesOnTheSecondSyn() {
        String cookieRequest = l.sent(CLIENT).get(0).opts();
        assertThat(cookieRequest).endsWith(",nop,wscale 10,unknown-34,nop,nop");
        String offered = l.sent(SERVER).get(0).opts();
        String cookie = offered.substring(offered.indexOf("unknown-34 0x"), offered.lastIndexOf(",nop,nop"));
        assertThat(cookie).hasSize("unknown-34 0x".length() + 16);   // 8 bytes (TCP_FASTOPEN_COOKIE_SIZE)
        Ladder.Seg secondSyn = l.sent(CLIENT).stream().filter(s -> s.has('S')).skip(1).findFirst().orElseThrow();
        assertThat(secondSyn.opts()).endsWith("," + cookie + ",nop,nop");
        // A valid cookie is not sent back.
        Ladder.Seg secondSynAck = l.sent(SERVER).stream().filter(s -> s.has('S')).skip(1).findFirst().orElseThrow();
        assertThat(secondSynAck.opts()).doesNotContain("unknown-34");
    }

    @Test
    void countersNameWhatHappened() {
        assertThat(l.mib(SERVER, Mib.TcpExtTCPFastOpenCookieReqd)).isEqualTo(1);
        assertThat(l.mib(SERVER, Mib.TcpExtTCPFastOpenPassive)).isEqualTo(1);
        assertThat(l.mib(CLIENT, Mib.TcpExtTCPFastOpenActive)).isEqualTo(1);
        assertThat(l.mib(CLIENT, Mib.TcpExtTCPFastOpenActiveFail)).isZero();
    }
}
