package dev.jtcp.tun;

import dev.jtcp.tun.app.Server;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Ipv4Addr;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input through a real TUN device: the kernel's side sends hand-made packets out of the device with an AF_PACKET
 * socket (exactly those bytes reach jtcp's read): not IPv4, truncated, a bad IP checksum, a bad TCP checksum, a
 * fragment, another host's address, and (without offloads) a packet longer than the driver's read buffer after the
 * device's MTU was raised behind its back. Each is dropped and counted under Linux's MIB name, none is delivered, and
 * the loop carries on: a kernel client's connection to jtcp's echo server works afterwards.
 */
@Timeout(120)
class BadInputInteropTest {
    private static final int NET = 31;
    private static final String KERNEL = "10.77." + NET + ".1";
    private static final String JTCP = "10.77." + NET + ".2";

    @ParameterizedTest(name = "offload {0}")
    @EnumSource(value = TunStack.Offload.class, names = {"AUTO", "OFF"})
    void everyMalformedPacketIsDroppedAndCountedAndTheLoopGoesOn(TunStack.Offload offload) throws Exception {
        try (TunFixture f = TunFixture.start(NET, 1500, null, offload)) {
            Map<String, Long> before = f.stack.nstat();
            List<byte[]> bad = new ArrayList<>();
            byte[] notIpv4 = new byte[40];
            notIpv4[0] = 0x60;                                            // an IPv6 header's first byte
            bad.add(notIpv4);
            byte[] truncated = tcpSyn(KERNEL, JTCP, 9);
            truncated[2] = 0;                                             // total length 200 ...
            truncated[3] = (byte) 200;
            ipChecksum(truncated);
            bad.add(truncated);                                           // ... of the 40 bytes that arrive
            byte[] badIpSum = tcpSyn(KERNEL, JTCP, 9);
            badIpSum[10] ^= 0x55;
            bad.add(badIpSum);
            byte[] badTcpSum = tcpSyn(KERNEL, JTCP, 9);
            badTcpSum[20 + 16] ^= 0x55;
            bad.add(badTcpSum);
            byte[] fragment = tcpSyn(KERNEL, JTCP, 9);
            fragment[6] = 0x20;                                           // more fragments
            ipChecksum(fragment);
            bad.add(fragment);
            bad.add(tcpSyn(KERNEL, "10.77." + NET + ".99", 9));           // another host on the subnet
            send(f, bad);
            long truncatedExpected = 1;
            if (!f.stack.offload()) {
                // The MTU raised behind the driver's back: a packet longer than its read buffer (the MTU's pool class,
                // 2 KiB) arrives cut, and ip_rcv() finds its total length beyond what arrived.
                IpTool.run(IpTool.ns(f.ns.name, "link", "set", "dev", f.stack.deviceName(), "mtu", "9000"));
                byte[] big = new byte[4000];
                System.arraycopy(tcpSyn(KERNEL, JTCP, 9), 0, big, 0, 40);
                big[2] = (byte) (4000 >>> 8);
                big[3] = (byte) 4000;
                ipChecksum(big);
                send(f, List.of(big));
                truncatedExpected = 2;
            }
            long want = truncatedExpected;
            assertThat(f.stack.awaitEngine(s -> s.mib().get(dev.jtcp.sys.Mib.IpInAddrErrors) > value(before, "IpInAddrErrors")
                    && s.mib().get(dev.jtcp.sys.Mib.IpExtInTruncatedPkts) >= value(before, "IpExtInTruncatedPkts") + want, 10_000))
                    .as("the packets reached jtcp").isTrue();
            Map<String, Long> after = f.stack.nstat();
            assertThat(delta(before, after, "IpInHdrErrors")).as("not IPv4, and the bad IP checksum").isEqualTo(2);
            assertThat(delta(before, after, "IpExtInCsumErrors")).isEqualTo(1);
            assertThat(delta(before, after, "IpExtInTruncatedPkts")).isEqualTo(truncatedExpected);
            assertThat(delta(before, after, "TcpInCsumErrors")).isEqualTo(1);
            assertThat(delta(before, after, "TcpInErrs")).isEqualTo(1);
            assertThat(delta(before, after, "IpReasmFails")).isEqualTo(1);
            assertThat(delta(before, after, "IpInAddrErrors")).isEqualTo(1);
            assertThat(delta(before, after, "TcpPassiveOpens")).as("nothing was delivered").isZero();
            assertThat(delta(before, after, "TcpOutRsts")).as("no SYN got an answer").isZero();
            assertThat(f.stack.failure()).isNull();
            if (!f.stack.offload()) {
                IpTool.run(IpTool.ns(f.ns.name, "link", "set", "dev", f.stack.deviceName(), "mtu", "1500"));
            }

            // The loop goes on: a kernel client's connection to jtcp's echo server.
            Server server = Server.listen(f.stack, InetAddress.getByName(JTCP), 7, 16, Server::echo);
            Thread t = Thread.ofVirtual().start(server::run);
            Netns.Result r = f.ns.exec(30, "python3", "-c", """
                    import socket
                    s = socket.create_connection(('%s', 7), timeout=10)
                    s.sendall(b'still here'); s.shutdown(socket.SHUT_WR)
                    got = b''
                    while True:
                        x = s.recv(100)
                        if not x:
                            break
                        got += x
                    print(got.decode())
                    """.formatted(JTCP));
            assertThat(r.text().strip()).isEqualTo("still here");
            server.close();
            t.join();
        }
    }

    /** Sends each packet out of the device as it is (AF_PACKET, SOCK_DGRAM: a TUN device has no link header). */
    private static void send(TunFixture f, List<byte[]> packets) throws Exception {
        StringBuilder hex = new StringBuilder();
        for (byte[] p : packets) {
            hex.append(HexFormat.of().formatHex(p)).append(' ');
        }
        Netns.Result r = f.ns.exec(30, "python3", "-c", """
                import socket, sys
                s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800))
                for h in sys.argv[1].split():
                    s.sendto(bytes.fromhex(h), ('%s', 0x0800))
                print('sent')
                """.formatted(f.stack.deviceName()), hex.toString().strip());
        assertThat(r.text().strip()).isEqualTo("sent");
    }

    /** A well-formed IPv4/TCP SYN (20 + 20 bytes) from src to dst:port, checksums right. */
    private static byte[] tcpSyn(String src, String dst, int port) {
        byte[] p = new byte[40];
        p[0] = 0x45;
        p[3] = 40;
        p[6] = 0x40;                                                      // DF
        p[8] = 64;
        p[9] = 6;
        int s = Ipv4Addr.parse(src);
        int d = Ipv4Addr.parse(dst);
        put32(p, 12, s);
        put32(p, 16, d);
        ipChecksum(p);
        p[20] = (byte) 0xc3;                                              // source port 50000
        p[21] = 0x50;
        p[22] = (byte) (port >>> 8);
        p[23] = (byte) port;
        put32(p, 24, 1000);                                               // seq
        p[32] = 0x50;                                                     // data offset 5
        p[33] = 0x02;                                                     // SYN
        p[34] = (byte) 0xff;                                              // window 65535
        p[35] = (byte) 0xff;
        int sum = Checksum.tcpIpv4(s, d, p, 20, 20);
        p[36] = (byte) (sum >>> 8);
        p[37] = (byte) sum;
        return p;
    }

    private static void ipChecksum(byte[] p) {
        p[10] = 0;
        p[11] = 0;
        int sum = Checksum.ipv4Header(p, 0, 20);
        p[10] = (byte) (sum >>> 8);
        p[11] = (byte) sum;
    }

    private static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static long value(Map<String, Long> m, String k) {
        return m.getOrDefault(k, 0L);
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String k) {
        return value(after, k) - value(before, k);
    }
}
