package dev.jtcp.wire;

import static dev.jtcp.wire.Vectors.CLIENT;
import static dev.jtcp.wire.Vectors.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksumTest {

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 after folding; checksum is its complement
        byte[] b = Vectors.hex("0001f203f4f5f6f7");
        // The accumulator is unfolded: any value congruent to the word sum 0x2ddf0 modulo 0xFFFF.
        assertThat(Integer.toUnsignedLong(Checksum.sum(b, 0, b.length, 0)) % 0xFFFF).isEqualTo(0x2ddf0 % 0xFFFF);
        assertThat(Checksum.fold(Checksum.sum(b, 0, b.length, 0))).isEqualTo(0x220d);
    }

    @Test
    void knownIpv4HeaderChecksum() {
        // 192.168.0.1 -> 192.168.0.199, UDP, total length 115: a widely published worked example
        byte[] h = Vectors.hex("450000730000400040110000c0a80001c0a800c7");
        assertThat(Checksum.ipv4Header(h, 0, 20)).isEqualTo(0xb861);
        h[10] = (byte) 0xb8;
        h[11] = 0x61;
        assertThat(Checksum.ipv4Header(h, 0, 20)).isZero();
    }

    @Test
    void knownTcpChecksumOfTheLinuxSyn() {
        byte[] pkt = Vectors.linuxSyn();
        assertThat(Checksum.verifyTcpIpv4(CLIENT, SERVER, pkt, 20, 40)).isTrue();
        assertThat(Checksum.ipv4Header(pkt, 0, 20)).isZero();
        pkt[20 + TcpHeader.CHECKSUM_OFFSET] = 0;
        pkt[20 + TcpHeader.CHECKSUM_OFFSET + 1] = 0;
        assertThat(Checksum.tcpIpv4(CLIENT, SERVER, pkt, 20, 40)).isEqualTo(Vectors.LINUX_SYN_TCP_CHECKSUM);
    }

    @Test
    void oddLengthPadsWithAZeroByte() {
        byte[] odd = {0x12, 0x34, 0x56};
        byte[] padded = {0x12, 0x34, 0x56, 0x00};
        assertThat(Checksum.sum(odd, 0, 3, 0)).isEqualTo(Checksum.sum(padded, 0, 4, 0)).isEqualTo(0x1234 + 0x5600);
    }

    @Test
    void sumsChainOverEvenSplits() {
        byte[] pkt = Vectors.linuxSyn();
        int whole = Checksum.sum(pkt, 0, 60, 0);
        int split = Checksum.sum(pkt, 22, 38, Checksum.sum(pkt, 0, 22, 0));
        assertThat(Checksum.fold(split)).isEqualTo(Checksum.fold(whole));
    }

    @Test
    void accumulatorWrapsWithEndAroundCarry() {
        byte[] ff = {(byte) 0xff, (byte) 0xff};
        int s = Checksum.sum(ff, 0, 2, -1); // 0xFFFFFFFF + 0xFFFF carries out of bit 31
        assertThat(Checksum.fold(s)).isEqualTo(Checksum.fold(Checksum.sum(ff, 0, 2, 0xFFFF)));
    }

    @Test
    void pseudoHeader() {
        // 10.0.0.1, 10.0.0.2, protocol 6, length 40: 0a00+0001+0a00+0002+0006+0028
        assertThat(Checksum.pseudoHeaderSum(CLIENT, SERVER, 6, 40)).isEqualTo(0x0a00 + 1 + 0x0a00 + 2 + 6 + 40);
    }

    @Test
    void foldOfZeroAndAllOnes() {
        assertThat(Checksum.fold(0)).isEqualTo(0xFFFF);
        assertThat(Checksum.fold(0xFFFF)).isZero();
        assertThat(Checksum.fold(0x1FFFE)).isZero();
        // 0x1FFFF folds to 0x10000 first, which needs a second end-around carry to become 0x0001
        assertThat(Checksum.fold(0x1FFFF)).isEqualTo(0xFFFE);
        assertThat(Checksum.fold(-1)).isZero();
    }

    @Test
    void zeroAndAllOnesInTheFieldAreTheSameChecksum() {
        // make a segment whose correct checksum is 0x0000 by choosing a payload word, then check 0xFFFF also verifies
        TcpHeader h = TcpHeader.of(1, 2, 3, 4, TcpFlags.ACK, 5, TcpOptions.NONE);
        byte[] pkt = PacketBuilder.ipv4Tcp(CLIENT, SERVER, 64, 1, h, new byte[2]);
        int field = 20 + TcpHeader.CHECKSUM_OFFSET;
        int c = ((pkt[field] & 0xff) << 8) | (pkt[field + 1] & 0xff);
        // moving the checksum value into the (zero) payload word keeps the total sum, leaving 0 in the field
        pkt[40] = (byte) (c >>> 8);
        pkt[41] = (byte) c;
        pkt[field] = 0;
        pkt[field + 1] = 0;
        assertThat(Checksum.verifyTcpIpv4(CLIENT, SERVER, pkt, 20, 22)).isTrue();
        assertThat(Checksum.tcpIpv4(CLIENT, SERVER, pkt, 20, 22)).isZero();
        pkt[field] = (byte) 0xff;
        pkt[field + 1] = (byte) 0xff;
        assertThat(Checksum.verifyTcpIpv4(CLIENT, SERVER, pkt, 20, 22)).isTrue();
    }

    @Test
    void incrementalUpdateOfATtlDecrementMatchesRecomputation() {
        byte[] pkt = Vectors.linuxSyn();
        int oldWord = ((pkt[8] & 0xff) << 8) | (pkt[9] & 0xff); // TTL and protocol share a word
        pkt[8]--;
        int newWord = ((pkt[8] & 0xff) << 8) | (pkt[9] & 0xff);
        int adjusted = Checksum.adjust(Vectors.LINUX_SYN_IP_CHECKSUM, oldWord, newWord);
        pkt[10] = 0;
        pkt[11] = 0;
        assertThat(adjusted).isEqualTo(Checksum.ipv4Header(pkt, 0, 20)).isEqualTo(0x0b74);
    }
}
