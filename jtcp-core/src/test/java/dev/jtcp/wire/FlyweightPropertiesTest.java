package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The fast path's reusable headers read and write exactly what the values do. */
class FlyweightPropertiesTest {

    @Provide
    Arbitrary<TcpHeader> headers() {
        return WireGenerators.header();
    }

    @Provide
    Arbitrary<byte[]> packets() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(120);
    }

    @Property(tries = 2000)
    void readFromGivesTheHeaderParseGives(@ForAll("headers") TcpHeader h, @ForAll @IntRange(max = 0xFFFF) int checksum) {
        TcpHeader sent = h.withChecksum(checksum);
        byte[] buf = new byte[sent.headerLength() + 5];
        sent.emit(buf, 0);
        TcpHeader reusable = TcpHeader.reusable();
        TcpOptions rxOptions = TcpOptions.reusable();

        assertThat(TcpHeader.check(buf, 0, buf.length, CLIENT, SERVER, false)).isNull();
        TcpHeader read = reusable.readFrom(buf, 0, rxOptions);

        assertThat(read).isSameAs(reusable).isEqualTo(sent);
        assertThat(read.hashCode()).isEqualTo(sent.hashCode());
        assertThat(read.value()).isEqualTo(sent).isNotSameAs(reusable);
        assertThat(read.options().isNopNopTimestamps()).isEqualTo(sent.options().isNopNopTimestamps());
        assertThat(TcpHeader.wireHeaderLength(buf, 0)).isEqualTo(sent.headerLength());
    }

    @Property(tries = 2000)
    void checksAgreeWithParseOnAnyBytes(@ForAll("packets") byte[] pkt, @ForAll boolean verify) {
        WireError ip = Ipv4Header.check(pkt, 0, pkt.length, verify);
        switch (Ipv4Header.parse(pkt, 0, pkt.length, verify)) {
            case Ipv4Parse.Ok ok -> {
                assertThat(ip).isNull();
                assertThat(Ipv4Header.srcOf(pkt, 0)).isEqualTo(ok.header().src());
                assertThat(Ipv4Header.dstOf(pkt, 0)).isEqualTo(ok.header().dst());
                assertThat(Ipv4Header.protocolOf(pkt, 0)).isEqualTo(ok.header().protocol());
                assertThat(Ipv4Header.isFragmentOf(pkt, 0)).isEqualTo(ok.header().isFragment());
                assertThat(Ipv4Header.headerLengthOf(pkt, 0)).isEqualTo(ok.header().headerLength());
                assertThat(Ipv4Header.totalLengthOf(pkt, 0)).isEqualTo(ok.header().totalLength());
            }
            case Ipv4Parse.Bad bad -> assertThat(ip).isEqualTo(bad.error());
        }
        WireError tcp = TcpHeader.check(pkt, 0, pkt.length, CLIENT, SERVER, verify);
        switch (TcpHeader.parse(pkt, 0, pkt.length, CLIENT, SERVER, verify)) {
            case TcpParse.Ok ok -> assertThat(tcp).isNull();
            case TcpParse.Bad bad -> assertThat(tcp).isEqualTo(bad.error());
        }
    }

    @Property(tries = 500)
    void emitOfWritesWhatOfThenEmitWrites(@ForAll int src, @ForAll int dst, @ForAll @IntRange(max = 255) int ttl,
                                          @ForAll @IntRange(max = 0xFFFF) int id, @ForAll @IntRange(max = 65515) int payload) {
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        Ipv4Header.of(src, dst, Ipv4Header.PROTO_TCP, ttl, id, payload).emit(a, 0);
        Ipv4Header.emitOf(b, 0, src, dst, Ipv4Header.PROTO_TCP, ttl, id, payload);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void reusableOptionsEmitAndCompareAsTheirValue() {
        TcpOptions reusable = TcpOptions.reusable().setNopNopTimestamps(7, 9);
        TcpOptions value = TcpOptions.dataLinux(true, 7, 9, java.util.List.of());
        assertThat(reusable).isEqualTo(value);
        assertThat(reusable.value()).isEqualTo(value).isNotSameAs(reusable);
        byte[] x = new byte[12];
        byte[] y = new byte[12];
        reusable.emit(x, 0);
        value.emit(y, 0);
        assertThat(x).isEqualTo(y);
        assertThat(reusable.setNopNopTimestamps(8, 9).tsVal()).isEqualTo(8);
        assertThat(reusable.list().get(2)).isEqualTo(new TcpOption.Timestamps(8, 9));
    }

    @Test
    void valuesCannotBeRefilled() {
        TcpHeader value = TcpHeader.of(1, 2, 3, 4, TcpFlags.ACK, 5, TcpOptions.NONE);
        assertThatThrownBy(() -> value.set(1, 2, 3, 4, TcpFlags.ACK, 5, 0, TcpOptions.NONE))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TcpOptions.NONE.setNopNopTimestamps(1, 2)).isInstanceOf(IllegalStateException.class);
    }
}
