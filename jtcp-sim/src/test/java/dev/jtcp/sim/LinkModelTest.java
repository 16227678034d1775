package dev.jtcp.sim;

import dev.jtcp.sim.scenario.Ladder;
import dev.jtcp.sys.Mib;
import dev.jtcp.trace.Jsonl;
import dev.jtcp.trace.SegmentEvent;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.jtcp.sim.Transfers.CLIENT;
import static dev.jtcp.sim.Transfers.SERVER;
import static dev.jtcp.sim.scenario.Ladder.ns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The link model: delay, seeded loss / reorder / duplicate / corrupt, bandwidth with a drop-tail queue, MTU. */
class LinkModelTest {
    static final LinkSpec RTT_20 = LinkSpec.rtt(Duration.ofMillis(20));

    // ================================================================ the spec

    @Test
    void specValidatesItsFields() {
        assertThatThrownBy(() -> LinkSpec.ideal().withDelayNs(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
        assertThatThrownBy(() -> LinkSpec.ideal().withRate(-1)).hasMessageContaining("rate");
        assertThatThrownBy(() -> LinkSpec.ideal().withMtu(67)).hasMessageContaining("mtu must be in 68..65535");
        assertThatThrownBy(() -> LinkSpec.ideal().withMtu(65536)).hasMessageContaining("68..65535");
        assertThatThrownBy(() -> LinkSpec.ideal().withLoss(1.5)).hasMessage("loss must be a probability in [0, 1], got 1.5");
        assertThatThrownBy(() -> LinkSpec.ideal().withLoss(Double.NaN)).hasMessageContaining("loss");
        assertThatThrownBy(() -> LinkSpec.ideal().withReorder(-0.1, Duration.ZERO)).hasMessageContaining("reorder");
        assertThatThrownBy(() -> LinkSpec.ideal().withDuplicate(2)).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> LinkSpec.ideal().withCorrupt(-1)).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> LinkSpec.ideal().withCeThreshold(-1))
                .hasMessage("CE marking threshold must be >= 0 packets (0: off), got -1");
    }

    @Test
    void rttIsSplitBetweenTheDirections() {
        assertThat(LinkSpec.rtt(Duration.ofMillis(50)).delayNs()).isEqualTo(25_000_000);
        assertThat(LinkSpec.rttMillis(0.05).delayNs()).isEqualTo(25_000);
        LinkSpec ideal = LinkSpec.ideal();
        assertThat(ideal.mtu()).isEqualTo(1500);
        assertThat(ideal.rateBitsPerSecond()).isZero();
        assertThat(ideal.loss() + ideal.reorder() + ideal.duplicate() + ideal.corrupt()).isZero();
    }

    @Test
    void asymmetricLinkHasADelayPerDirection() {
        Simulation.Builder b = Simulation.builder().seed(1).host(CLIENT, "10.0.0.1").host(SERVER, Transfers.SERVER_ADDR)
                .link(CLIENT, SERVER, LinkSpec.ideal().withDelay(Duration.ofMillis(10)), LinkSpec.ideal().withDelay(Duration.ofMillis(30)));
        Ladder l = Transfers.transfer(b, 10).ladder();
        assertThat(l.lines(s -> s.tNs() < ns("0.045"))).startsWith(
                "0.000000 client send S 0:0 win 64240",
                "0.010000 server recv S 0:0 win 64240",
                "0.010000 server send S. 0:0 ack 1 win 65160",
                "0.040000 client recv S. 0:0 ack 1 win 65160");
    }

    // ================================================================ seeded faults

    @Test
    void randomLossIsRecoveredAndReplaysWithTheSeed() {
        LinkSpec lossy = RTT_20.withLoss(0.2);
        Transfers.Result a = Transfers.transfer(42, lossy, 50_000);
        assertThat(a.received()).isEqualTo(a.sent());
        List<Ladder.Seg> drops = a.ladder().networkDrops();
        assertThat(drops).isNotEmpty().allSatisfy(d -> assertThat(d.why()).isEqualTo("random loss (p=0.2)"));
        assertThat(a.ladder().mib(CLIENT, Mib.TcpRetransSegs)).isPositive();
        // Roughly a fifth of the packets are lost.
        int sent = a.ladder().sent(CLIENT).size() + a.ladder().sent(SERVER).size();
        assertThat((double) drops.size() / sent).isBetween(0.1, 0.3);

        Transfers.Result again = Transfers.transfer(42, lossy, 50_000);
        assertThat(again.ladder().jsonl()).isEqualTo(a.ladder().jsonl());
        Transfers.Result other = Transfers.transfer(43, lossy, 50_000);
        assertThat(other.received()).isEqualTo(other.sent());
        assertThat(other.ladder().networkDrops().stream().map(Ladder.Seg::line).toList())
                .isNotEqualTo(drops.stream().map(Ladder.Seg::line).toList());
    }

