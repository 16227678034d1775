package dev.jtcp.sim.scenario;

import dev.jtcp.sim.SimSocket;
import dev.jtcp.sim.Simulation;
import dev.jtcp.trace.CallEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static dev.jtcp.sim.scenario.Ladder.t;
import static org.assertj.core.api.Assertions.assertThat;

/** Ports: bind-in-use, ephemeral-port (REPORT.md items 13 and 14). */
class PortScenariosTest {

    @Nested
    class BindInUse {
        final Ladder l = Ladder.run("bind-in-use");

        @Test
        void bindResults() {
            // Item 14: a listener blocks bind() even with SO_REUSEADDR on both; a port held only by TIME_WAIT
            // blocks it unless both the old and the new socket have SO_REUSEADDR.
            assertThat(l.callLines(SERVER, "bind", "listen")).containsExactly(
                    "0.000000 bind=0",
                    "0.000000 listen=0",
                    "0.000000 bind=EADDRINUSE",
                    "1.075000 bind=EADDRINUSE",
                    "1.075000 bind=0",
                    "1.075000 listen=0");
        }

        @Test
        void theTimeWaitHoldingThePortIsTheServersOwn() {
            String s = l.connection(SERVER);
            assertThat(l.statePath(SERVER, s))
                    .isEqualTo("LISTEN SYN_RECV ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(t(l.enteredNs(SERVER, s, "TIME_WAIT"))).isEqualTo("0.125000");
            assertThat(t(l.enteredNs(SERVER, s, "CLOSE"))).isEqualTo("61.440000");   // still there at 1.075
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE");
            // Both listeners on 8080 were opened and closed.
            assertThat(l.stateLines()).filteredOn(x -> x.contains("LISTEN") && !x.contains("SYN_RECV")).containsExactly(
                    "0.000000 server CLOSE->LISTEN", "0.075000 server LISTEN->CLOSE",
                    "1.075000 server CLOSE->LISTEN", "2.075000 server LISTEN->CLOSE");
        }
    }

    @Nested
    class EphemeralPort {
        final Ladder l = Ladder.run("ephemeral-port");

        List<Integer> localPorts(Ladder x) {
            List<Integer> out = new ArrayList<>();
            for (CallEvent c : x.calls(CLIENT, "connect")) {
                assertThat(c.result()).isZero();
                out.add(Integer.parseInt(c.detail().substring(c.detail().lastIndexOf(':') + 1)));
            }
            return out;
        }

        @Test
        void connectPicksEvenPortsAdvancingBySmallRandomEvenSteps() {
            List<Integer> ports = localPorts(l);
            assertThat(ports).hasSize(9);
            assertThat(ports).allSatisfy(p -> {
                assertThat(p % 2).isZero();
                assertThat(p).isBetween(32768, 60999);
            });
            // Six connects to :80, then three to :81: each run of the same destination advances by 2..16.
            for (List<Integer> run : List.of(ports.subList(0, 6), ports.subList(6, 9))) {
                for (int i = 1; i < run.size(); i++) {
                    assertThat(run.get(i) - run.get(i - 1)).isBetween(2, 16);
                }
            }
            assertThat(ports).containsExactly(34162, 34174, 34182, 34186, 34192, 34204, 35548, 35554, 35560);
        }

        @Test
        void theStartingPointDependsOnTheSeed() {
            List<Integer> a = localPorts(l);
            List<Integer> b = localPorts(Ladder.run("ephemeral-port", ScenarioParams.defaults().withSeed(2)));
            assertThat(b.get(0)).isNotEqualTo(a.get(0));
            assertThat(b).allSatisfy(p -> assertThat(p % 2).isZero());
        }

        @Test
        void allNineConnectionsAreEstablishedAndStayOpen() {
            assertThat(l.connections(CLIENT)).hasSize(9)
                    .allSatisfy(c -> assertThat(l.statePath(CLIENT, c)).isEqualTo("CLOSE SYN_SENT ESTABLISHED"));
            assertThat(l.connections(SERVER)).hasSize(9);
            assertThat(l.callLines(CLIENT, "bind")).containsExactly("0.450000 bind=0");
        }

        @Test
        void bindToPortZeroPicksOddPorts() {
            // Item 13: bind() to port 0 returns an odd port (connect() takes the even ones).
            Simulation sim = ScenarioParams.defaults().twoHosts(50).build();
            List<Integer> ports = new ArrayList<>();
            sim.app(CLIENT, p -> {
                for (int i = 0; i < 8; i++) {
                    SimSocket s = p.socket();
                    assertThat(s.bind(0)).isZero();
                    ports.add(s.localEndpoint().port());
                }
            });
            sim.run(Duration.ofSeconds(1));
            sim.close();
            assertThat(ports).hasSize(8).doesNotHaveDuplicates().allSatisfy(p -> {
                assertThat(p % 2).isOne();
                assertThat(p).isBetween(32768, 60999);
            });
        }
    }
}
