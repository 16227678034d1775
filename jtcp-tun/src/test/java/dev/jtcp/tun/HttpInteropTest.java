package dev.jtcp.tun;

import dev.jtcp.tun.app.HttpFileServer;
import dev.jtcp.tun.app.Server;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel's curl against jtcp's HTTP/1.1 file server on a TUN device: 0 B, 1 KiB and 50 MiB arrive
 * with equal hashes, keep-alive reuses the connection, a missing file is a 404, and a capture of the
 * jtcp side read by tshark has no malformed packets, bad checksums or TCP analysis errors.
 */
@Timeout(180)
class HttpInteropTest {
    @Test
    void curlFetchesEmptySmallAndLargeFilesWithEqualHashes(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Netns.which("curl"), "curl is not installed");
        byte[] small = new byte[1024];
        byte[] big = new byte[50 << 20];
        new Random(1).nextBytes(small);
        new Random(2).nextBytes(big);
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.write(root.resolve("empty"), new byte[0]);
        Files.write(root.resolve("small.bin"), small);
        Files.write(root.resolve("big.bin"), big);
        try (TunFixture f = TunFixture.start(21, 1500, null)) {
            Server server = Server.listen(f.stack, InetAddress.getByName("0.0.0.0"), 80, 128, new HttpFileServer(root));
            Thread.ofVirtual().start(server::run);
            for (String name : List.of("empty", "small.bin", "big.bin")) {
                Path out = dir.resolve("got-" + name);
                Netns.Result r = f.ns.exec(120, "curl", "-sS", "--max-time", "100", "-o", out.toString(),
                        "-w", "%{http_code} %{size_download}", "http://" + f.jtcpAddr + "/" + name);
                assertThat(r.exit()).as("curl exit for " + name).isZero();
                long size = Files.size(root.resolve(name));
                assertThat(r.text()).isEqualTo("200 " + size);
                assertThat(TunFixture.sha256(Files.readAllBytes(out))).as(name).isEqualTo(TunFixture.sha256(Files.readAllBytes(root.resolve(name))));
            }
            // Two requests on one connection (keep-alive), then a 404 and a HEAD.
            Netns.Result two = f.ns.exec(60, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null",
                    "-w", "%{http_code} %{num_connects}\\n", "http://" + f.jtcpAddr + "/small.bin", "http://" + f.jtcpAddr + "/empty");
            assertThat(two.text()).isEqualTo("200 1\n200 0\n");
            Netns.Result missing = f.ns.exec(60, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://" + f.jtcpAddr + "/nope");
            assertThat(missing.text()).isEqualTo("404");
            Netns.Result head = f.ns.exec(60, "curl", "-sS", "-I", "http://" + f.jtcpAddr + "/small.bin");
            assertThat(head.text()).startsWith("HTTP/1.1 200").contains("Content-Length: 1024");
            Netns.Result escape = f.ns.exec(60, "curl", "-sS", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://" + f.jtcpAddr + "/../../etc/passwd");
            assertThat(escape.text()).isEqualTo("404");
            server.close();
        }
    }

    /**
     * With offloads (AUTO: on where the kernel accepts them) the capture holds TSO and GRO packets of up to 64 KiB
     * whole, with the checksums the device completes (TunStack completes them in the capture, where Linux's
     * tcpdump shows them partial); without, one packet per segment.
     */
    @ParameterizedTest
    @EnumSource(value = TunStack.Offload.class, names = {"AUTO", "OFF"})
    void aCaptureOfTheJtcpSideHasNoMalformedPacketsBadChecksumsOrTcpErrors(TunStack.Offload offload, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Netns.which("curl"), "curl is not installed");
        Assumptions.assumeTrue(Netns.which("tshark"), "tshark is not installed");
        byte[] file = new byte[2 << 20];
        new Random(3).nextBytes(file);
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.write(root.resolve("f.bin"), file);
        Path pcap = dir.resolve("jtcp.pcapng");
        String stats;
        long statsRetrans;
        long kernelDrops;
        boolean offloaded;
        try (TunFixture f = TunFixture.start(22, 1500, pcap, offload)) {
            offloaded = f.stack.offload();
            // Every kernel since 2.6.27 takes IFF_VNET_HDR and TUN_F_CSUM | TUN_F_TSO4: AUTO must have them here.
            assertThat(offloaded).as("offload with %s", offload).isEqualTo(offload == TunStack.Offload.AUTO);
            Server server = Server.listen(f.stack, InetAddress.getByName("0.0.0.0"), 80, 128, new HttpFileServer(root));
            Thread.ofVirtual().start(server::run);
            for (int i = 0; i < 3; i++) {
                Netns.Result r = f.ns.exec(60, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://" + f.jtcpAddr + "/f.bin");
                assertThat(r.text()).isEqualTo("200");
            }
            Netns.Result ping = f.ns.exec(30, "python3", "-c", PING.formatted(f.jtcpAddr));
            assertThat(ping.text().strip()).isEqualTo("echo reply ok");
            server.close();
            stats = f.stack.nstat() + " " + f.stack.deviceStats();
            statsRetrans = f.stack.nstat().getOrDefault("TcpRetransSegs", 0L);
            kernelDrops = f.kernelTxDropped();
            stats += " kernel-side drops " + kernelDrops;
        }
        // Protocol errors: never.
        // Checksums are judged on what jtcp sent (tshark also flags the kernel's own 0xffff TCP checksums, which
        // are valid: ones' complement has two zeros).
        String bad = tshark(pcap, "_ws.malformed || tcp.analysis.reused_ports || (ip.src == 10.77.22.2 && ("
                + "ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\"))");
        assertThat(bad).as("packets tshark flags as errors (jtcp counters: %s)", stats).isEmpty();
        // The capture is taken where jtcp reads and writes the device: a gap means the kernel dropped a packet
        // into the device (its queue of 500 was full while the loop ran late on a busy machine).
        if (kernelDrops == 0) {
            assertThat(tshark(pcap, "tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment")).as(stats).isEmpty();
        }
        // Retransmissions only where jtcp counted one of its own (a loss probe when ACKs came late), and the
        // duplicate ACKs and out-of-order marks that only follow from them or from such drops.
        long retrans = tshark(pcap, "ip.src == 10.77.22.2 && tcp.analysis.retransmission").lines().count();
        assertThat(retrans).as("retransmissions in the capture vs TcpRetransSegs (%s)", stats).isLessThanOrEqualTo(statsRetrans);
        if (statsRetrans == 0 && kernelDrops == 0) {
            // What jtcp sent: no TCP analysis flag but flow control (a full or zero window while curl reads slowly).
            // The kernel's own loss probes (its FIN resent when our ACK came late on a busy machine) are its business.
            assertThat(tshark(pcap, "ip.src == 10.77.22.2 && tcp.analysis.flags && !tcp.analysis.window_update"
                    + " && !tcp.analysis.window_full && !tcp.analysis.zero_window")).as(stats).isEmpty();
        }
        Process count = new ProcessBuilder("tshark", "-r", pcap.toString(), "-Y", "ip.src == 10.77.22.2 && tcp.len > 0",
                "-T", "fields", "-e", "tcp.len").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long bytes = new String(count.getInputStream().readAllBytes()).lines().mapToLong(Long::parseLong).sum();
        count.waitFor();
        assertThat(bytes).as("the capture holds the transfers").isGreaterThanOrEqualTo(3L * file.length);
        // TSO packets leave whole with offloads, never without.
        String large = tshark(pcap, "ip.src == 10.77.22.2 && tcp.len > 1448");
        assertThat(large.isEmpty()).as("packets of more than one MSS from jtcp (offload %s)", offloaded).isEqualTo(!offloaded);
    }

    private static String tshark(Path pcap, String filter) throws Exception {
        Process p = new ProcessBuilder("tshark", "-r", pcap.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-Y", filter).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as("tshark exit").isZero();
        return out;
    }

    /** A raw-socket ping (the image may lack iputils): one echo request, the reply checked. */
    static final String PING = """
            import socket, struct
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            s.settimeout(5)
            def csum(b):
                t = sum(struct.unpack('!%%dH' %% (len(b) // 2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16
                return ~t & 0xffff
            data = b'jtcp ping ' * 4
            h = struct.pack('!BBHHH', 8, 0, 0, 0x4a54, 1)
            h = struct.pack('!BBHHH', 8, 0, csum(h + data), 0x4a54, 1)
            s.sendto(h + data, ('%s', 0))
            r = s.recv(2048)
            ok = r[20] == 0 and r[24:26] == b'\\x4a\\x54' and r[28:] == data
            print('echo reply ok' if ok else 'bad reply')
            """;
}
