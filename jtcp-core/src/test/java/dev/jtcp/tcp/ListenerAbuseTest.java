package dev.jtcp.tcp;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.stack.EmbeddedStack;
import dev.jtcp.sys.Mib;
import dev.jtcp.sys.Sysctl;
import dev.jtcp.testkit.LadderPeer;
import dev.jtcp.testkit.LadderPeer.Remote;
import dev.jtcp.wire.Ipv4Addr;
import dev.jtcp.wire.PacketBuilder;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Bad input aimed at a listener (forged or stale cookies, ACKs for unknown requests, SYNs with bad
 * options, RSTs at half-open entries, garbage): it is dropped or answered as Linux does, never throws,
 * never grows the listener beyond its queues, and never disturbs a legitimate handshake in progress.
 */
class ListenerAbuseTest {
    /** One hostile segment: from a spoofed source, to the listener's port, with random header fields. */
    record Hostile(int src, int sport, int seq, int ack, int flags, int window, byte[] rawOptions, int payload) {}

    @Provide
    Arbitrary<Hostile> hostile() {
        Arbitrary<Integer> src = Arbitraries.integers().between(1, 4000).map(i -> Ipv4Addr.parse("198.18.0.0") + i);
        Arbitrary<Integer> flags = Arbitraries.of(TcpFlags.SYN, TcpFlags.ACK, TcpFlags.RST, TcpFlags.SYN | TcpFlags.ACK,
                TcpFlags.RST | TcpFlags.ACK, TcpFlags.FIN | TcpFlags.ACK, TcpFlags.SYN | TcpFlags.FIN,
                TcpFlags.SYN | TcpFlags.RST, TcpFlags.ACK | TcpFlags.PSH, 0, TcpFlags.URG | TcpFlags.ACK);
        // Option bytes, well formed or not, padded to whole words by the header builder.
        Arbitrary<byte[]> opts = Arbitraries.bytes().array(byte[].class).ofMaxSize(40)
                .map(b -> java.util.Arrays.copyOf(b, b.length / 4 * 4));
        return Combinators.combine(src, Arbitraries.integers().between(1, 65535), Arbitraries.integers(),
                        Arbitraries.integers(), flags, Arbitraries.integers().between(0, 65535), opts,
                        Arbitraries.integers().between(0, 100))
                .as(Hostile::new);
    }

    static byte[] packet(Hostile h, int dst, int dport) {
        byte[] optBytes = h.rawOptions();
        TcpHeader th = new TcpHeader(h.sport(), dport, h.seq(), h.ack(), h.flags(), h.window(), 0, 0, TcpOptions.NONE);
        byte[] p = PacketBuilder.ipv4Tcp(h.src(), dst, 64, 1, th, new byte[h.payload()]);
        if (optBytes.length == 0) {
            return p;
        }
        // Splice the raw option bytes in after the 20-byte TCP header and fix the lengths and checksums.
        byte[] q = new byte[p.length + optBytes.length];
        System.arraycopy(p, 0, q, 0, 40);
        System.arraycopy(optBytes, 0, q, 40, optBytes.length);
        System.arraycopy(p, 40, q, 40 + optBytes.length, p.length - 40);
        int total = q.length;
        q[2] = (byte) (total >>> 8);
        q[3] = (byte) total;
        q[10] = 0;
        q[11] = 0;
        int ipSum = dev.jtcp.wire.Checksum.ipv4Header(q, 0, 20);
        q[10] = (byte) (ipSum >>> 8);
        q[11] = (byte) ipSum;
        q[32] = (byte) (((20 + optBytes.length) / 4) << 4);
        q[36] = 0;
        q[37] = 0;
        int tcpSum = dev.jtcp.wire.Checksum.tcpIpv4(h.src(), dst, q, 20, total - 20);
        q[36] = (byte) (tcpSum >>> 8);
        q[37] = (byte) tcpSum;
        return q;
    }

    @Property(tries = 60)
    void hostileSegmentsNeverThrowNeverGrowTheListenerAndNeverStopALegitimateHandshake(
            @ForAll @Size(min = 50, max = 400) List<@net.jqwik.api.From("hostile") Hostile> flood,
            @ForAll @IntRange(min = 0, max = 2) int syncookies) {
        LadderPeer p = LadderPeer.with(new Sysctl().set("net.ipv4.tcp_syncookies", Integer.toString(syncookies)));
        TcpSocket l = p.listen(8080, 8);
        Remote legit = p.remote(40000, 5_000_000);
        legit.syn(0.0);
        LadderPeer.Expect synAck = legit.out(0.0, "S.");
        assertThat(synAck.o.tcp().ack()).isEqualTo(5_000_001);
        EmbeddedStack k = p.k;
        int local = Ipv4Addr.parse(LadderPeer.LOCAL);
        for (int i = 0; i < flood.size(); i++) {
            byte[] pkt = packet(flood.get(i), local, 8080);
            k.advanceTo(LadderPeer.ns(0.001 * (i + 1)));
            assertThatCode(() -> k.inject(pkt)).doesNotThrowAnyException();
            long requests = k.stack().ss().stream().filter(e -> e.kind().equals("request")).count();
            assertThat(requests).as("half-open requests after %d hostile segments", i + 1).isLessThanOrEqualTo(9);
            assertThat(l.acceptQueueLength()).isLessThanOrEqualTo(9);
        }
        k.drain();
        // The legitimate client completes its handshake: its request is still there (none of the
        // hostile segments came from its 4-tuple) and its ACK creates the connection.
        legit.ack(1.0);
        TcpSocket c = l.accept();
        assertThat(c).isNotNull();
        assertThat(c.remoteEndpoint().port()).isEqualTo(40000);
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        // Every SYN that created state is bounded by the queue; every hostile ACK was answered or dropped.
        assertThat(p.mib(Mib.TcpPassiveOpens)).isGreaterThanOrEqualTo(1);
    }
}
