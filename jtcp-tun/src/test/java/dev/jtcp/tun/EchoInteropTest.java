package dev.jtcp.tun;

import dev.jtcp.tun.app.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernel's TCP (a Python client in a namespace) against jtcp's echo server on a TUN device. */
@Timeout(120)
class EchoInteropTest {
    @Test
    void kernelClientGetsEveryByteBackAndBothSidesClose() throws Exception {
        Netns.assumeCapable();
        org.junit.jupiter.api.Assumptions.assumeTrue(Netns.which("python3"), "python3 is not installed");
        try (Netns ns = Netns.create("jte");
             TunStack stack = TunStack.start(TunStack.Config.of("jte" + (ProcessHandle.current().pid() % 10000), "10.77.1.1/24", "10.77.1.2").withTxQueueLen(4000)
                     .withNetns(ns.name))) {
            Server server = Server.listen(stack, InetAddress.getByName("10.77.1.2"), 7, 16, Server::echo);
            Thread t = Thread.ofVirtual().start(server::run);
            Netns.Result r = ns.exec(60, "python3", "-c", """
                    import socket, hashlib
                    s = socket.create_connection(('10.77.1.2', 7), timeout=20)
                    data = bytes(range(256)) * 4096
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                    got = b''
                    while True:
                        x = s.recv(65536)
                        if not x:
                            break
                        got += x
                    print(len(got), hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest())
                    """);
            assertThat(r.text().strip()).isEqualTo("1048576 True");
            server.close();
            t.join();
            assertThat(stack.nstat()).containsKey("TcpPassiveOpens");
        }
    }
}
