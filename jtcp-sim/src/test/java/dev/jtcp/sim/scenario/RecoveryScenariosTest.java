package dev.jtcp.sim.scenario;

import dev.jtcp.sys.Mib;
import dev.jtcp.trace.CallEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.jtcp.sim.scenario.Ladder.CLIENT;
import static dev.jtcp.sim.scenario.Ladder.SERVER;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loss-recovery scenarios: fast retransmit without SACK (NewReno), SACK recovery of several losses
 * in one window (RACK + PRR), and a tail loss repaired by a loss probe. Times are those of the default
 * 50 ms RTT at HZ 250 on the timer wheel.
 */
class RecoveryScenariosTest {

    private static List<Ladder.Seg> dataSent(Ladder l, long seq) {
        return l.sent(CLIENT).stream().filter(s -> s.seq() == seq && s.len() > 0).toList();
    }

    private static long bytesRead(Ladder l) {
        return l.calls(SERVER, "read").stream().mapToLong(CallEvent::result).filter(r -> r > 0).sum();
    }

    @Nested
    class FastRetransmit {
        final Ladder l = Ladder.run("fast-retransmit");

        @Test
        void noSackIsNegotiated() {
            assertThat(l.segments()).allSatisfy(s -> assertThat(s.raw().tcp().options().sackBlocks()).isEmpty());
            assertThat(l.sent(CLIENT).get(0).opts()).doesNotContain("sackOK");
        }

        @Test
        void thirdDuplicateAckTriggersTheFastRetransmit() {
            assertThat(l.networkDrops()).singleElement()
                    .satisfies(d -> assertThat(d.line()).isEqualTo("0.050000 server drop . 2897:4345 ack 1 win 63"));
            List<Ladder.Seg> rtx = dataSent(l, 2897);
            assertThat(rtx).hasSize(2);
            assertThat(rtx.get(1).brief()).isEqualTo("0.100000 . 2897:4345 ack 1 win 63");
            assertThat(rtx.get(1).why()).contains("fast retransmit").contains("3 duplicate ACKs");
            // Received before it: the ACK that advanced to 2897, then exactly three duplicates.
            List<Ladder.Seg> clientEvents = l.segments(s -> s.host().equals(CLIENT));
            List<Ladder.Seg> acks = clientEvents.subList(0, clientEvents.indexOf(rtx.get(1))).stream()
                    .filter(s -> s.isRecv() && s.ack() == 2897).toList();
            assertThat(acks).hasSize(4);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPRenoRecovery)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPSackRecovery)).isZero();
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPFastRetrans)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPTimeouts)).isZero();
        }

        @Test
        void duplicateAcksClockOutNewDataDuringRecovery() {
            // Each duplicate ACK counts as a segment that left the network (tcp_add_reno_sack); PRR lets new
            // data go while the hole is repaired.
            long rtxAt = dataSent(l, 2897).get(1).tNs();
            long fillAt = l.received(CLIENT).stream().filter(s -> s.ack() > 2897).mapToLong(Ladder.Seg::tNs)
                    .min().orElseThrow();
            assertThat(l.sent(CLIENT).stream().filter(s -> s.len() > 0 && s.seq() >= 23169
                    && s.tNs() >= rtxAt && s.tNs() < fillAt)).isNotEmpty();
        }

        @Test
        void everyByteArrivesAndBothSidesClose() {
            assertThat(bytesRead(l)).isEqualTo(30000);
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
            assertThat(l.statePath(SERVER)).isEqualTo("LISTEN SYN_RECV ESTABLISHED CLOSE_WAIT LAST_ACK CLOSE");
        }
    }

    @Nested
    class SackRecovery {
        final Ladder l = Ladder.run("sack-recovery");

        @Test
        void threeLossesInTheFirstWindow() {
            assertThat(l.networkDrops()).extracting(Ladder.Seg::seq).containsExactly(2897L, 5793L, 10137L);
        }

        @Test
        void eachHoleIsRetransmittedOnceInOneRecoveryWithoutTimeout() {
            long previous = 0;
            for (long hole : List.of(2897L, 5793L, 10137L)) {
                List<Ladder.Seg> tx = dataSent(l, hole);
                assertThat(tx).as("hole %d", hole).hasSize(2);
                assertThat(tx.get(1).why()).containsAnyOf("fast retransmit", "fast recovery");
                assertThat(tx.get(1).tNs()).isGreaterThanOrEqualTo(previous);
                previous = tx.get(1).tNs();
            }
            assertThat(previous).as("all repaired within two round trips").isLessThanOrEqualTo(ns("0.150"));
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPSackRecovery)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPFastRetrans)).isEqualTo(3);
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isEqualTo(3);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPTimeouts)).isZero();
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPLossProbes)).isZero();
        }

        @Test
        void firstHoleGoesOnTheThirdSackedSegment() {
            Ladder.Seg first = dataSent(l, 2897).get(1);
            assertThat(first.why()).contains("3 segments SACKed");
            assertThat(first.tNs()).isEqualTo(ns("0.1"));
        }

        @Test
        void newDataFlowsDuringRecovery() {
            long lastRtx = dataSent(l, 10137).get(1).tNs();
            long firstRtx = dataSent(l, 2897).get(1).tNs();
            assertThat(l.sent(CLIENT).stream().filter(s -> s.len() > 0 && s.seq() >= 23169
                    && s.tNs() >= firstRtx && s.tNs() <= lastRtx)).isNotEmpty();
        }

        @Test
        void everyByteArrives() {
            assertThat(bytesRead(l)).isEqualTo(60000);
            assertThat(l.statePath(CLIENT)).isEqualTo("CLOSE SYN_SENT ESTABLISHED FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE");
        }
    }

    @Nested
    class RackTlp {
        final Ladder l = Ladder.run("rack-tlp");

        @Test
        void theLastTwoSegmentsAreLost() {
            assertThat(l.networkDrops()).extracting(Ladder.Seg::seq).containsExactly(11585L, 13033L);
        }

        @Test
        void probeTimeoutResendsTheLastSegment() {
            List<Ladder.Seg> last = dataSent(l, 13033);
            assertThat(last).hasSize(2);
            // PTO = 2 x SRTT + 2 ms from the last ACK at 0.1 (104 ms, 0.208 on the timer wheel).
            assertThat(last.get(1).brief()).isEqualTo("0.208000 P. 13033:14481 ack 1 win 63");
            assertThat(last.get(1).why()).contains("TLP");
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPLossProbes)).isEqualTo(1);
        }

        @Test
        void theProbesSackLetsRackRepairTheOtherLossWithoutRto() {
            Ladder.Seg sack = l.received(CLIENT).stream().filter(s -> s.ack() == 11585
                    && !s.raw().tcp().options().sackBlocks().isEmpty()).findFirst().orElseThrow();
            assertThat(sack.tNs()).isEqualTo(ns("0.258"));
            List<Ladder.Seg> hole = dataSent(l, 11585);
            assertThat(hole).hasSize(2);
            assertThat(hole.get(1).brief()).isEqualTo("0.258000 . 11585:13033 ack 1 win 63");
            assertThat(hole.get(1).why()).contains("fast retransmit");
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPSackRecovery)).isEqualTo(1);
            assertThat(l.mib(CLIENT, Mib.TcpExtTCPTimeouts)).isZero();
            assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isEqualTo(2);
            assertThat(l.timerFireTimes(CLIENT, "retransmit")).containsExactly("0.208000");
        }

        @Test
        void everyByteArrives() {
            assertThat(bytesRead(l)).isEqualTo(14480);
        }
    }
}
