package dev.jtcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WireErrorTest {

    @Test
    void linuxCountersAndDropReasons() {
        assertThat(WireError.TCP_BAD_CHECKSUM.linuxMibs()).containsExactly("TcpInCsumErrors", "TcpInErrs");
        assertThat(WireError.TCP_BAD_CHECKSUM.dropReason()).isEqualTo("TCP_CSUM");
        assertThat(WireError.TCP_BAD_DATA_OFFSET.linuxMibs()).containsExactly("TcpInErrs");
        assertThat(WireError.TCP_BAD_DATA_OFFSET.dropReason()).isEqualTo("PKT_TOO_SMALL");
        assertThat(WireError.TCP_TOO_SHORT.linuxMibs()).isEmpty();
        assertThat(WireError.IP_BAD_CHECKSUM.linuxMibs()).containsExactly("IpExtInCsumErrors", "IpInHdrErrors");
        assertThat(WireError.IP_BAD_CHECKSUM.dropReason()).isEqualTo("IP_CSUM");
        assertThat(WireError.IP_TRUNCATED.linuxMibs()).containsExactly("IpExtInTruncatedPkts");
        assertThat(WireError.IP_TRUNCATED.dropReason()).isEqualTo("PKT_TOO_SMALL");
        for (WireError e : new WireError[] {WireError.IP_TOO_SHORT, WireError.IP_BAD_VERSION, WireError.IP_BAD_IHL,
            WireError.IP_BAD_TOTAL_LENGTH}) {
            assertThat(e.linuxMibs()).containsExactly("IpInHdrErrors");
            assertThat(e.dropReason()).isEqualTo("IP_INHDR");
        }
    }

    @Test
    void onlyTheBadOptionIsNotADrop() {
        for (WireError e : WireError.values()) {
            assertThat(e.isDrop()).isEqualTo(e != WireError.TCP_BAD_OPTION_LENGTH);
            assertThat(e.dropReason()).isNotBlank();
        }
        assertThat(WireError.TCP_BAD_OPTION_LENGTH.linuxMibs()).isEmpty();
    }
}