    @Test
    void lossProbabilityOneLosesEverything() {
        Transfers.Result r = Transfers.transfer(1, RTT_20.withLoss(1), 10);
        assertThat(r.received()).isNull();   // never accepted
        assertThat(r.ladder().received(SERVER)).isEmpty();
        assertThat(r.ladder().callLines(CLIENT, "connect")).containsExactly("135.168000 connect=ETIMEDOUT");
    }

    @Test
    void reorderingHoldsSomePacketsBack() {
        Transfers.Result r = Transfers.transfer(5, RTT_20.withReorder(0.3, Duration.ofMillis(5)), 60_000);
        assertThat(r.received()).isEqualTo(r.sent());
        // Some data segment arrives after one sent later than it.
        List<Ladder.Seg> arrivals = r.ladder().received(SERVER).stream().filter(s -> s.len() > 0).toList();
        boolean outOfOrder = false;
        for (int i = 1; i < arrivals.size(); i++) {
            if (arrivals.get(i).seq() < arrivals.get(i - 1).seq()) {
                outOfOrder = true;
            }
        }
        assertThat(outOfOrder).isTrue();
        assertThat(r.ladder().mib(SERVER, Mib.TcpExtTCPOFOQueue)).isPositive();
        assertThat(r.ladder().networkDrops()).isEmpty();
        // A held-back packet arrives one-way delay + 5 ms after it was sent.
        Map<Long, Long> sentAt = new HashMap<>();
        for (Ladder.Seg s : r.ladder().sent(CLIENT)) {
            sentAt.putIfAbsent(s.seq() * 100000 + s.len(), s.tNs());
        }
        assertThat(arrivals).anySatisfy(a -> assertThat(a.tNs() - sentAt.get(a.seq() * 100000 + a.len())).isEqualTo(ns("0.015")));
    }

    @Test
    void duplicatesAreDeliveredTwiceAndAnsweredWithDsack() {
        Transfers.Result r = Transfers.transfer(11, RTT_20.withDuplicate(0.3), 30_000);
        assertThat(r.received()).isEqualTo(r.sent());
        Ladder l = r.ladder();
        assertThat(l.received(SERVER).size()).isGreaterThan(l.sent(CLIENT).size());
        assertThat(l.received(CLIENT).size()).isGreaterThan(l.sent(SERVER).size());
        assertThat(l.mib(SERVER, Mib.TcpExtTCPDSACKOldSent) + l.mib(CLIENT, Mib.TcpExtTCPDSACKOldSent)).isPositive();
        // The copy arrives 1 ns after the original.
        List<Ladder.Seg> recv = l.received(SERVER);
        boolean pair = false;
        for (int i = 1; i < recv.size(); i++) {
            if (recv.get(i).tNs() - recv.get(i - 1).tNs() == 1 && recv.get(i).raw().tcp().equals(recv.get(i - 1).raw().tcp())) {
                pair = true;
            }
        }
        assertThat(pair).isTrue();
    }

