package dev.jtcp.sim;

import dev.jtcp.sim.scenario.Ladder;
import dev.jtcp.trace.Jsonl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.jtcp.sim.Transfers.CLIENT;
import static dev.jtcp.sim.Transfers.SERVER;
import static dev.jtcp.sim.Transfers.SERVER_ADDR;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static dev.jtcp.sim.scenario.Ladder.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator itself: virtual time, application timelines, determinism, errors, shutdown. */
class SimulationTest {
    static final LinkSpec RTT_50 = LinkSpec.rtt(Duration.ofMillis(50));

    static Simulation twoHosts() {
        return Transfers.twoHosts(1, RTT_50).build();
    }

    // ================================================================ shutdown

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void closeAbortsProcessesBlockedForever() {
        Simulation sim = twoHosts();
        List<String> finished = new ArrayList<>();
        sim.app(SERVER, p -> {
            try {
                SimSocket l = p.socket();
                l.bind(80);
                l.listen(16);
                l.accept();                       // nobody ever connects
                finished.add("accept returned");
            } finally {
                finished.add("server unwound");
            }
        });
        sim.app(CLIENT, p -> {
            try {
                p.sleep(Duration.ofDays(365));    // sleeps past the end of the run
                finished.add("sleep returned");
            } finally {
                finished.add("client unwound");
            }
        });
        assertThat(sim.run(Duration.ofSeconds(10))).isEqualTo(ns("10"));
        assertThat(finished).isEmpty();
        sim.close();
        assertThat(finished).containsExactlyInAnyOrder("server unwound", "client unwound");
        sim.close();   // idempotent
        assertThatThrownBy(() -> sim.run(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void closeAbortsAReadThatNeverCompletes() {
        Simulation sim = twoHosts();
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            l.accept().read(100);                 // the client never writes
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            s.connect(SERVER_ADDR, 80);
            s.read(100);                          // nor does the server
        });
        long end = sim.run(Duration.ofMinutes(10));
        assertThat(t(end)).isEqualTo("0.075000");   // quiet: nothing left to happen
        Ladder l = Ladder.of("idle", sim);
        sim.close();
        assertThat(l.calls(CLIENT, "read")).isEmpty();
        assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED");
    }

    @Test
    void applicationFailureIsReportedWithHostTimeAndCause() {
        Simulation sim = twoHosts();
        sim.app(CLIENT, p -> {
            p.sleep(Duration.ofMillis(1500));
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> sim.run(Duration.ofSeconds(10)))
                .isInstanceOf(SimulationException.class)
                .hasMessage("application app0 on client failed at 1.500000 s: java.lang.IllegalStateException: boom")
                .hasCauseInstanceOf(IllegalStateException.class);
        sim.close();
    }

    // ================================================================ virtual time

    @Test
    void runStopsWhenQuietAndRunForRunsExactly() {
        Simulation sim = twoHosts();
        sim.app(CLIENT, p -> p.sleep(Duration.ofMillis(250)));
        assertThat(sim.run(Duration.ofSeconds(5))).isEqualTo(ns("0.25"));
        assertThat(sim.nowNs()).isEqualTo(ns("0.25"));
        assertThat(sim.runFor(Duration.ofSeconds(3))).isEqualTo(ns("3"));
        sim.close();

        Simulation limited = twoHosts();
        limited.app(CLIENT, p -> p.sleep(Duration.ofSeconds(100)));
        assertThat(limited.run(Duration.ofSeconds(2))).isEqualTo(ns("2"));   // limit reached first
        limited.close();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void timeIsVirtual() {
        // Fifteen minutes of retransmissions take no real time worth mentioning.
        Simulation sim = Transfers.twoHosts(1, RTT_50)
                .fault(Fault.drop("the server vanished", p -> p.from().equals(SERVER)).between(Duration.ofSeconds(1), Duration.ofHours(1)))
                .build();
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            l.accept().read(10);
        });
        int[] result = new int[1];
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            s.connect(SERVER_ADDR, 80);
            p.sleepUntil(Duration.ofSeconds(2));
            s.write("x");
            result[0] = s.read(10).result();
        });
        long start = System.nanoTime();
        long end = sim.run(Duration.ofHours(1));
        assertThat(System.nanoTime() - start).isLessThan(ns("10"));
        assertThat(end).isGreaterThan(ns("900"));
        assertThat(result[0]).isEqualTo(-110);   // ETIMEDOUT
        sim.close();
    }

    @Test
    void applicationsStartWhenAsked() {
        Simulation sim = twoHosts();
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            l.accept();
        });
        List<Long> seen = new ArrayList<>();
        sim.app(CLIENT, Duration.ofMillis(700), p -> {
            seen.add(p.nowNs());
            assertThat(p.host()).isEqualTo(CLIENT);
            p.socket().connect(SERVER_ADDR, 80);
            seen.add(p.nowNs());
            p.sleepUntil(Duration.ofMillis(500));   // in the past: no-op
            seen.add(p.now().toNanos());
        });
        sim.run(Duration.ofSeconds(5));
        Ladder l = Ladder.of("late start", sim);
        sim.close();
        assertThat(seen).containsExactly(ns("0.7"), ns("0.75"), ns("0.75"));
        assertThat(l.sent(CLIENT).get(0).line()).isEqualTo("0.700000 client send S 0:0 win 64240");
    }

    // ================================================================ determinism

    @Test
    void sameSeedSameTraceOtherSeedOtherIsn() {
        String a = jsonl(Transfers.transfer(5, RTT_50, 20_000));
        String b = jsonl(Transfers.transfer(5, RTT_50, 20_000));
        String c = jsonl(Transfers.transfer(6, RTT_50, 20_000));
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        // Timing does not depend on the seed on a fault-free link: same number of lines, same times.
        assertThat(c.lines().map(x -> x.substring(0, x.indexOf(','))).toList())
                .isEqualTo(a.lines().map(x -> x.substring(0, x.indexOf(','))).toList());
    }

    @Test
    void traceCanBeTurnedOff() {
        Simulation sim = Transfers.twoHosts(1, RTT_50).trace(false).build();
        sim.app(SERVER, p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(16);
            l.accept().readToEnd(1000);
        });
        sim.app(CLIENT, p -> {
            SimSocket s = p.socket();
            s.connect(SERVER_ADDR, 80);
            s.write("hello");
            s.close();
        });
        sim.run(Duration.ofMinutes(2));
        assertThat(sim.trace()).isNull();
        assertThat(sim.stack(CLIENT).mib().get(dev.jtcp.sys.Mib.TcpActiveOpens)).isEqualTo(1);
        sim.close();
    }

    // ================================================================ configuration errors

    @Test
    void builderRejectsInconsistentTopologies() {
        assertThatThrownBy(() -> Simulation.builder().host("a", "10.0.0.1").host("a", "10.0.0.2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defined twice");
        assertThatThrownBy(() -> Simulation.builder().host("a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an address");
        assertThatThrownBy(() -> Simulation.builder().host("a", "10.0.0.1").link("a", "b", RTT_50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("define both hosts first");
        assertThatThrownBy(() -> Simulation.builder().host("a", "10.0.0.1").host("b", "10.0.0.1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("used by two hosts");
        assertThatThrownBy(() -> Simulation.builder().sysctl("net.ipv4.nosuch", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown setting");
        assertThatThrownBy(() -> Simulation.builder().hz(50, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100..1000");
        Simulation sim = twoHosts();
        assertThatThrownBy(() -> sim.app("nobody", p -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host 'nobody'");
        assertThat(sim.hostNames()).containsExactly(CLIENT, SERVER);
        assertThat(sim.seed()).isEqualTo(1);
        sim.close();
    }

    @Test
    void perHostSettingsApplyToThatHostOnly() {
        Simulation sim = Transfers.twoHosts(1, RTT_50)
                .sysctl(CLIENT, "net.ipv4.tcp_syn_retries", "2")
                .fault(Fault.drop("every SYN", SimPacket::isSyn))
                .hz(1000, false)
                .build();
        sim.app(CLIENT, p -> p.socket().connect(SERVER_ADDR, 80));
        sim.run(Duration.ofMinutes(5));
        Ladder l = Ladder.of("syn retries 2", sim);
        sim.close();
        assertThat(l.callLines(CLIENT, "connect")).containsExactly("7.000000 connect=ETIMEDOUT");
        assertThat(sim.stack(SERVER).sysctl().get(dev.jtcp.sys.SysctlKey.TCP_SYN_RETRIES)).isEqualTo(6);
        assertThat(sim.stack(CLIENT).sysctl().get(dev.jtcp.sys.SysctlKey.TCP_SYN_RETRIES)).isEqualTo(2);
    }

    private static String jsonl(Transfers.Result r) {
        assertThat(r.received()).isEqualTo(r.sent());
        StringBuilder sb = new StringBuilder();
        Jsonl.write(r.ladder().events(), sb);
        return sb.toString();
    }
}
