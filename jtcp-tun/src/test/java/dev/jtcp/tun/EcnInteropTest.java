package dev.jtcp.tun;

import dev.jtcp.sys.Sysctl;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.tun.app.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 3168 ECN between jtcp and the kernel's TCP over a TUN device, both ways: the side with tcp_ecn=1 asks,
 * the other (tcp_ecn=2, both stacks' default) agrees, and each then sends its data ECT(0). The kernel's
 * TCP_INFO shows TCPI_OPT_ECN (negotiated) and TCPI_OPT_ECN_SEEN (ECT seen on jtcp's data); jtcp's counters
 * show the kernel's data arriving ECT(0).
 */
@Timeout(120)
class EcnInteropTest {
    /** Python: the kernel socket's tcpi_options (byte 5 of struct tcp_info) as "ecn=<0|8> seen=<0|16>". */
    private static final String TCPI_OPTIONS = "o = %s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)[5]\n";

    /** Python: read the socket named to its end into {@code got}. */
    private static final String RECV_ALL = """
            got = b''
            while True:
                x = %s.recv(65536)
                if not x:
                    break
                got += x
            """;

    /** jtcp on 10.77.{net}.2, the kernel on 10.77.{net}.1 in the namespace (skips without root, tun or python3). */
    private static TunStack stack(Netns ns, String tag, int net, Sysctl sysctl) throws java.io.IOException {
        return TunStack.start(TunStack.Config.of("jt" + tag + (ProcessHandle.current().pid() % 10000),
                "10.77." + net + ".1/24", "10.77." + net + ".2").withTxQueueLen(4000).withNetns(ns.name).withSysctl(sysctl));
    }

    private static void assumeKernel() {
        Netns.assumeCapable();
        org.junit.jupiter.api.Assumptions.assumeTrue(Netns.which("python3"), "python3 is not installed");
    }

    @Test
    void kernelClientAsks_jtcpServerAgrees() throws Exception {
        assumeKernel();
        try (Netns ns = Netns.create("jtecn"); TunStack stack = stack(ns, "en", 31, new Sysctl())) {
            Server server = Server.listen(stack, InetAddress.getByName("10.77.31.2"), 7, 16, Server::echo);
            Thread t = Thread.ofVirtual().start(server::run);
            Netns.Result r = ns.exec(60, "python3", "-c", """
                    import socket
                    with open('/proc/sys/net/ipv4/tcp_ecn', 'w') as f:
                        f.write('1')
                    s = socket.create_connection(('10.77.31.2', 7), timeout=20)
                    data = bytes(range(256)) * 256
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                    """ + RECV_ALL.formatted("s") + TCPI_OPTIONS.formatted("s") + """
                    print(got == data, 'ecn=%d seen=%d' % (o & 8, o & 16))
                    """);
            assertThat(r.text().strip()).isEqualTo("True ecn=8 seen=16");
            server.close();
            t.join();
            assertThat(stack.nstat().getOrDefault("IpExtInECT0Pkts", 0L)).isPositive();
        }
    }

    @Test
    void jtcpClientAsks_kernelServerAgrees() throws Exception {
        assumeKernel();
        try (Netns ns = Netns.create("jtecn"); TunStack stack = stack(ns, "ec", 32, new Sysctl().set(SysctlKey.TCP_ECN, 1))) {
            Process p = ns.start("python3", "-u", "-c", """
                    import socket
                    l = socket.socket()
                    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    l.bind(('10.77.32.1', 9000))
                    l.listen(1)
                    print('ready', flush=True)
                    c, _ = l.accept()
                    """ + RECV_ALL.formatted("c") + """
                    c.sendall(got)
                    """ + TCPI_OPTIONS.formatted("c") + """
                    c.close()
                    print(len(got), 'ecn=%d seen=%d' % (o & 8, o & 16), flush=True)
                    """);
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("ready");
                byte[] data = new byte[65536];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) i;
                }
                byte[] back;
                try (Socket s = new JtcpSocket(stack, "10.77.32.1", 9000)) {
                    OutputStream o = s.getOutputStream();
                    o.write(data);
                    s.shutdownOutput();
                    InputStream in = s.getInputStream();
                    back = in.readAllBytes();
                }
                assertThat(back).isEqualTo(data);
                assertThat(out.readLine()).isEqualTo("65536 ecn=8 seen=16");
            } finally {
                p.destroyForcibly();
                p.waitFor();
            }
            assertThat(stack.nstat().getOrDefault("IpExtInECT0Pkts", 0L)).isPositive();
        }
    }
}
