package dev.jtcp.tun;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A java.net.Socket whose TCP is jtcp on a {@link TunStack}: code that takes a Socket (streams,
 * setSoTimeout, shutdownOutput, close, the usual exceptions) runs on it unchanged. Any number of
 * threads (virtual threads included) may use sockets of one stack at once.
 */
public class JtcpSocket extends Socket {
    /** An unconnected socket on the stack; connect() it as any Socket. */
    public JtcpSocket(TunStack stack) throws IOException {
        super(new JtcpSocketImpl(stack));
    }

    /** A socket connected to host:port (a blocking connect, TCP's own timeout). */
    public JtcpSocket(TunStack stack, String host, int port) throws IOException {
        this(stack);
        connect(new InetSocketAddress(host, port));
    }

    JtcpSocket(JtcpSocketImpl impl) throws IOException {
        super(impl);
    }
}
