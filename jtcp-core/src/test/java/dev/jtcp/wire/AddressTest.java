package dev.jtcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

    @Test
    void parseAndFormat() {
        assertThat(Ipv4Addr.parse("10.0.0.1")).isEqualTo(0x0A000001);
        assertThat(Ipv4Addr.parse("255.255.255.255")).isEqualTo(-1);
        assertThat(Ipv4Addr.parse("0.0.0.0")).isZero();
        assertThat(Ipv4Addr.parse("192.168.1.200")).isEqualTo(0xC0A801C8);
        assertThat(Ipv4Addr.format(0x0A000001)).isEqualTo("10.0.0.1");
        assertThat(Ipv4Addr.format(-1)).isEqualTo("255.255.255.255");
        assertThat(Ipv4Addr.format(0xC0A801C8)).isEqualTo("192.168.1.200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "256.0.0.1",
        "1.2.3.-4", "a.b.c.d", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.1000", "1.2.3.4:80"})
    void badAddressesAreRejectedWithAClearMessage(String s) {
        assertThatThrownBy(() -> Ipv4Addr.parse(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad IPv4 address \"" + s + "\":");
    }

    @Test
    void nullAddressIsRejected() {
        assertThatThrownBy(() -> Ipv4Addr.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpoints() {
        Endpoint e = Endpoint.parse("10.0.0.1:80");
        assertThat(e).isEqualTo(new Endpoint(0x0A000001, 80));
        assertThat(e).isEqualTo(Endpoint.of("10.0.0.1", 80));
        assertThat(e.toString()).isEqualTo("10.0.0.1:80");
        assertThat(Endpoint.parse("255.255.255.255:65535").toString()).isEqualTo("255.255.255.255:65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.1:", "10.0.0.1:65536", "10.0.0.1:-1", "10.0.0.1:8x", ":80",
        "10.0.0:80", "10.0.0.1:123456"})
    void badEndpointsAreRejected(String s) {
        assertThatThrownBy(() -> Endpoint.parse(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(s.isEmpty() ? "" : "\"");
    }

    @Test
    void endpointPortRangeIsChecked() {
        assertThatThrownBy(() -> new Endpoint(1, 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Endpoint(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointsOrderByUnsignedAddressThenPort() {
        List<Endpoint> l = new ArrayList<>(List.of(Endpoint.parse("200.0.0.1:1"), Endpoint.parse("10.0.0.1:9"),
                Endpoint.parse("10.0.0.1:2")));
        Collections.sort(l);
        assertThat(l).extracting(Endpoint::toString).containsExactly("10.0.0.1:2", "10.0.0.1:9", "200.0.0.1:1");
    }
}
