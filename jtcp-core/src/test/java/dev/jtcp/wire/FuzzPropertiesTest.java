package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Property (4): no input makes the parsers or the printer throw. */
class FuzzPropertiesTest {

    @Provide
    Arbitrary<TcpHeader> headers() {
        return WireGenerators.header();
    }

    @Property(tries = 5000)
    void randomBytesNeverThrow(@ForAll @Size(max = 100) byte[] bytes, @ForAll int src, @ForAll int dst,
                               @ForAll boolean verify) {
        Ipv4Header.parse(bytes, 0, bytes.length, verify);
        TcpHeader.parse(bytes, 0, bytes.length, src, dst, verify);
        assertThat(PrettyPrint.packet(bytes, 0, bytes.length)).startsWith("IP ");
    }

    @Property(tries = 3000)
    void mutatedValidPacketsNeverThrow(@ForAll("headers") TcpHeader h, @ForAll @Size(max = 40) byte[] payload,
                                       @ForAll @Size(min = 1, max = 8) int[] positions, @ForAll byte value,
                                       @ForAll @IntRange(max = 400) int cut, @ForAll boolean fixChecksums) {
        // random bytes rarely get past the version check; corrupting real packets reaches the deep paths
        byte[] pkt = PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h, payload);
        for (int p : positions) {
            pkt[Math.floorMod(p, pkt.length)] ^= value;
        }
        if (fixChecksums && pkt.length >= 40) {
            Vectors.fixIpChecksum(pkt);
            Vectors.fixTcpChecksum(pkt);
        }
        int len = Math.min(pkt.length, cut);
        Ipv4Header.parse(pkt, 0, len, true);
        TcpHeader.parse(pkt, 0, len, CLIENT, SERVER, true);
        if (len >= 20) {
            TcpHeader.parse(pkt, 20, len - 20, CLIENT, SERVER, false);
        }
        assertThat(PrettyPrint.packet(pkt, 0, len)).startsWith("IP ");
    }
}
