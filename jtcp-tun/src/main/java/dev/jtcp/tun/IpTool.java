package dev.jtcp.tun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Configures the kernel's side of a TUN device by running iproute2's {@code ip}: the device's address
 * and MTU, bringing it up, moving it into a network namespace. A failure is a {@link TunException}
 * carrying the command and what {@code ip} said.
 */
public final class IpTool {
    private IpTool() {
    }

    /**
     * Moves the device into netns (when not null), gives its kernel side hostCidr (e.g. 10.77.0.1/24),
     * sets the MTU and brings it up.
     */
    public static void configure(String dev, String netns, String hostCidr, int mtu) throws TunException {
        configure(dev, netns, hostCidr, mtu, 0);
    }

    /** The same, with the device's transmit queue length (kernel to reader; 0 keeps the kernel's 500). */
    public static void configure(String dev, String netns, String hostCidr, int mtu, int txQueueLen) throws TunException {
        if (netns != null) {
            run(List.of("ip", "link", "set", "dev", dev, "netns", netns));
        }
        run(ns(netns, "addr", "add", hostCidr, "dev", dev));
        if (txQueueLen > 0) {
            run(ns(netns, "link", "set", "dev", dev, "txqueuelen", Integer.toString(txQueueLen)));
        }
        run(ns(netns, "link", "set", "dev", dev, "mtu", Integer.toString(mtu), "up"));
    }

    /** {@code ip [-n netns] args...}. */
    public static List<String> ns(String netns, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        if (netns != null) {
            cmd.add("-n");
            cmd.add(netns);
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs a command; its combined output when it succeeds. */
    public static String run(List<String> cmd) throws TunException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TunException("cannot run '" + String.join(" ", cmd) + "': " + e.getMessage()
                    + "; install iproute2 (apt-get install iproute2)");
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TunException("'" + String.join(" ", cmd) + "' did not finish in 30 s");
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new TunException("'" + String.join(" ", cmd) + "' failed: " + (text.isEmpty() ? "exit " + p.exitValue() : text));
            }
            return text;
        } catch (IOException e) {
            throw new TunException("'" + String.join(" ", cmd) + "' failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new TunException("interrupted while running '" + String.join(" ", cmd) + "'");
        }
    }
}
