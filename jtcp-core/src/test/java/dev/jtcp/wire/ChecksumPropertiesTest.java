package dev.jtcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Property (2): built packets verify; corruption is caught, except one's complement's two zeros. */
class ChecksumPropertiesTest {

    @Provide
    Arbitrary<TcpHeader> headers() {
        return WireGenerators.header();
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return WireGenerators.payload();
    }

    @Property(tries = 1000)
    void builtPacketsVerifyAndAnySingleBitFlipInTheTcpPartIsCaught(
            @ForAll("headers") TcpHeader h, @ForAll("payloads") byte[] payload, @ForAll int src, @ForAll int dst,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bitChoice) {
        byte[] pkt = PacketBuilder.ipv4Tcp(src, dst, 64, 1, h, payload);
        int tcpLen = pkt.length - Ipv4Header.MIN_HEADER_LENGTH;
        assertThat(Checksum.verifyTcpIpv4(src, dst, pkt, Ipv4Header.MIN_HEADER_LENGTH, tcpLen)).isTrue();

        int bit = bitChoice % (tcpLen * 8);
        pkt[Ipv4Header.MIN_HEADER_LENGTH + bit / 8] ^= (byte) (1 << (bit % 8));

        // A flip changes one 16-bit word by +-2^k (k < 16), which is never 0 modulo 0xFFFF, so the
        // one's complement sum can no longer be zero: single-bit errors are always detected. The one
        // change the checksum cannot see is a word turning from 0x0000 into 0xFFFF or back (both are
        // zero in one's complement); that takes 16 flipped bits and is checked separately below.
        assertThat(Checksum.verifyTcpIpv4(src, dst, pkt, Ipv4Header.MIN_HEADER_LENGTH, tcpLen)).isFalse();
        assertThat(TcpHeader.parse(pkt, Ipv4Header.MIN_HEADER_LENGTH, tcpLen, src, dst, true))
                .isInstanceOfSatisfying(TcpParse.Bad.class, b -> assertThat(b.error()).isIn(
                        WireError.TCP_BAD_CHECKSUM, WireError.TCP_BAD_DATA_OFFSET, WireError.TCP_TOO_SHORT));
    }

    @Property(tries = 500)
    void zeroAndAllOnesAreTheSameWord(@ForAll("headers") TcpHeader h, @ForAll @Size(min = 2, max = 50) byte[] payload,
                                      @ForAll int src, @ForAll int dst) {
        // Force the correct checksum to be 0x0000 by folding its value into the first payload word
        // (which starts at an even offset), then check that 0xFFFF in the field verifies too, and that
        // replacing an all-zero payload word by 0xFFFF is invisible to the checksum.
        byte[] pkt = PacketBuilder.ipv4Tcp(src, dst, 64, 1, h, payload);
        int tcpOff = Ipv4Header.MIN_HEADER_LENGTH;
        int tcpLen = pkt.length - tcpOff;
        int field = tcpOff + TcpHeader.CHECKSUM_OFFSET;
        int word = tcpOff + h.headerLength();
        int c = Bytes.u16(pkt, field);
        int w = Bytes.u16(pkt, word);
        int sum = w + c;
        Bytes.put16(pkt, word, (sum & 0xFFFF) + (sum >>> 16)); // one's complement add
        Bytes.put16(pkt, field, 0x0000);
        assertThat(Checksum.verifyTcpIpv4(src, dst, pkt, tcpOff, tcpLen)).isTrue();
        Bytes.put16(pkt, field, 0xFFFF);
        assertThat(Checksum.verifyTcpIpv4(src, dst, pkt, tcpOff, tcpLen)).isTrue();
    }

