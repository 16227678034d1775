package dev.jtcp.tun;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bare TUN ceiling: a minimal Java program that only writes and reads one TUN device, no TCP. It
 * writes MTU-sized IPv4/UDP packets from a third address of the device's subnet to jtcp's address; the
 * kernel (forwarding on, in the namespace) routes each back out through the same device, where the
 * reader counts it. Every packet so crosses the device twice, as a data packet and its ACK do for TCP;
 * what arrives per second is the most any user-space stack on this device can move.
 */
public final class TunCeiling {
    private TunCeiling() {
    }

    /** Bits per second of packet bytes read back, over seconds of writing, on a fresh device in netns. */
    public static double measure(String dev, String netns, String hostCidr, String from, String to, int mtu, double seconds)
            throws IOException, InterruptedException {
        try (TunDevice d = TunDevice.open(dev); Waker waker = new Waker()) {
            IpTool.run(List.of("ip", "netns", "exec", netns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1",
                    "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.default.send_redirects=0"));
            IpTool.configure(d.name(), netns, hostCidr, mtu);
            IpTool.run(List.of("ip", "netns", "exec", netns, "sysctl", "-q", "-w",
                    "net.ipv4.conf." + d.name() + ".send_redirects=0"));
            byte[] pkt = udp(parse(from), parse(to), mtu);
            AtomicBoolean stop = new AtomicBoolean();
            // A window of packets in flight, as TCP keeps: the writer never floods the device's queue (drops
            // would only burn the CPU the reader needs).
            Semaphore window = new Semaphore(WINDOW);
            AtomicLong bytes = new AtomicLong();
            Thread reader = Thread.ofPlatform().name("tun-ceiling-rx").start(() -> {
                byte[] buf = new byte[TunDevice.MAX_PACKET];
                java.lang.foreign.MemorySegment view = java.lang.foreign.MemorySegment.ofArray(buf);
                try {
                    while (!stop.get()) {
                        if (!d.await(waker, 100)) {
                            continue;
                        }
                        int n;
                        while ((n = d.read(view)) > 0) {
                            if (n == mtu && buf[9] == 17) {
                                bytes.addAndGet(n);
                                window.release();
                            }
                        }
                    }
                } catch (IOException e) {
                    // the device closed under us: the measurement is over
                }
            });
            // Warm up (JIT, ARP-free path), then measure.
            write(d, pkt, window, System.nanoTime() + 300_000_000L);
            long start = System.nanoTime();
            long base = bytes.get();
            long end = start + (long) (seconds * 1e9);
            write(d, pkt, window, end);
            long got = bytes.get() - base;
            double elapsed = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            waker.signal();
            reader.join();
            return got * 8 / elapsed;
        }
    }

    private static final int WINDOW = 256;

    private static void write(TunDevice d, byte[] pkt, Semaphore window, long untilNano) throws TunException, InterruptedException {
        while (System.nanoTime() < untilNano) {
            // A packet that never comes back (dropped by the kernel) frees its slot after 5 ms.
            window.tryAcquire(5, TimeUnit.MILLISECONDS);
            d.write(pkt, 0, pkt.length);
        }
    }

    private static int parse(String dotted) {
        return dev.jtcp.wire.Ipv4Addr.parse(dotted);
    }

    /** An IPv4/UDP packet of total length mtu (UDP checksum 0: none, as IPv4 allows). */
    static byte[] udp(int src, int dst, int mtu) {
        byte[] p = new byte[mtu];
        new dev.jtcp.wire.Ipv4Header(0, mtu, 1, false, false, 0, 64, 17, 0, src, dst, 20).emit(p, 0);
        int udpLen = mtu - 20;
        p[20] = (byte) 0x9c;   // source port 40000
        p[21] = 0x40;
        p[22] = 0x00;          // destination port 9 (discard)
        p[23] = 0x09;
        p[24] = (byte) (udpLen >>> 8);
        p[25] = (byte) udpLen;
        return p;
    }
}
