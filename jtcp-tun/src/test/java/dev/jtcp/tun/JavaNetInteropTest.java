package dev.jtcp.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * jtcp's java.net.Socket and ServerSocket against the Linux kernel's TCP in a namespace: downloads and
 * uploads with equal hashes, half-close, resets both ways, refused connections, timeouts, bind conflicts.
 */
@Timeout(180)
class JavaNetInteropTest {
    private static final int MIB50 = 50 << 20;

    /**
     * With offloads (64 KiB GRO packets, each read buffer handed to the receive queue whole) and without them at two
     * MTUs (read buffers of the MTU's pool class, 2 and 16 KiB, handed over likewise).
     */
    @ParameterizedTest(name = "offload {0}, MTU {1}")
    @CsvSource({"AUTO, 1500", "OFF, 1500", "OFF, 9000"})
    void downloadsFiftyMebibytesFromTheKernelsHttpServer(TunStack.Offload offload, int mtu, @TempDir Path dir) throws Exception {
        byte[] data = new byte[MIB50];
        new Random(7).nextBytes(data);
        Files.write(dir.resolve("big.bin"), data);
        try (TunFixture f = TunFixture.start(11, mtu, null, offload)) {
            Process server = f.python("""
                    import http.server, functools, sys
                    h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
                    s = http.server.HTTPServer(('%s', 8000), h)
                    print('ready', flush=True)
                    s.handle_request()
                    """.formatted(f.kernelAddr).replace("sys.argv[1]", "'" + dir + "'"));
            try (Socket s = new JtcpSocket(f.stack, f.kernelAddr, 8000)) {
                s.getOutputStream().write(("GET /big.bin HTTP/1.0\r\nHost: " + f.kernelAddr + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.0 200").contains("Content-Length: " + MIB50);
                MessageDigest md = TunFixture.sha();
                byte[] buf = new byte[65536];
                long total = 0;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    md.update(buf, 0, n);
                    total += n;
                }
                assertThat(total).isEqualTo(MIB50);
                assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(TunFixture.sha256(data));
            } finally {
                server.destroy();
            }
        }
    }

    @ParameterizedTest(name = "offload {0}, MTU {1}")
    @CsvSource({"AUTO, 1500", "OFF, 1500", "OFF, 9000"})
    void uploadsFiftyMebibytesToAKernelSink_halfCloseBothWays(TunStack.Offload offload, int mtu) throws Exception {
        byte[] data = new byte[MIB50];
        new Random(8).nextBytes(data);
        try (TunFixture f = TunFixture.start(12, mtu, null, offload)) {
            // The sink reads to our FIN, then answers on its still-open half and closes.
            Process sink = f.python("""
                    import socket, hashlib
                    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    l.bind(('%s', 9000)); l.listen(1)
                    print('ready', flush=True)
                    c, _ = l.accept()
                    h = hashlib.sha256(); n = 0
                    while True:
                        b = c.recv(1 << 20)
                        if not b:
                            break
                        h.update(b); n += len(b)
                    c.sendall(('%%d %%s\\n' %% (n, h.hexdigest())).encode())
                    c.close()
                    """.formatted(f.kernelAddr));
            try (Socket s = new JtcpSocket(f.stack, f.kernelAddr, 9000)) {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < data.length; off += 1 << 20) {
                    out.write(data, off, 1 << 20);
                }
                s.shutdownOutput();
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                assertThat(answer).isEqualTo(MIB50 + " " + TunFixture.sha256(data));
            } finally {
                sink.destroy();
            }
        }
    }

