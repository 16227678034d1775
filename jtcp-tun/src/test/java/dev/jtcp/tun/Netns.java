package dev.jtcp.tun;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test creates and removes itself: the kernel's side of the TUN device lives in
 * it, so the host's own interfaces are never touched. Commands run inside with {@code ip netns exec}.
 */
final class Netns implements AutoCloseable {
    final String name;

    private Netns(String name) {
        this.name = name;
    }

    /** Skips the test (with the reason) unless it can create namespaces and TUN devices. */
    static void assumeCapable() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun on this machine");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root (CAP_NET_ADMIN) to create TUN devices and network namespaces");
        Assumptions.assumeTrue(which("ip"), "iproute2's ip is not installed");
    }

    static boolean which(String cmd) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, cmd))) {
                return true;
            }
        }
        return false;
    }

    static Netns create(String prefix) throws IOException {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime() & 0xffff);
        IpTool.run(List.of("ip", "netns", "add", name));
        Netns n = new Netns(name);
        IpTool.run(IpTool.ns(name, "link", "set", "lo", "up"));
        // The tests speak IPv4: without this a device moved in here sends router solicitations and MLD reports,
        // which jtcp (IPv4 only) reads and counts as header errors. A kernel without IPv6 has nothing to turn off.
        try {
            IpTool.run(List.of("ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1"));
        } catch (IOException e) {
            // no IPv6 in this kernel
        }
        return n;
    }

    /** Runs a command inside the namespace; returns its stdout (stderr goes to the test's output). */
    Result exec(long timeoutSec, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish in " + timeoutSec + " s");
        }
        return new Result(p.exitValue(), out);
    }

    /** Starts a command inside the namespace (a server); the caller destroys it. */
    Process start(String... cmd) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    record Result(int exit, byte[] out) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        IpTool.run(List.of("ip", "netns", "del", name));
    }
}