    @Test
    void corruptedPacketsAreDroppedByTheReceiverAndCounted() {
        Transfers.Result r = Transfers.transfer(CORRUPT_SEED, RTT_20.withCorrupt(0.15), 40_000);
        assertThat(r.received()).isEqualTo(r.sent());
        Ladder l = r.ladder();
        assertThat(l.networkDrops()).isEmpty();
        for (String host : List.of(CLIENT, SERVER)) {
            // Drops by the receiver (a packet with a broken IP header has no parseable TCP header).
            List<SegmentEvent> drops = l.events().stream().filter(e -> e instanceof SegmentEvent s
                    && s.kind() == SegmentEvent.Kind.DROP && host.equals(s.by()) && s.why().startsWith("malformed: "))
                    .map(e -> (SegmentEvent) e).toList();
            // The trace names the counters; the host's counters agree.
            Map<String, Long> named = new HashMap<>();
            for (SegmentEvent d : drops) {
                String list = d.why().substring(d.why().indexOf("counted as ") + "counted as ".length());
                for (String m : list.split(", ")) {
                    named.merge(m.trim(), 1L, Long::sum);
                }
            }
            for (Mib m : List.of(Mib.TcpInCsumErrors, Mib.TcpInErrs, Mib.IpExtInCsumErrors, Mib.IpInHdrErrors)) {
                assertThat(l.mib(host, m)).as("%s %s", host, m).isEqualTo(named.getOrDefault(m.name(), 0L));
            }
            // IpInReceives counts every packet, IpInDelivers those handed to TCP (good or bad).
            long recv = l.received(host).size();
            long tcpBad = drops.stream().filter(d -> d.why().contains("TCP_")).count();
            assertThat(l.mib(host, Mib.IpInReceives)).isEqualTo(recv + drops.size());
            assertThat(l.mib(host, Mib.IpInDelivers)).isEqualTo(recv + tcpBad);
            // A TCP checksum error counts TcpInCsumErrors and TcpInErrs; an IP header checksum error
            // IpExtInCsumErrors and IpInHdrErrors (ip_rcv_core(): csum_error falls into inhdr_error).
            assertThat(l.mib(host, Mib.TcpInCsumErrors)).isLessThanOrEqualTo(l.mib(host, Mib.TcpInErrs));
            assertThat(l.mib(host, Mib.IpExtInCsumErrors)).isLessThanOrEqualTo(l.mib(host, Mib.IpInHdrErrors));
        }
        long tcp = l.mib(CLIENT, Mib.TcpInCsumErrors) + l.mib(SERVER, Mib.TcpInCsumErrors);
        long ip = l.mib(CLIENT, Mib.IpInHdrErrors) + l.mib(SERVER, Mib.IpInHdrErrors);
        assertThat(tcp).as("TCP checksum errors").isPositive();
        assertThat(ip).as("IP header errors").isPositive();
        assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isPositive();
        assertThat(l.events()).filteredOn(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.DROP
                && s.tcp() == null).isNotEmpty().allSatisfy(e -> assertThat(e.why()).contains("IP_BAD_CHECKSUM"));
    }

    @Test
    void tcpInSegsCountsBadSegmentsToo() {
        Transfers.Result r = Transfers.transfer(CORRUPT_SEED, RTT_20.withCorrupt(0.15), 40_000);
        Ladder l = r.ladder();
        for (String host : List.of(CLIENT, SERVER)) {
            long tcpBad = l.events().stream().filter(e -> e instanceof SegmentEvent s && s.kind() == SegmentEvent.Kind.DROP
                    && host.equals(s.by()) && s.why().contains("TCP_BAD_CHECKSUM")).count();
            assertThat(l.mib(host, Mib.TcpInSegs)).as(host).isEqualTo(l.received(host).size() + tcpBad);
        }
    }

    /** A seed whose corruption hits both a TCP segment and an IP header. */
    static final long CORRUPT_SEED = 9;

    // ================================================================ bandwidth and queue

    @Test
    void serializationDelayIsBitsOverRate() {
        // 1 Mbit/s, 10 ms each way: a 60-byte SYN takes 480 us on the wire.
        LinkSpec slow = LinkSpec.ideal().withDelay(Duration.ofMillis(10)).withRate(1_000_000);
        Transfers.Result r = Transfers.transfer(1, slow, 3000);
        assertThat(r.received()).isEqualTo(r.sent());
        Ladder l = r.ladder();
        assertThat(l.lines(s -> s.tNs() < ns("0.021"))).startsWith(
                "0.000000 client send S 0:0 win 64240",
                "0.010480 server recv S 0:0 win 64240",
                "0.010480 server send S. 0:0 ack 1 win 65160",
                "0.020960 client recv S. 0:0 ack 1 win 65160");
        // 3000 bytes with NODELAY at 20.96 ms: 1448 + 1448 + 104 bytes of payload = IP packets of 1500,
        // 1500 and 156 bytes: 12 ms, 12 ms and 1.248 ms back to back behind the 52-byte ACK (416 us).
        List<Ladder.Seg> data = l.received(SERVER).stream().filter(s -> s.len() > 0).toList();
        assertThat(data).extracting(s -> Ladder.t(s.tNs()) + " " + s.seq() + ":" + s.end()).startsWith(
                "0.043376 1:1449", "0.055376 1449:2897", "0.056624 2897:3001");
    }

