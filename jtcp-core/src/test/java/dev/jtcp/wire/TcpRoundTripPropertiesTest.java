package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Property (1): emit then parse gives back an equal header and the payload. */
class TcpRoundTripPropertiesTest {

    @Provide
    Arbitrary<TcpHeader> headers() {
        return WireGenerators.header();
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return WireGenerators.payload();
    }

    @Property(tries = 2000)
    void emitThenParseIsIdentity(@ForAll("headers") TcpHeader header, @ForAll @IntRange(max = 0xFFFF) int checksum,
                                 @ForAll("payloads") byte[] payload, @ForAll @IntRange(max = 7) int offset) {
        TcpHeader h = header.withChecksum(checksum);
        int segLen = h.headerLength() + payload.length;
        byte[] buf = new byte[offset + segLen + 3];
        h.emit(buf, offset);
        System.arraycopy(payload, 0, buf, offset + h.headerLength(), payload.length);

        TcpParse p = TcpHeader.parse(buf, offset, segLen, CLIENT, SERVER, false);

        assertThat(p).isInstanceOf(TcpParse.Ok.class);
        TcpParse.Ok ok = (TcpParse.Ok) p;
        assertThat(ok.header()).isEqualTo(h);
        assertThat(ok.header().hashCode()).isEqualTo(h.hashCode());
        assertThat(ok.optionError()).isNull();
        assertThat(ok.payloadOffset()).isEqualTo(offset + h.headerLength());
        assertThat(Arrays.copyOfRange(buf, ok.payloadOffset(), ok.payloadOffset() + ok.payloadLength())).isEqualTo(payload);
    }

    @Property(tries = 1000)
    void builtPacketsParseBackThroughBothLayers(@ForAll("headers") TcpHeader h, @ForAll("payloads") byte[] payload,
                                                @ForAll int src, @ForAll int dst,
                                                @ForAll @IntRange(max = 255) int ttl, @ForAll @IntRange(max = 0xFFFF) int id) {
        byte[] pkt = PacketBuilder.ipv4Tcp(src, dst, ttl, id, h, payload);

        Ipv4Parse.Ok ip = (Ipv4Parse.Ok) Ipv4Header.parse(pkt, 0, pkt.length, true);
        assertThat(ip.header().src()).isEqualTo(src);
        assertThat(ip.header().dst()).isEqualTo(dst);
        assertThat(ip.header().ttl()).isEqualTo(ttl);
        assertThat(ip.header().id()).isEqualTo(id);
        assertThat(ip.header().protocol()).isEqualTo(Ipv4Header.PROTO_TCP);
        assertThat(ip.header().totalLength()).isEqualTo(pkt.length);

        TcpParse.Ok tcp = (TcpParse.Ok) TcpHeader.parse(pkt, ip.payloadOffset(), ip.payloadLength(), src, dst, true);
        assertThat(tcp.header()).isEqualTo(h.withChecksum(tcp.header().checksum()));
        assertThat(Arrays.copyOfRange(pkt, tcp.payloadOffset(), pkt.length)).isEqualTo(payload);
    }

    /** Option-space bytes biased towards option kinds and plausible lengths, so that parsing gets somewhere. */
    @Provide
    Arbitrary<byte[]> optionSpace() {
        Arbitrary<Byte> b = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 8)),
                Tuple.of(3, Arbitraries.of((byte) 2, (byte) 3, (byte) 4, (byte) 10, (byte) 18, (byte) 26, (byte) 34)),
                Tuple.of(3, Arbitraries.bytes()));
        return b.array(byte[].class).ofSize(40);
    }

    @Property(tries = 3000)
    void reEmittingAParsedHeaderIsAFixpoint(@ForAll @Size(20) byte[] fixed, @ForAll("optionSpace") byte[] optionSpace,
                                            @ForAll @IntRange(min = 5, max = 15) int dataOffset) {
        // whatever parse makes of arbitrary option bytes, emitting that value and parsing again gives the same value
        byte[] segment = new byte[60];
        System.arraycopy(fixed, 0, segment, 0, 20);
        System.arraycopy(optionSpace, 0, segment, 20, 40);
        segment[TcpHeader.DATA_OFFSET_OFFSET] = (byte) ((dataOffset << 4) | (fixed[TcpHeader.DATA_OFFSET_OFFSET] & 0x0F));
        TcpParse.Ok first = (TcpParse.Ok) TcpHeader.parse(segment, 0, segment.length, 0, 0, false);
        TcpHeader h = first.header();
        assertThat(h.headerLength()).isLessThanOrEqualTo(dataOffset * 4);
        byte[] out = new byte[h.headerLength()];
        h.emit(out, 0);
        TcpParse.Ok second = (TcpParse.Ok) TcpHeader.parse(out, 0, out.length, 0, 0, false);
        assertThat(second.header()).isEqualTo(h);
        assertThat(second.optionError()).isNull();
        if (first.optionError() == null && !h.options().list().contains(new TcpOption.Eol())) {
            assertThat(out).isEqualTo(Arrays.copyOf(segment, dataOffset * 4)); // byte-exact
        }
    }
}