    @Test
    void refusedResetAndTimeoutsAreTheExceptionsJavaProgrammersExpect() throws Exception {
        try (TunFixture f = TunFixture.start(13, 1500, null)) {
            // Nothing listens on the kernel's port 1: its RST refuses the connection.
            assertThatThrownBy(() -> new JtcpSocket(f.stack, f.kernelAddr, 1))
                    .isInstanceOf(ConnectException.class).hasMessage("Connection refused");

            // The kernel aborts (SO_LINGER 0): our read sees ECONNRESET.
            Process rst = f.python("""
                    import socket, struct
                    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    l.bind(('%s', 9001)); l.listen(1)
                    print('ready', flush=True)
                    c, _ = l.accept()
                    c.recv(10)
                    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                    c.close()
                    """.formatted(f.kernelAddr));
            try (Socket s = new JtcpSocket(f.stack, f.kernelAddr, 9001)) {
                s.getOutputStream().write('x');
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketException.class)
                        .hasMessage("Connection reset");
            } finally {
                rst.waitFor();
            }

            // jtcp aborts: the kernel's recv sees ECONNRESET; and SO_TIMEOUT on an idle read.
            try (ServerSocket ss = new JtcpServerSocket(f.stack, 7000, 8)) {
                assertThatThrownBy(() -> new JtcpServerSocket(f.stack, 7000, 8)).isInstanceOf(BindException.class)
                        .hasMessage("Address already in use");
                Process client = f.python("""
                        import socket
                        s = socket.create_connection(('%s', 7000), timeout=30)
                        print('ready', flush=True)
                        s.sendall(b'hello')
                        try:
                            d = s.recv(10)
                            print('got', d)
                        except ConnectionResetError:
                            print('reset')
                        """.formatted(f.jtcpAddr));
                ss.setSoTimeout(20_000);
                try (Socket c = ss.accept()) {
                    assertThat(c.getInetAddress().getHostAddress()).isEqualTo(f.kernelAddr);
                    assertThat(c.getLocalPort()).isEqualTo(7000);
                    byte[] hello = c.getInputStream().readNBytes(5);
                    assertThat(new String(hello, StandardCharsets.US_ASCII)).isEqualTo("hello");
                    c.setSoTimeout(200);
                    assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                    assertThat(c.isClosed()).as("a read timeout leaves the socket usable").isFalse();
                    c.setSoLinger(true, 0);
                }
                assertThat(TunFixture.output(client)).isEqualTo("reset");
                ss.setSoTimeout(100);
                assertThatThrownBy(ss::accept).isInstanceOf(SocketTimeoutException.class);
            }
        }
    }

    @Test
    void manyVirtualThreadsShareOneStack() throws Exception {
        try (TunFixture f = TunFixture.start(14, 1500, null)) {
            Process echo = f.python("""
                    import socket, threading
                    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    l.bind(('%s', 9002)); l.listen(128)
                    print('ready', flush=True)
                    def serve(c):
                        while True:
                            b = c.recv(65536)
                            if not b:
                                break
                            c.sendall(b)
                        c.close()
                    while True:
                        c, _ = l.accept()
                        threading.Thread(target=serve, args=(c,), daemon=True).start()
                    """.formatted(f.kernelAddr));
            try {
                int clients = 50;
                var results = new java.util.concurrent.ConcurrentLinkedQueue<String>();
                try (var exec = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < clients; i++) {
                        int id = i;
                        exec.submit(() -> {
                            byte[] msg = new byte[100_000];
                            new Random(id).nextBytes(msg);
                            try (Socket s = new JtcpSocket(f.stack)) {
                                s.connect(new InetSocketAddress(f.kernelAddr, 9002), 10_000);
                                Thread w = Thread.ofVirtual().start(() -> {
                                    try {
                                        s.getOutputStream().write(msg);
                                        s.shutdownOutput();
                                    } catch (IOException e) {
                                        results.add("write failed: " + e);
                                    }
                                });
                                byte[] back = s.getInputStream().readAllBytes();
                                w.join();
                                results.add(java.util.Arrays.equals(back, msg) ? "ok" : "mismatch " + back.length);
                            } catch (Exception e) {
                                results.add("failed: " + e);
                            }
                            return null;
                        });
                    }
                }
                assertThat(results).hasSize(clients).containsOnly("ok");
            } finally {
                echo.destroy();
            }
        }
    }

    @Test
    void aDeviceThatDisappearsEndsTheStackAndEverySocketGetsAnError() throws Exception {
        try (TunFixture f = TunFixture.start(15, 1500, null)) {
            Process server = f.python("""
                    import socket, time
                    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    l.bind(('%s', 9003)); l.listen(1)
                    print('ready', flush=True)
                    c, _ = l.accept()
                    time.sleep(30)
                    """.formatted(f.kernelAddr));
            try (Socket s = new JtcpSocket(f.stack, f.kernelAddr, 9003)) {
                var failure = new java.util.concurrent.CompletableFuture<Throwable>();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        s.getInputStream().read();
                        failure.complete(null);
                    } catch (Throwable t) {
                        failure.complete(t);
                    }
                });
                IpTool.run(IpTool.ns(f.ns.name, "link", "del", "dev", f.stack.deviceName()));
                Throwable t = failure.get(20, java.util.concurrent.TimeUnit.SECONDS);
                reader.join();
                assertThat(t).isInstanceOf(SocketException.class).hasMessageContaining(f.stack.deviceName())
                        .hasMessageContaining("failed");
                assertThat(f.stack.failure()).isNotNull();
                assertThatThrownBy(() -> new JtcpSocket(f.stack, f.kernelAddr, 9003)).isInstanceOf(SocketException.class);
            } finally {
                server.destroy();
            }
        }
    }

    @Test
    void aPeerThatDisappearsMidTransferTimesTheConnectionOut() throws Exception {
        Netns.assumeCapable();
        var sysctl = new dev.jtcp.sys.Sysctl().set(dev.jtcp.sys.SysctlKey.TCP_RETRIES2, 4);
        try (Netns ns = Netns.create("jt16")) {
            String dev = "jt16x" + (ProcessHandle.current().pid() % 100000);
            try (TunStack stack = TunStack.start(TunStack.Config.of(dev, "10.77.16.1/24", "10.77.16.2").withNetns(ns.name).withSysctl(sysctl))) {
                Process sink = ns.start("python3", "-u", "-c", """
                        import socket, time
                        l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                        l.bind(('10.77.16.1', 9004)); l.listen(1)
                        print('ready', flush=True)
                        c, _ = l.accept()
                        c.recv(1 << 20)
                        time.sleep(60)
                        """);
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(sink.getInputStream())).readLine()).isEqualTo("ready");
                try (Socket s = new JtcpSocket(stack, "10.77.16.1", 9004)) {
                    s.getOutputStream().write(new byte[1000]);
                    // The link is cut: the kernel's side of the device goes down, nothing crosses it any more.
                    IpTool.run(IpTool.ns(ns.name, "link", "set", "dev", stack.deviceName(), "down"));
                    long t0 = System.nanoTime();
                    assertThatThrownBy(() -> {
                        byte[] chunk = new byte[65536];
                        while (true) {
                            s.getOutputStream().write(chunk);
                        }
                    }).isInstanceOf(SocketException.class).hasMessage("Connection timed out");
                    double secs = (System.nanoTime() - t0) / 1e9;
                    // tcp_retries2 = 4: RTOs of 0.2, 0.4, 0.8, 1.6 and 3.2 s (tcp_model_timeout), then ETIMEDOUT.
                    assertThat(secs).isBetween(2.0, 30.0);
                    assertThat(stack.failure()).as("the stack itself goes on").isNull();
                } finally {
                    sink.destroy();
                }
            }
        }
    }

    @Test
    void kernelClientsBeyondTheBacklogGetInOnceTheServerAccepts() throws Exception {
        try (TunFixture f = TunFixture.start(17, 1500, null);
             ServerSocket ss = new JtcpServerSocket(f.stack, 7001, 4)) {
            Process clients = f.python("""
                    import socket, threading
                    results = []
                    def one(i):
                        try:
                            s = socket.create_connection(('%s', 7001), timeout=40)
                            s.sendall(b'%%02d' %% i)
                            results.append(s.recv(2) == b'%%02d' %% i)
                            s.close()
                        except Exception as e:
                            results.append(repr(e))
                    ts = [threading.Thread(target=one, args=(i,)) for i in range(20)]
                    print('ready', flush=True)
                    for t in ts: t.start()
                    for t in ts: t.join()
                    print(sum(1 for r in results if r is True), 'ok', [r for r in results if r is not True])
                    """.formatted(f.jtcpAddr));
            // Nobody accepts for a while: the accept queue (backlog 4) fills and further handshakes wait.
            assertThat(f.stack.awaitEngine(st -> st.mib().get(dev.jtcp.sys.Mib.TcpExtListenOverflows) > 0, 20_000))
                    .as("the accept queue overflowed").isTrue();
            ss.setSoTimeout(30_000);
            for (int i = 0; i < 20; i++) {
                Socket c = ss.accept();
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        c.getOutputStream().write(c.getInputStream().readNBytes(2));
                    } catch (IOException e) {
                        // reported by the client's count
                    }
                });
            }
            assertThat(TunFixture.output(clients)).isEqualTo("20 ok []");
        }
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("end of stream in the response head: " + sb);
            }
            sb.append((char) c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return sb.toString();
    }
}