    @Test
    void dropTailQueueDropsTheBurstTail() {
        LinkSpec slow = LinkSpec.ideal().withDelay(Duration.ofMillis(10)).withRate(1_000_000).withQueue(3);
        Transfers.Result r = Transfers.transfer(1, slow, 14_480);
        assertThat(r.received()).isEqualTo(r.sent());
        Ladder l = r.ladder();
        List<Ladder.Seg> drops = l.networkDrops();
        assertThat(drops).isNotEmpty().allSatisfy(d -> {
            assertThat(d.why()).isEqualTo("drop-tail queue full (3 packets)");
            assertThat(d.by()).isEqualTo("network");
        });
        // The initial window of 10 segments leaves right behind the third ACK of the handshake: the queue
        // (3 packets, counting the one on the wire) takes that ACK and 2 segments; the other 8 are dropped.
        List<Ladder.Seg> firstBurst = l.sent(CLIENT).stream().filter(s -> s.len() > 0 && s.tNs() == l.sent(CLIENT).stream()
                .filter(x -> x.len() > 0).findFirst().orElseThrow().tNs()).toList();
        assertThat(firstBurst).hasSize(10);
        assertThat(drops.stream().filter(d -> d.tNs() == firstBurst.get(0).tNs())).hasSize(8);
        assertThat(l.mib(CLIENT, Mib.TcpRetransSegs)).isGreaterThanOrEqualTo(8);
    }

    @Test
    void ceThresholdMarksEcnCapablePacketsAndDropsTheOthers() {
        // 1 Mbit/s: a 1500-byte packet holds the wire 12 ms, so a burst queues up behind the first.
        LinkSpec spec = LinkSpec.ideal().withRate(1_000_000).withQueue(10).withCeThreshold(2);
        Link link = new Link("a", "b", null, spec, new dev.jtcp.time.Rng(1));
        List<Boolean> marks = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(link.send(0, 1500, dev.jtcp.wire.Ipv4Header.ECN_ECT_0)).isNull();
            marks.add(link.ceMarked);
        }
        assertThat(marks).containsExactly(false, false, true, true);
        assertThat(link.send(0, 1500, dev.jtcp.wire.Ipv4Header.ECN_NOT_ECT))
                .isEqualTo("queue above the CE marking threshold (2 packets) and the packet is not ECN-capable");
        // Once the queue has drained below the threshold, nothing is marked.
        assertThat(link.send(100_000_000, 1500, dev.jtcp.wire.Ipv4Header.ECN_ECT_0)).isNull();
        assertThat(link.ceMarked).isFalse();
    }

    @Test
    void smallMtuIsLearnedByTheStacks() {
        LinkSpec small = RTT_20.withMtu(576);
        Transfers.Result r = Transfers.transfer(1, small, 5000);
        assertThat(r.received()).isEqualTo(r.sent());
        Ladder l = r.ladder();
        assertThat(l.sent(CLIENT).get(0).opts()).startsWith("mss 536,");
        assertThat(l.sent(SERVER).get(0).opts()).startsWith("mss 536,");
        assertThat(l.segments(s -> s.isSend())).allSatisfy(s -> assertThat(s.raw().packet().length).isLessThanOrEqualTo(576));
        assertThat(l.sent(CLIENT).stream().mapToInt(Ladder.Seg::len).max().orElseThrow()).isEqualTo(524);
        assertThat(l.networkDrops()).isEmpty();
    }

    @Test
    void faultySeedsReplayByteForByte() {
        LinkSpec messy = RTT_20.withLoss(0.05).withReorder(0.1, Duration.ofMillis(3)).withDuplicate(0.05).withCorrupt(0.05);
        String a = jsonl(Transfers.transfer(77, messy, 40_000));
        String b = jsonl(Transfers.transfer(77, messy, 40_000));
        assertThat(b).isEqualTo(a);
    }

    private static String jsonl(Transfers.Result r) {
        assertThat(r.received()).isEqualTo(r.sent());
        StringBuilder sb = new StringBuilder();
        Jsonl.write(r.ladder().events(), sb);
        return sb.toString();
    }
}
