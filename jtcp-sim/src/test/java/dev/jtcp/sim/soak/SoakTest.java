package dev.jtcp.sim.soak;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.sys.Mib;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.trace.Jsonl;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Integrity under faults (data-transfer issue, item 8): a thousand seeded transfers through up to 20%
 * loss, reordering, duplication and corruption must each deliver every byte once and in order, close
 * cleanly and leave nothing behind; a failing seed replays exactly.
 */
class SoakTest {
    static final int SEEDS = 1000;

    @Test
    void thousandSeeds_allIntact() {
        Soak.Summary s = Soak.runSeeds(1, SEEDS, Soak.DEFAULT_MAX_LOSS, Runtime.getRuntime().availableProcessors(), r -> { });
        String failures = s.failures().stream()
                .map(r -> r.line() + "\n    plan: " + r.plan() + "\n    replay: " + Soak.replayCommand(r.seed(), Soak.DEFAULT_MAX_LOSS))
                .collect(Collectors.joining("\n"));
        assertThat(s.failures()).as("%d of %d seeds failed:%n%s", s.failures().size(), SEEDS, failures).isEmpty();
        assertThat(s.resultLine()).isEqualTo("RESULT name=soak seeds=1000 intact=1000 corrupted=0 stuck=0 leaked=0");
    }

    @Test
    void theSeedsCoverEveryShapeAndFault() {
        Set<Soak.Shape> shapes = EnumSet.noneOf(Soak.Shape.class);
        long corrupted = 0;
        long retransmits = 0;
        double maxLoss = 0;
        int halfClosed = 0;
        for (long seed = 1; seed <= 100; seed++) {
            Soak.Plan p = Soak.Plan.of(seed, Soak.DEFAULT_MAX_LOSS);
            shapes.add(p.shape());
            maxLoss = Math.max(maxLoss, Math.max(p.clientToServer().loss(), p.serverToClient().loss()));
            halfClosed += p.shape() == Soak.Shape.REQUEST_RESPONSE || p.shape() == Soak.Shape.BOTH_WAYS ? 1 : 0;
            assertThat(p.clientToServer().loss()).isLessThanOrEqualTo(Soak.DEFAULT_MAX_LOSS);
            assertThat(p.upBytes()).isBetween(0, Soak.MAX_BYTES);
            if (seed <= 30) {
                Soak.Result r = Soak.run(seed, Soak.DEFAULT_MAX_LOSS);
                corrupted += r.corruptedArrivals();
                retransmits += r.retransmits();
            }
        }
        assertThat(shapes).containsExactlyInAnyOrder(Soak.Shape.values());
        assertThat(maxLoss).isGreaterThan(0.18);
        assertThat(halfClosed).isPositive();
        assertThat(corrupted).as("corrupted packets delivered to (and dropped by) the hosts").isPositive();
        assertThat(retransmits).isPositive();
    }

    @Test
    void aSeedReplaysExactly_sameTraceByteForByte() {
        long seed = 7;
        Soak.Plan plan = Soak.Plan.of(seed, Soak.DEFAULT_MAX_LOSS);
        String[] traces = new String[2];
        Soak.Result[] results = new Soak.Result[2];
        for (int i = 0; i < 2; i++) {
            try (Simulation sim = Soak.simulation(plan, true)) {
                results[i] = Soak.run(plan, sim);
                StringBuilder sb = new StringBuilder();
                Jsonl.write(sim.trace().events(), sb);
                traces[i] = sb.toString();
            }
        }
        assertThat(traces[0]).isNotEmpty().isEqualTo(traces[1]);
        assertThat(results[0].outcome()).isEqualTo(Soak.Outcome.INTACT);
        assertThat(results[0].crcs()).containsExactly(results[1].crcs());
        // Without a trace the run is the same run.
        Soak.Result quiet = Soak.run(seed, Soak.DEFAULT_MAX_LOSS);
        assertThat(quiet.endNs()).isEqualTo(results[0].endNs());
        assertThat(quiet.packets()).isEqualTo(results[0].packets());
    }

