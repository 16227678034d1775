package dev.jtcp.tun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A java.net.ServerSocket whose TCP is jtcp on a {@link TunStack}: bind, accept (with setSoTimeout),
 * close, as any ServerSocket; accept() returns {@link JtcpSocket}s.
 */
public class JtcpServerSocket extends ServerSocket {
    private final TunStack stack;

    /** An unbound server socket on the stack. */
    public JtcpServerSocket(TunStack stack) throws IOException {
        super(new JtcpSocketImpl(stack));
        this.stack = stack;
    }

    /** A server socket listening on port (0: any free port) of every address of the stack. */
    public JtcpServerSocket(TunStack stack, int port, int backlog) throws IOException {
        this(stack);
        bind(new InetSocketAddress(port), backlog);
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new java.net.SocketException("Socket is closed");
        }
        if (!isBound()) {
            throw new java.net.SocketException("Socket is not bound yet");
        }
        JtcpSocket s = new JtcpSocket(new JtcpSocketImpl(stack));
        implAccept(s);
        return s;
    }
}
