package dev.jtcp.tun;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * A blocking jtcp socket on a {@link TunStack}, in java.net's idiom: calls block until they can complete
 * (with optional timeouts: {@link SocketTimeoutException}), and Linux's errors become the exceptions
 * Java's own sockets throw for them (ECONNREFUSED: {@link ConnectException} "Connection refused",
 * ECONNRESET: {@link SocketException} "Connection reset", EADDRINUSE: {@link BindException}, ...).
 * Any number of threads may use sockets of one stack at once. {@link JtcpSocket} and
 * {@link JtcpServerSocket} put this under java.net.Socket and ServerSocket.
 */
public final class TunSocket implements AutoCloseable {
    private final TunStack ts;
    private final TcpSocket s;
    private boolean closed;
    private volatile int soTimeoutMs;
    private InputStream in;
    private OutputStream out;

    private TunSocket(TunStack ts, TcpSocket s) {
        this.ts = ts;
        this.s = s;
    }

    /** socket(AF_INET, SOCK_STREAM, 0) on this stack. */
    public static TunSocket open(TunStack ts) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ts.checkAlive();
            ts.tick();
            TunSocket sock = new TunSocket(ts, TcpSocket.open(ts.engine()));
            ts.register(sock);
            return sock;
        } finally {
            lock.unlock();
        }
    }

    public TunStack stack() {
        return ts;
    }

    // ================================================================ errors

    /** The exception java.net throws for a Linux errno (Java's own socket code maps them the same way). */
    static IOException toException(int negErrno, String op) {
        Errno e = Errno.of(-negErrno);
        String name = e == null ? "E" + (-negErrno) : e.name();
        if (e == null) {
            return new SocketException(op + ": error " + name);
        }
        return switch (e) {
            case ECONNREFUSED -> new ConnectException("Connection refused");
            case ETIMEDOUT -> op.equals("connect") ? new ConnectException("Connection timed out") : new SocketException("Connection timed out");
            case ECONNRESET -> new SocketException("Connection reset");
            case EPIPE -> new SocketException("Broken pipe");
            case EADDRINUSE -> new BindException("Address already in use");
            case EADDRNOTAVAIL -> new BindException("Cannot assign requested address");
            case EHOSTUNREACH -> new NoRouteToHostException("No route to host");
            case ENETUNREACH -> new NoRouteToHostException("Network is unreachable");
            case EISCONN -> new SocketException("Already connected");
            case ENOTCONN -> new SocketException("Socket is not connected");
            case EINVAL -> new SocketException("Invalid argument (" + op + ")");
            case ECONNABORTED -> new SocketException("Software caused connection abort");
            case EMSGSIZE -> new SocketException("Message too long");
            default -> new SocketException(op + " failed: " + name);
        };
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    private static long deadline(int timeoutMs) {
        return timeoutMs > 0 ? System.nanoTime() + timeoutMs * 1_000_000L : 0;
    }

    static int v4(InetAddress a) throws SocketException {
        if (a == null || a.isAnyLocalAddress()) {
            return 0;
        }
        if (!(a instanceof Inet4Address)) {
            throw new SocketException("Protocol family unavailable: jtcp speaks IPv4 only (" + a + ")");
        }
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static InetAddress inet(int addr) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ================================================================ setup

    /** bind(): port 0 picks an ephemeral port; a null or wildcard address binds every address. */
    public void bind(InetAddress addr, int port) throws IOException {
        int a = v4(addr);
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            ts.tick();
            int r = s.bind(new Endpoint(a, port));
            ts.done();
            if (r < 0) {
                throw toException(r, "bind");
            }
        } finally {
            lock.unlock();
        }
    }

    public void listen(int backlog) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            ts.tick();
            int r = s.listen(backlog);
            ts.done();
            if (r < 0) {
                throw toException(r, "listen");
            }
        } finally {
            lock.unlock();
        }
    }

    /** connect(), blocking until the handshake completes, fails, or timeoutMs passes (0: no limit but TCP's own). */
    public void connect(InetSocketAddress remote, int timeoutMs) throws IOException {
        if (remote.isUnresolved()) {
            throw new UnknownHostException(remote.getHostName());
        }
        int a = v4(remote.getAddress());
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            ts.tick();
            int r = s.connect(new Endpoint(a, remote.getPort()));
            ts.done();
            if (r == Errno.EINPROGRESS.neg()) {
                if (!ts.await(s::connectDone, deadline(timeoutMs))) {
                    closeLocked();
                    throw new SocketTimeoutException("Connect timed out");
                }
                r = s.connectResult();
            }
            if (r < 0) {
                throw toException(r, "connect");
            }
        } finally {
            lock.unlock();
        }
    }

    /** accept(): the next connection, waiting up to timeoutMs (0: no limit). */
    public TunSocket accept(int timeoutMs) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            long dl = deadline(timeoutMs);
            while (true) {
                ts.tick();
                if (!s.isListening()) {
                    throw closed ? new SocketException("Socket is closed") : new SocketException("Invalid argument (accept: not listening)");
                }
                TcpSocket c = s.accept();
                if (c != null) {
                    ts.done();
                    TunSocket child = new TunSocket(ts, c);
                    ts.register(child);
                    return child;
                }
                if (!ts.await(() -> closed || s.readable() || !s.isListening(), dl)) {
                    throw new SocketTimeoutException("Accept timed out");
                }
                ensureOpen();
            }
        } finally {
            lock.unlock();
        }
    }

    // ================================================================ data

    /** SO_TIMEOUT for reads and accept (0: wait forever). */
    public void setSoTimeout(int ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.soTimeoutMs = ms;
    }

    public int getSoTimeout() {
        return soTimeoutMs;
    }

    /** read(): bytes read, -1 at end of stream; waits up to SO_TIMEOUT. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            long dl = deadline(soTimeoutMs);
            while (true) {
                ts.tick();
                int r = s.read(b, off, len);
                if (r >= 0 || r != Errno.EAGAIN.neg()) {
                    ts.done();
                }
                if (r > 0) {
                    return r;
                }
                if (r == 0) {
                    return -1;
                }
                if (r != Errno.EAGAIN.neg()) {
                    throw toException(r, "read");
                }
                if (!ts.await(() -> closed || s.readable(), dl)) {
                    throw new SocketTimeoutException("Read timed out");
                }
                ensureOpen();
            }
        } finally {
            lock.unlock();
        }
    }

    /** write(): returns once every byte is in the send buffer. */
    public void write(byte[] b, int off, int len) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            int done = 0;
            while (done < len) {
                ts.tick();
                int r = s.write(b, off + done, len - done);
                if (r > 0) {
                    done += r;
                    ts.done();
                    continue;
                }
                if (r == Errno.EAGAIN.neg()) {
                    // sk_stream_wait_memory(): woken when half the queue has drained (sk_stream_write_space).
                    ts.await(() -> closed || s.writeReady(), 0);
                    ensureOpen();
                    continue;
                }
                ts.done();
                throw toException(r, "write");
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes that can be read without blocking. */
    public int available() throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            ts.tick();
            return Math.max(0, s.inq());   // ioctl(FIONREAD), which is SIOCINQ for TCP
        } finally {
            lock.unlock();
        }
    }

    public InputStream getInputStream() {
        if (in == null) {
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = TunSocket.this.read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    java.util.Objects.checkFromIndexSize(off, len, b.length);
                    return TunSocket.this.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return TunSocket.this.available();
                }

                @Override
                public void close() throws IOException {
                    TunSocket.this.close();
                }
            };
        }
        return in;
    }

    public OutputStream getOutputStream() {
        if (out == null) {
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    TunSocket.this.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    java.util.Objects.checkFromIndexSize(off, len, b.length);
                    TunSocket.this.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    TunSocket.this.close();
                }
            };
        }
        return out;
    }

    // ================================================================ teardown, options, names

    public void shutdownInput() throws IOException {
        shutdown(Tcp.SHUT_RD);
    }

    /** shutdown(SHUT_WR): sends our FIN once the queued data is out (a half-close). */
    public void shutdownOutput() throws IOException {
        shutdown(Tcp.SHUT_WR);
    }

    private void shutdown(int how) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            ts.tick();
            int r = s.shutdown(how);
            ts.done();
            if (r < 0) {
                throw toException(r, "shutdown");
            }
        } finally {
            lock.unlock();
        }
    }

    /** close(): a FIN after the queued data, or a RST when unread data remains (tcp_close). */
    @Override
    public void close() throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            if (!closed) {
                ts.tick();
                closeLocked();
                ts.done();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        s.close();
        ts.unregister(this);
    }

    /** SO_LINGER with a zero timeout: the next close() aborts the connection with a RST. */
    public void setLingerAbort() throws IOException {
        setOption(SockOpt.SO_LINGER, 1, 0);
    }

    public void setOption(SockOpt opt, int... values) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            ts.tick();
            int r = s.setOption(opt, values);
            ts.done();
            if (r < 0) {
                throw toException(r, "setsockopt " + opt.name());
            }
        } finally {
            lock.unlock();
        }
    }

    public int getOption(SockOpt opt) throws IOException {
        var lock = ts.lock();
        lock.lock();
        try {
            ensureOpen();
            int r = s.getOption(opt);
            if (r < 0) {
                throw toException(r, "getsockopt " + opt.name());
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    public TcpState state() {
        var lock = ts.lock();
        lock.lock();
        try {
            return s.state();
        } finally {
            lock.unlock();
        }
    }

    public InetSocketAddress localAddress() {
        var lock = ts.lock();
        lock.lock();
        try {
            Endpoint e = s.localEndpoint();
            return new InetSocketAddress(inet(e.addr()), e.port());
        } finally {
            lock.unlock();
        }
    }

    public InetSocketAddress remoteAddress() {
        var lock = ts.lock();
        lock.lock();
        try {
            Endpoint e = s.remoteEndpoint();
            return new InetSocketAddress(inet(e.addr()), e.port());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TunSocket[" + Ipv4Addr.format(s.localEndpoint().addr()) + ":" + s.localEndpoint().port() + " -> "
                + Ipv4Addr.format(s.remoteEndpoint().addr()) + ":" + s.remoteEndpoint().port() + "]";
    }
}
