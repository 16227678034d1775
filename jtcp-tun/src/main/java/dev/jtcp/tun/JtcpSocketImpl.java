package dev.jtcp.tun;

import dev.jtcp.tcp.SockOpt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOptions;
import java.net.UnknownHostException;

/**
 * java.net's SocketImpl over a jtcp {@link TunSocket}: what lets {@link JtcpSocket} and
 * {@link JtcpServerSocket} be a java.net.Socket and ServerSocket, so code written against those runs
 * unchanged on jtcp.
 */
final class JtcpSocketImpl extends SocketImpl {
    private final TunStack stack;
    private TunSocket sock;
    private int timeoutMs;

    JtcpSocketImpl(TunStack stack) {
        this.stack = stack;
    }

    private TunSocket sock() throws SocketException {
        if (sock == null) {
            throw new SocketException("Socket is not created");
        }
        return sock;
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("jtcp has stream (TCP) sockets only");
        }
        if (sock == null) {
            sock = TunSocket.open(stack);
        }
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(InetAddress.getByName(host), port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
        if (!(address instanceof InetSocketAddress isa)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        if (isa.isUnresolved()) {
            throw new UnknownHostException(isa.getHostName());
        }
        create(true);
        sock().connect(isa, timeout);
        this.address = isa.getAddress();
        this.port = isa.getPort();
        this.localport = sock.localAddress().getPort();
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        create(true);
        sock().bind(host, port);
        this.localport = sock.localAddress().getPort();
        this.address = host;
    }

    @Override
    protected void listen(int backlog) throws IOException {
        sock().listen(backlog < 1 ? 50 : backlog);
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
        if (!(s instanceof JtcpSocketImpl target)) {
            throw new IOException("a jtcp server socket accepts into jtcp sockets only, not " + s.getClass().getName());
        }
        TunSocket child = sock().accept(timeoutMs);
        target.sock = child;
        InetSocketAddress remote = child.remoteAddress();
        target.address = remote.getAddress();
        target.port = remote.getPort();
        target.localport = child.localAddress().getPort();
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        return sock().getInputStream();
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        return sock().getOutputStream();
    }

    @Override
    protected int available() throws IOException {
        return sock().available();
    }

    @Override
    protected void close() throws IOException {
        if (sock != null) {
            sock.close();
        }
    }

    @Override
    protected void shutdownInput() throws IOException {
        sock().shutdownInput();
    }

    @Override
    protected void shutdownOutput() throws IOException {
        sock().shutdownOutput();
    }

    @Override
    protected boolean supportsUrgentData() {
        return false;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported");
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        try {
            switch (optID) {
                case SocketOptions.SO_TIMEOUT -> {
                    timeoutMs = (Integer) value;
                    if (sock != null) {
                        sock.setSoTimeout(timeoutMs);
                    }
                }
                case SocketOptions.TCP_NODELAY -> sock().setOption(SockOpt.TCP_NODELAY, (Boolean) value ? 1 : 0);
                case SocketOptions.SO_KEEPALIVE -> sock().setOption(SockOpt.SO_KEEPALIVE, (Boolean) value ? 1 : 0);
                case SocketOptions.SO_REUSEADDR -> sock().setOption(SockOpt.SO_REUSEADDR, (Boolean) value ? 1 : 0);
                case SocketOptions.SO_SNDBUF -> sock().setOption(SockOpt.SO_SNDBUF, (Integer) value);
                case SocketOptions.SO_RCVBUF -> sock().setOption(SockOpt.SO_RCVBUF, (Integer) value);
                case SocketOptions.SO_OOBINLINE -> sock().setOption(SockOpt.SO_OOBINLINE, (Boolean) value ? 1 : 0);
                case SocketOptions.SO_LINGER -> {
                    if (value instanceof Boolean b && !b) {
                        sock().setOption(SockOpt.SO_LINGER, 0, 0);
                    } else {
                        sock().setOption(SockOpt.SO_LINGER, 1, (Integer) value);
                    }
                }
                case SocketOptions.IP_TOS -> { }   // accepted and ignored: jtcp sends TOS 0
                default -> throw new SocketException("option " + optID + " is not supported by jtcp sockets");
            }
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        try {
            return switch (optID) {
                case SocketOptions.SO_TIMEOUT -> timeoutMs;
                case SocketOptions.TCP_NODELAY -> sock().getOption(SockOpt.TCP_NODELAY) != 0;
                case SocketOptions.SO_KEEPALIVE -> sock().getOption(SockOpt.SO_KEEPALIVE) != 0;
                case SocketOptions.SO_REUSEADDR -> sock().getOption(SockOpt.SO_REUSEADDR) != 0;
                case SocketOptions.SO_SNDBUF -> sock().getOption(SockOpt.SO_SNDBUF);
                case SocketOptions.SO_RCVBUF -> sock().getOption(SockOpt.SO_RCVBUF);
                case SocketOptions.SO_OOBINLINE -> sock().getOption(SockOpt.SO_OOBINLINE) != 0;
                case SocketOptions.SO_LINGER -> {
                    int v = sock().getOption(SockOpt.SO_LINGER);
                    yield v < 0 ? Boolean.FALSE : (Object) v;
                }
                case SocketOptions.IP_TOS -> 0;
                case SocketOptions.SO_BINDADDR -> sock().localAddress().getAddress();
                default -> throw new SocketException("option " + optID + " is not supported by jtcp sockets");
            };
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }
}