    @Property(tries = 500)
    void anyBitFlipInTheIpHeaderIsRejected(@ForAll("headers") TcpHeader h, @ForAll int src, @ForAll int dst,
                                           @ForAll @IntRange(min = 0, max = 159) int bit) {
        byte[] pkt = PacketBuilder.ipv4Tcp(src, dst, 64, 1, h);
        pkt[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(Ipv4Header.parse(pkt, 0, pkt.length, true)).isInstanceOf(Ipv4Parse.Bad.class);
    }

    @Property(tries = 500)
    void incrementalUpdateEqualsRecomputation(@ForAll("headers") TcpHeader h, @ForAll int src, @ForAll int dst,
                                              @ForAll @IntRange(min = 1, max = 255) int ttl,
                                              @ForAll @IntRange(max = 9) int wordIndex, @ForAll @IntRange(max = 0xFFFF) int newWord) {
        byte[] pkt = PacketBuilder.ipv4Tcp(src, dst, ttl, 1, h);
        if (wordIndex == Ipv4Header.CHECKSUM_OFFSET / 2) {
            return; // the checksum word itself is not covered data
        }
        int at = wordIndex * 2;
        int old = Bytes.u16(pkt, at);
        int adjusted = Checksum.adjust(Bytes.u16(pkt, Ipv4Header.CHECKSUM_OFFSET), old, newWord);
        Bytes.put16(pkt, at, newWord);
        Bytes.put16(pkt, Ipv4Header.CHECKSUM_OFFSET, adjusted);
        assertThat(Checksum.ipv4Header(pkt, 0, Ipv4Header.MIN_HEADER_LENGTH)).isZero();
    }

    /** The one's complement sum reduced to 16 bits, by the arithmetic definition: congruent modulo 0xFFFF, zero only for zero. */
    private static int referenceFolded(long sum) {
        if (sum == 0) {
            return 0;
        }
        long r = sum % 0xFFFF;
        return r == 0 ? 0xFFFF : (int) r;
    }

    /** RFC 1071's definition word by word: the reference {@link Checksum#sum} must agree with after folding. */
    private static int referenceSum(byte[] buf, int off, int len, int initial) {
        long acc = Integer.toUnsignedLong(initial);
        for (int i = 0; i < len; i += 2) {
            int hi = buf[off + i] & 0xff;
            int lo = i + 1 < len ? buf[off + i + 1] & 0xff : 0;
            acc += (hi << 8) | lo;
        }
        return (int) (acc % 0xFFFF);
    }

    @Property(tries = 3000)
    void wideSumIsTheWordByWordSum(@ForAll @Size(max = 3000) byte[] data, @ForAll @IntRange(min = 0, max = 40) int start,
            @ForAll @IntRange(min = 0, max = 3000) int length, @ForAll int initial) {
        int off = Math.min(start, data.length);
        int len = Math.min(length, data.length - off);
        int fast = Checksum.sum(data, off, len, initial);
        // Equal as one's complement numbers: the same residue modulo 0xFFFF (0 and 0xFFFF are both zero).
        assertThat(Integer.toUnsignedLong(fast) % 0xFFFF).isEqualTo(Integer.toUnsignedLong(referenceSum(data, off, len, initial)));
        assertThat(Checksum.fold(fast) % 0xFFFF).isEqualTo(Checksum.fold(referenceSum(data, off, len, initial)) % 0xFFFF);
    }

    @Property(tries = 2000)
    void foldMatchesTheArithmeticDefinition(@ForAll int sum) {
        assertThat(Checksum.fold(sum)).isEqualTo(~referenceFolded(Integer.toUnsignedLong(sum)) & 0xFFFF);
    }

    @Property(tries = 2000)
    void sumMatchesALongReference(@ForAll @Size(max = 200) byte[] data, @ForAll int initial) {
        long reference = Integer.toUnsignedLong(initial);
        for (int i = 0; i < data.length; i += 2) {
            int hi = data[i] & 0xFF;
            int lo = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            reference += (hi << 8) | lo;
        }
        int sum = Checksum.sum(data, 0, data.length, initial);
        assertThat(referenceFolded(Integer.toUnsignedLong(sum))).isEqualTo(referenceFolded(reference));
        assertThat(Checksum.fold(sum)).isEqualTo(~referenceFolded(reference) & 0xFFFF);
    }
}
