package dev.jtcp.cli;

import org.junit.jupiter.api.Test;

import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The kernel's own sockets in the benchmarks run the congestion control asked for, whatever the host's default. */
class KernelCongestionTest {
    @Test
    void aSocketRunsTheAlgorithmAskedForAndAnUnknownOneIsNamed() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control")), "not Linux");
        String available = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control"));
        assumeTrue((" " + available.strip() + " ").contains(" reno "), "reno is not available: " + available);
        try (SocketChannel ch = SocketChannel.open(); ServerSocketChannel l = ServerSocketChannel.open()) {
            // reno is built into every kernel and always allowed, so this works unprivileged too.
            assertThat(KernelCongestion.set(ch, "reno")).isNull();
            assertThat(KernelCongestion.get(ch)).isEqualTo("reno");
            assertThat(KernelCongestion.set(l, "no-such-cc")).contains("errno 2").contains("tcp_available_congestion_control");
        }
    }
}
