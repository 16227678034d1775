package dev.jtcp.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class TunDeviceTest {
    @Test
    void aBadNameIsRefusedBeforeAnySystemCall() {
        assertThatThrownBy(() -> TunDevice.open("a-name-far-too-long")).isInstanceOf(TunException.class)
                .hasMessageContaining("1 to 15 characters");
        assertThatThrownBy(() -> TunDevice.open("jt/0")).isInstanceOf(TunException.class)
                .hasMessageContaining("expected");
    }

    @Test
    void theDeviceExistsWhileOpenAndIsRemovedOnClose() throws Exception {
        Netns.assumeCapable();
        String name = "jtd" + (ProcessHandle.current().pid() % 10000);
        try (TunDevice d = TunDevice.open(name)) {
            assertThat(d.name()).isEqualTo(name);
            assertThat(IpTool.run(List.of("ip", "-br", "link", "show", "dev", name))).contains(name);
        }
        assertThatThrownBy(() -> IpTool.run(List.of("ip", "link", "show", "dev", name)))
                .isInstanceOf(TunException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aNameInUseNamesTheCauseAndTheFix() throws Exception {
        Netns.assumeCapable();
        String name = "jtd" + (ProcessHandle.current().pid() % 10000) + "b";
        try (TunDevice first = TunDevice.open(name)) {
            assertThatThrownBy(() -> TunDevice.open(name)).isInstanceOf(TunException.class)
                    .hasMessageContaining("in use by another process").hasMessageContaining("--dev");
        }
    }
}
