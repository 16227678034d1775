package dev.jtcp.sim;

import dev.jtcp.sim.scenario.Ladder;
import dev.jtcp.sys.Mib;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.jtcp.sim.Transfers.CLIENT;
import static dev.jtcp.sim.Transfers.SERVER;
import static dev.jtcp.sim.Transfers.SERVER_ADDR;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static dev.jtcp.sim.scenario.Ladder.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Scripted fault rules: match, from, to, between, times; their drops in the trace. */
class FaultTest {
    static final LinkSpec RTT_50 = LinkSpec.rtt(Duration.ofMillis(50));

    /** A client that only connects (exact timers, so SYN retransmissions are at 0, 1, 2, 3 ... s). */
    static Ladder connectOnly(Fault... faults) {
        Simulation.Builder b = Transfers.twoHosts(1, RTT_50).hz(1000, false);
        for (Fault f : faults) {
            b.fault(f);
        }
        Simulation sim = b.build();
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            l.accept();
        });
        sim.app(CLIENT, p -> p.socket().connect(SERVER_ADDR, 80));
        sim.run(Duration.ofMinutes(5));
        Ladder l = Ladder.of("connect", sim);
        sim.close();
        return l;
    }

    @Test
    void dropsAreTracedAsNetworkDropsWithTheRuleAsWhy() {
        Fault f = Fault.drop("every SYN", SimPacket::isSyn).between(Duration.ZERO, Duration.ofSeconds(3));
        Ladder l = connectOnly(f);
        assertThat(l.networkDrops()).extracting(Ladder.Seg::line).containsExactly(
                "0.000000 server drop S 0:0 win 64240",
                "1.000000 server drop S 0:0 win 64240",
                "2.000000 server drop S 0:0 win 64240");
        assertThat(l.networkDrops()).allSatisfy(d -> {
            assertThat(d.why()).isEqualTo("fault rule: every SYN");
            assertThat(d.by()).isEqualTo("network");
            assertThat(d.host()).isEqualTo(SERVER);   // recorded on the host it was going to
        });
        assertThat(f.dropped()).isEqualTo(3);
        assertThat(f.description()).isEqualTo("every SYN");
    }

    @Test
    void betweenIsHalfOpen() {
        // [0 s, 3 s): the SYN entering the network at exactly 3 s goes through.
        Ladder l = connectOnly(Fault.drop("SYNs before 3 s", SimPacket::isSyn).between(Duration.ZERO, Duration.ofSeconds(3)));
        assertThat(l.received(SERVER)).first().extracting(Ladder.Seg::line).isEqualTo("3.025000 server recv S 0:0 win 64240");
        assertThat(l.callLines(CLIENT, "connect")).containsExactly("3.050000 connect=0");
        // And the start is inclusive: a window starting at 1 s catches the SYN sent at 1 s.
        Ladder m = connectOnly(Fault.drop("SYNs in [1 s, 2 s)", SimPacket::isSyn).between(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(m.networkDrops()).isEmpty();   // the first SYN (0 s) got through
        Ladder n = connectOnly(Fault.drop("SYN-ACKs", SimPacket::isSynAck),
                Fault.drop("SYNs in [1 s, 2 s)", SimPacket::isSyn).between(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        assertThat(n.networkDrops().stream().filter(d -> d.flags().equals("S")).map(d -> t(d.tNs())))
                .containsExactly("1.000000");
    }

    @Test
    void timesLimitsTheNumberOfDrops() {
        Fault f = Fault.drop("the first two SYNs", SimPacket::isSyn).times(2);
        Ladder l = connectOnly(f);
        assertThat(l.networkDrops()).extracting(d -> t(d.tNs())).containsExactly("0.000000", "1.000000");
        assertThat(l.callLines(CLIENT, "connect")).containsExactly("2.050000 connect=0");
        assertThat(f.dropped()).isEqualTo(2);
    }

    @Test
    void timesMustBePositive() {
        assertThatThrownBy(() -> Fault.drop("x", p -> true).times(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("times must be >= 1");
        assertThatThrownBy(() -> Fault.drop(null, p -> true)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Fault.drop("x", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void fromOnlyMatchesPacketsSentByThatHost() {
        // Everything the server sends between 1 s and 3 s is lost; the client's packets all arrive.
        Fault f = Fault.drop("the server is mute", p -> true).from(SERVER).between(Duration.ofSeconds(1), Duration.ofSeconds(3));
        Transfers.Result r = transferAt(Duration.ofSeconds(1), 5000, f);
        assertThat(r.received()).isEqualTo(r.sent());
        Ladder l = r.ladder();
        assertThat(l.networkDrops()).isNotEmpty().allSatisfy(d -> {
            assertThat(d.src()).startsWith(SERVER_ADDR + ":");
            assertThat(d.tNs()).isBetween(ns("1"), ns("3") - 1);
        });
        assertThat(f.dropped()).isEqualTo(l.networkDrops().size());
        // The client's ACK-less retransmissions reach the server: only the server's packets were dropped.
        assertThat(l.sent(CLIENT).size()).isEqualTo(l.received(SERVER).size());
        assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isPositive();
    }

    @Test
    void toOnlyMatchesPacketsForThatHost() {
        // Three hosts: the client talks to the server and to "other"; only packets to the server are dropped.
        Simulation sim = Simulation.builder().seed(3)
                .host(CLIENT, "10.0.0.1").host(SERVER, SERVER_ADDR).host("other", "10.0.0.3")
                .link(CLIENT, SERVER, RTT_50).link(CLIENT, "other", RTT_50)
                .fault(Fault.drop("SYNs to the server", SimPacket::isSyn).to(SERVER).times(1))
                .build();
        for (String h : List.of(SERVER, "other")) {
            sim.app(h, p -> {
                SimSocket l = p.socket();
                l.bind(80);
                l.listen(16);
                l.accept();
            });
        }
        sim.app(CLIENT, p -> p.socket().connect("10.0.0.3", 80));
        sim.app(CLIENT, p -> p.socket().connect(SERVER_ADDR, 80));
        sim.run(Duration.ofMinutes(1));
        Ladder l = Ladder.of("three hosts", sim);
        sim.close();
        assertThat(l.networkDrops()).singleElement().satisfies(d -> {
            assertThat(d.dst()).isEqualTo(SERVER_ADDR + ":80");
            assertThat(d.host()).isEqualTo(SERVER);
        });
        List<String> connects = l.callLines(CLIENT, "connect");
        assertThat(connects).containsExactlyInAnyOrder("0.050000 connect=0", "1.074000 connect=0");
    }

    @Test
    void firstMatchingRuleDropsAndNamesTheDrop() {
        Fault a = Fault.drop("rule A", SimPacket::isSyn).times(1);
        Fault b = Fault.drop("rule B", SimPacket::isSyn).times(5);
        Ladder l = connectOnly(a, b);
        assertThat(l.networkDrops()).extracting(Ladder.Seg::why)
                .containsExactly("fault rule: rule A", "fault rule: rule B", "fault rule: rule B",
                        "fault rule: rule B", "fault rule: rule B", "fault rule: rule B");
        assertThat(a.dropped()).isEqualTo(1);
        assertThat(b.dropped()).isEqualTo(5);
    }

    @Test
    void predicateSeesEveryPacketWithItsHeader() {
        List<String> seen = new ArrayList<>();
        Fault watcher = Fault.drop("never", p -> {
            seen.add(t(p.tNs()) + " " + p.from() + ">" + p.to() + " " + (p.isSyn() ? "SYN" : p.isSynAck() ? "SYN-ACK"
                    : p.isFin() ? "FIN" : p.hasData() ? "DATA " + p.payloadLength() : p.isPureAck() ? "ACK" : "?")
                    + (p.isTcp() ? "" : " not tcp"));
            return false;
        });
        Transfers.Result r = Transfers.transfer(1, RTT_50, 100, watcher);
        assertThat(r.received()).isEqualTo(r.sent());
        assertThat(watcher.dropped()).isZero();
        assertThat(seen).startsWith(
                "0.000000 client>server SYN",
                "0.025000 server>client SYN-ACK",
                "0.050000 client>server ACK",
                "0.050000 client>server DATA 100",
                "0.050000 client>server FIN");
        assertThat(seen).hasSize(r.ladder().sent(CLIENT).size() + r.ladder().sent(SERVER).size());
    }

    @Test
    void randomLinkLossAndFaultsCombine() {
        Fault f = Fault.drop("first FIN", SimPacket::isFin).from(CLIENT).times(1);
        Transfers.Result r = Transfers.transfer(9, RTT_50.withLoss(0.1), 20_000, f);
        assertThat(r.received()).isEqualTo(r.sent());
        assertThat(r.ladder().networkDrops()).extracting(Ladder.Seg::why)
                .contains("fault rule: first FIN", "random loss (p=0.1)");
    }

    /** The client connects at once, waits until start, then writes n bytes and closes. */
    private static Transfers.Result transferAt(Duration start, int n, Fault... faults) {
        Simulation.Builder b = Transfers.twoHosts(1, RTT_50);
        for (Fault f : faults) {
            b.fault(f);
        }
        Simulation sim = b.build();
        byte[] data = Transfers.pattern(n);
        byte[][] got = new byte[1][];
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            SimSocket c = l.accept();
            got[0] = c.readToEnd(65536);
            c.close();
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            s.connect(SERVER_ADDR, 80);
            p.sleepUntil(start);
            s.write(data);
            s.close();
        });
        long end = sim.run(Duration.ofMinutes(30));
        Ladder l = Ladder.of("transfer", sim);
        sim.close();
        return new Transfers.Result(l, data, got[0], end);
    }
}