    @Test
    void intactMeansTheBytesReadAreTheBytesWritten() {
        for (long seed = 1; seed <= 20; seed++) {
            Soak.Result r = Soak.run(seed, Soak.DEFAULT_MAX_LOSS);
            assertThat(r.outcome()).as(r.line()).isEqualTo(Soak.Outcome.INTACT);
            long[] c = r.crcs();
            // CRC-32 of what the client wrote = of what the server read, and the other way round.
            assertThat(c[1]).as("client>server of seed %d", seed).isEqualTo(c[0]);
            if (r.plan().shape() != Soak.Shape.UPLOAD) {
                assertThat(c[3]).as("server>client of seed %d", seed).isEqualTo(c[2]);
            }
            assertThat(r.appsDoneNs()).isPositive();
            // The run went quiet when the last TIME_WAIT ended: 60 s (up to 62 s on the timer wheel) after it began.
            assertThat(r.endNs() - r.appsDoneNs()).isLessThan(Soak.LINGER.toNanos());
        }
    }

    @Test
    void aLinkThatLosesAlmostEverything_isReportedStuck_notIntact() {
        long seed = 1;
        while (true) {
            Soak.Plan p = Soak.Plan.of(seed, 1.0);
            if (p.clientToServer().loss() > 0.9 && p.serverToClient().loss() > 0.9) {
                break;
            }
            seed++;
        }
        Soak.Result r = Soak.run(seed, 1.0);
        assertThat(r.outcome()).as(r.line()).isEqualTo(Soak.Outcome.STUCK);
        assertThat(r.line()).startsWith("seed " + seed + ": stuck (");
        assertThat(Soak.replayCommand(seed, 1.0))
                .isEqualTo("./jtcp bench soak --seeds 1 --seed-start " + seed + " --loss 1.0 --trace soak-" + seed + ".jsonl");
    }

    @Test
    void badMaxLossIsRefused() {
        assertThatThrownBy(() -> Soak.Plan.of(1, 1.5)).hasMessageContaining("loss must be a probability in [0, 1], got 1.5");
        assertThatThrownBy(() -> Soak.Plan.of(1, Double.NaN)).hasMessageContaining("loss");
    }

    @Test
    void occupancy_seesWhatALeakLeaves_andNothingOnceAllIsClosed() {
        Simulation sim = Simulation.builder().seed(3).trace(false).host("a", "10.0.0.1").host("b", "10.0.0.2")
                .link("a", "b", LinkSpec.rttMillis(10)).build();
        Tcp.Occupancy[] seen = new Tcp.Occupancy[2];
        sim.app("b", p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(4);
            SimSocket c = l.accept();
            seen[0] = p.stack().tcp().occupancy();   // a listener and an established socket, port 80 bound
            c.readToEnd(100);
            c.close();
            l.close();
        });
        sim.app("a", p -> {
            SimSocket s = p.socket();
            s.connect("10.0.0.2", 80);
            s.write("x");
            s.close();
        });
        sim.run(Duration.ofMinutes(5));
        assertThat(seen[0].listeningPorts()).isEqualTo(1);
        assertThat(seen[0].connections()).isEqualTo(1);
        assertThat(seen[0].boundPorts()).isEqualTo(1);
        assertThat(seen[0].empty()).isFalse();
        assertThat(sim.stack("a").tcp().occupancy().empty()).isTrue();
        assertThat(sim.stack("b").tcp().occupancy().empty()).isTrue();
        assertThat(sim.stack("a").mib().get(Mib.TcpExtTW)).isEqualTo(1);
        sim.close();
    }

    @Test
    void everyCorruptedPacketFailsAChecksum_andIsCounted() {
        // Corruption on one packet in four: the checksums catch each one (the flipped bit never lands on
        // the IP version/length byte or the TCP data offset, which are checked before any checksum).
        Simulation sim = Simulation.builder().seed(11).trace(false).host("a", "10.0.0.1").host("b", "10.0.0.2")
                .link("a", "b", LinkSpec.rttMillis(10).withCorrupt(0.25)).sysctl("net.ipv4.tcp_syn_retries", "12").build();
        int[] got = new int[1];
        sim.app("b", p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(4);
            SimSocket c = l.accept();
            got[0] = c.readToEnd(65536).length;
            c.close();
            l.close();
        });
        sim.app("a", p -> {
            SimSocket s = p.socket();
            s.connect("10.0.0.2", 80);
            s.write(new byte[50_000]);
            s.close();
        });
        sim.run(Duration.ofMinutes(30));
        long counted = 0;
        for (String h : sim.hostNames()) {
            counted += sim.stack(h).mib().get(Mib.TcpInCsumErrors) + sim.stack(h).mib().get(Mib.IpExtInCsumErrors);
        }
        assertThat(sim.corruptedArrivals()).isGreaterThanOrEqualTo(10);
        assertThat(counted).isEqualTo(sim.corruptedArrivals());
        assertThat(got[0]).isEqualTo(50_000);
        sim.close();
    }
}
