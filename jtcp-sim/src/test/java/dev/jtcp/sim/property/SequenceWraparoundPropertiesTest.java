package dev.jtcp.sim.property;

import dev.jtcp.sim.LinkSpec;
import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.trace.StateEvent;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sequence numbers wrap modulo 2^32: with initial sequence numbers just below the wrap on both sides,
 * a transfer across a lossy link still delivers every byte exactly once and in order, and both ends close.
 */
class SequenceWraparoundPropertiesTest {

    @Provide
    Arbitrary<Integer> isnNearWrap() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-70_000, -1),          // just below 2^32
                Arbitraries.integers().between(Integer.MAX_VALUE - 70_000, Integer.MAX_VALUE));  // just below 2^31
    }

    @Property(tries = 40)
    void transferAcrossTheWrap_isIntact(@ForAll("isnNearWrap") int clientIsn, @ForAll("isnNearWrap") int serverIsn,
                                        @ForAll @IntRange(min = 1, max = 150_000) int size,
                                        @ForAll @DoubleRange(min = 0, max = 0.05) double loss,
                                        @ForAll @IntRange(min = 1, max = 1000) int seed) {
        Simulation sim = Simulation.builder().seed(seed)
                .host("client", "10.0.0.1").host("server", "10.0.0.2")
                .link("client", "server", LinkSpec.rttMillis(10).withLoss(loss))
                .build();
        sim.stack("client").tcp().overrideIsn(() -> clientIsn);
        sim.stack("server").tcp().overrideIsn(() -> serverIsn);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + seed);
        }
        byte[][] got = new byte[1][];
        byte[][] echoed = new byte[1][];
        sim.app("server", p -> {
            SimSocket l = p.socket();
            l.bind(80);
            l.listen(8);
            SimSocket c = l.accept();
            got[0] = c.readToEnd(8192);
            c.write(Arrays.copyOf(got[0], Math.min(got[0].length, 20_000)));
            c.close();
        });
        sim.app("client", p -> {
            SimSocket s = p.socket();
            s.connect("10.0.0.2", 80);
            s.write(data);
            s.shutdown(dev.jtcp.tcp.Tcp.SHUT_WR);
            echoed[0] = s.readToEnd(8192);
            s.close();
        });
        sim.run(Duration.ofHours(2));
        List<StateEvent> states = sim.trace().select(StateEvent.class, e -> !e.conn().startsWith("0.0.0.0"));
        sim.close();
        assertThat(got[0]).as("bytes received by the server").isEqualTo(data);
        assertThat(echoed[0]).as("bytes echoed back").isEqualTo(Arrays.copyOf(data, Math.min(size, 20_000)));
        // Every connection ends in CLOSE.
        assertThat(states.stream().filter(e -> e.to().equals(TcpState.CLOSE.name())).count()).isEqualTo(2);
    }
}
