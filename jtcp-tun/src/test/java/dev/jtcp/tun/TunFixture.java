package dev.jtcp.tun;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One jtcp stack on a TUN device whose kernel side sits in a namespace made for the test:
 * 10.77.{net}.1/24 is the kernel, 10.77.{net}.2 is jtcp. Closing it stops the stack (the device goes
 * away with it) and deletes the namespace, on every exit path.
 */
final class TunFixture implements AutoCloseable {
    final Netns ns;
    final TunStack stack;
    final String kernelAddr;
    final String jtcpAddr;

    private TunFixture(Netns ns, TunStack stack, String kernelAddr, String jtcpAddr) {
        this.ns = ns;
        this.stack = stack;
        this.kernelAddr = kernelAddr;
        this.jtcpAddr = jtcpAddr;
    }

    static TunFixture start(int net, int mtu, Path pcap) throws IOException {
        return start(net, mtu, pcap, TunStack.Offload.AUTO);
    }

    static TunFixture start(int net, int mtu, Path pcap, TunStack.Offload offload) throws IOException {
        Netns.assumeCapable();
        org.junit.jupiter.api.Assumptions.assumeTrue(Netns.which("python3"), "python3 is not installed");
        Netns ns = Netns.create("jt" + net);
        try {
            String dev = "jt" + net + "x" + (ProcessHandle.current().pid() % 100000);
            TunStack stack = TunStack.start(TunStack.Config.of(dev, "10.77." + net + ".1/24", "10.77." + net + ".2")
                    .withNetns(ns.name).withMtu(mtu).withPcap(pcap).withTxQueueLen(4000).withOffload(offload));
            return new TunFixture(ns, stack, "10.77." + net + ".1", "10.77." + net + ".2");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** Starts a Python program in the namespace and waits for it to print a line starting with "ready". */
    Process python(String program) throws IOException {
        Process p = ns.start("python3", "-u", "-c", program);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("ready")) {
            p.destroyForcibly();
            throw new IOException("python helper did not start: " + line);
        }
        return p;
    }

    /** The rest of a helper's output after its ready line, once it exits. */
    static String output(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.strip();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Packets the kernel dropped on their way into the device (its queue full while the loop was late). */
    long kernelTxDropped() throws IOException {
        String json = IpTool.run(IpTool.ns(ns.name, "-s", "-j", "link", "show", "dev", stack.deviceName()));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"tx\":\\{[^}]*\"dropped\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Override
    public void close() throws IOException {
        try {
            stack.shutdown(1000);
        } finally {
            ns.close();
        }
    }
}
