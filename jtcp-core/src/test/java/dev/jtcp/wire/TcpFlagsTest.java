package dev.jtcp.wire;

import static dev.jtcp.wire.TcpFlags.ACK;
import static dev.jtcp.wire.TcpFlags.AE;
import static dev.jtcp.wire.TcpFlags.CWR;
import static dev.jtcp.wire.TcpFlags.ECE;
import static dev.jtcp.wire.TcpFlags.FIN;
import static dev.jtcp.wire.TcpFlags.PSH;
import static dev.jtcp.wire.TcpFlags.RST;
import static dev.jtcp.wire.TcpFlags.SYN;
import static dev.jtcp.wire.TcpFlags.URG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TcpFlagsTest {

    @Test
    void tcpdumpNotationForTheCommonCombinations() {
        assertThat(TcpFlags.tcpdump(SYN)).isEqualTo("S");
        assertThat(TcpFlags.tcpdump(SYN | ACK)).isEqualTo("S.");
        assertThat(TcpFlags.tcpdump(ACK)).isEqualTo(".");
        assertThat(TcpFlags.tcpdump(PSH | ACK)).isEqualTo("P.");
        assertThat(TcpFlags.tcpdump(FIN | ACK)).isEqualTo("F.");
        assertThat(TcpFlags.tcpdump(FIN | PSH | ACK)).isEqualTo("FP.");
        assertThat(TcpFlags.tcpdump(RST)).isEqualTo("R");
        assertThat(TcpFlags.tcpdump(RST | ACK)).isEqualTo("R.");
        assertThat(TcpFlags.tcpdump(PSH | ACK | URG)).isEqualTo("P.U");
    }

    @ParameterizedTest
    @CsvSource({
        "0, none",
        "0xE00, none",
        "0xC2, SEW",
        "0x52, S.E",
        "0x1FF, FSRP.UEWe",
        "0x100, e",
    })
    void tcpdumpNotationForTheRest(String flags, String expected) {
        assertThat(TcpFlags.tcpdump(Integer.decode(flags))).isEqualTo(expected);
    }

    @Test
    void fromTcpdumpIsTheInverseForEveryPrintableCombination() {
        for (int f = 0; f <= 0x1FF; f++) {
            assertThat(TcpFlags.fromTcpdump(TcpFlags.tcpdump(f))).as("flags 0x%x", f).isEqualTo(f);
        }
        assertThat(TcpFlags.fromTcpdump(".S")).isEqualTo(SYN | ACK);
        assertThatThrownBy(() -> TcpFlags.fromTcpdump("SX"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'X'")
                .hasMessageContaining("F S R P . U E W e");
    }

    @Test
    void hasMeansAllTheGivenBits() {
        assertThat(TcpFlags.has(SYN | ACK, SYN)).isTrue();
        assertThat(TcpFlags.has(SYN | ACK, SYN | ACK)).isTrue();
        assertThat(TcpFlags.has(SYN, SYN | ACK)).isFalse();
        assertThat(TcpFlags.has(ECE | CWR | AE, AE)).isTrue();
        assertThat(TcpFlags.has(0, FIN)).isFalse();
    }
}
