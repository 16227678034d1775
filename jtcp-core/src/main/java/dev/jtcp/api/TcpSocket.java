package dev.jtcp.api;

import dev.jtcp.stack.NetStack;
import dev.jtcp.tcp.ErrQueueEntry;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.tcp.TcpInfo;
import dev.jtcp.tcp.TcpSock;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.wire.Endpoint;

/**
 * An application's handle on a TCP socket, non-blocking, with Linux's results: every call returns a
 * non-negative value or {@code -errno} (see {@link dev.jtcp.sys.Errno}). Calls act at the stack's current
 * time, so a driver advances the stack's clock before running application code. Blocking wrappers
 * (the simulator's processes, the real-time runtime) wait on {@link #readable()} / {@link #writable()}
 * / {@link #connectDone()}.
 */
public final class TcpSocket {
    private final NetStack stack;
    private final TcpSock sk;

    private TcpSocket(NetStack stack, TcpSock sk) {
        this.stack = stack;
        this.sk = sk;
    }

    /** socket(AF_INET, SOCK_STREAM, 0) on this stack: a new, unconnected socket. */
    public static TcpSocket open(NetStack stack) {
        return new TcpSocket(stack, stack.tcp().socket());
    }

    private Tcp tcp() {
        return stack.tcp();
    }

    /** The stack's trace entries of this call are complete once it returns. */
    private int done(int result) {
        stack.tcp().flushTrace();
        return result;
    }

    public NetStack stack() {
        return stack;
    }

    /** The socket object inside the stack. */
    public TcpSock sock() {
        return sk;
    }

    /** The descriptor number an application would see (3 and up, per host). */
    public int fd() {
        return sk.id();
    }

    public TcpState state() {
        return sk.state();
    }

    public Endpoint localEndpoint() {
        return new Endpoint(sk.localAddr(), sk.localPort());
    }

    public Endpoint remoteEndpoint() {
        return new Endpoint(sk.remoteAddr(), sk.remotePort());
    }

    public int bind(Endpoint local) {
        return done(tcp().bind(sk, local.addr(), local.port()));
    }

    public int listen(int backlog) {
        return done(tcp().listen(sk, backlog));
    }

    /** Starts connecting: -EINPROGRESS once the SYN is out, or an immediate error. */
    public int connect(Endpoint remote) {
        return done(tcp().connect(sk, remote.addr(), remote.port()));
    }

    /**
     * sendto(MSG_FASTOPEN) to remote, or the first write after a connect() deferred by TCP_FASTOPEN_CONNECT
     * (remote unused): connects with as much data in the SYN as fits. Returns the bytes in the SYN,
     * -EINPROGRESS when none went, or -errno. A blocking caller passes {@code waitsForConnect}, then waits
     * for {@link #connectDone()} and writes the rest.
     */
    public int sendFastOpen(Endpoint remote, byte[] data, int off, int len, boolean waitsForConnect) {
        return sendFastOpen(remote, data, off, len, waitsForConnect, 0);
    }

    /** As {@link #sendFastOpen(Endpoint, byte[], int, int, boolean)} with the call's flags (MSG_ZEROCOPY). */
    public int sendFastOpen(Endpoint remote, byte[] data, int off, int len, boolean waitsForConnect, int flags) {
        return done(tcp().sendFastOpen(sk, remote == null ? 0 : remote.addr(), remote == null ? 0 : remote.port(),
                data, off, len, waitsForConnect, flags));
    }

    /** True while connect() is deferred to the first write (TCP_FASTOPEN_CONNECT with a cookie). */
    public boolean connectDeferred() {
        return tcp().connectDeferred(sk);
    }

    /** True once a connect() has succeeded or failed. */
    public boolean connectDone() {
        return tcp().connectDone(sk);
    }

    /** What a blocking connect() returns once {@link #connectDone()}: 0 or -errno. */
    public int connectResult() {
        return tcp().connectResult(sk);
    }

    public boolean isListening() {
        return sk.state() == TcpState.LISTEN;
    }

    /** The next established connection, or null when none is waiting (EAGAIN) or this is not a listener. */
    public TcpSocket accept() {
        int[] err = new int[1];
        TcpSock child = tcp().accept(sk, err);
        return child == null ? null : new TcpSocket(stack, child);
    }

    /** Connections waiting in the accept queue. */
    public int acceptQueueLength() {
        return tcp().acceptQueueLength(sk);
    }

    /** Copies up to len bytes into the send buffer: the count accepted, -EAGAIN when full, or -errno. */
    public int write(byte[] data, int off, int len) {
        return done(tcp().send(sk, data, off, len, false));
    }

    /**
     * send() with flags: {@link Tcp#MSG_OOB} (the last byte becomes urgent data), {@link Tcp#MSG_MORE} (more
     * follows: no PSH, a partial segment waits), {@link Tcp#MSG_EOR} (a record ends: nothing joins it).
     */
    public int send(byte[] data, int off, int len, int flags) {
        return done(tcp().send(sk, data, off, len, flags));
    }

    /**
     * sendmsg() of an iovec whose bytes lie one after another in data from off: the count accepted or
     * -errno. {@link Tcp#MSG_ZEROCOPY} (with SO_ZEROCOPY set) reports its completion on the error queue
     * ({@link #recvErrQueue()}); {@link Tcp#MSG_SPLICE_PAGES} adds each iovec as a page (splice()).
     * callContinues: a blocking caller that will send the rest in the same call after waiting.
     */
    public int sendmsg(byte[] data, int off, int[] iov, int flags, boolean callContinues) {
        return done(tcp().sendmsg(sk, data, off, iov, flags, callContinues));
    }

    /** recvmsg(MSG_ERRQUEUE): the oldest error-queue entry, or null when the queue is empty (EAGAIN). */
    public ErrQueueEntry recvErrQueue() {
        return tcp().recvErrQueue(sk);
    }

    /** poll()'s POLLERR: a pending error (SO_ERROR) or an entry on the error queue. */
    public boolean pollError() {
        return tcp().pollError(sk);
    }

    /** sk_shutdown: {@code Tcp.RCV_SHUTDOWN} and {@code Tcp.SEND_SHUTDOWN} bits (both once the connection is done). */
    public int shutdownMask() {
        return tcp().shutdownMask(sk);
    }

    /**
     * splice() from this socket: up to len bytes into buf, stopping at the urgent mark; 0 at end of stream
     * or (blocking) at the urgent mark, -EAGAIN when a blocking caller must wait or a non-blocking one
     * finds nothing, or -errno.
     */
    public int spliceRead(byte[] buf, int off, int len, boolean nonblock) {
        return done(tcp().spliceRead(sk, buf, off, len, nonblock));
    }

    /** send(MSG_OOB): the last byte becomes urgent data. */
    public int writeUrgent(byte[] data, int off, int len) {
        return done(tcp().send(sk, data, off, len, true));
    }

    /** Reads up to len bytes: the count, 0 at end of stream, -EAGAIN when nothing is there, or -errno. */
    public int read(byte[] buf, int off, int len) {
        return done(tcp().recv(sk, buf, off, len, 0));
    }

    /** recv() with flags ({@link Tcp#MSG_OOB}, {@link Tcp#MSG_PEEK}). */
    public int recv(byte[] buf, int off, int len, int flags) {
        return done(tcp().recv(sk, buf, off, len, flags));
    }

    public int shutdown(int how) {
        return done(tcp().shutdown(sk, how));
    }

    public int close() {
        return done(tcp().close(sk));
    }

    public int setOption(SockOpt opt, int... values) {
        return done(tcp().setOption(sk, opt, values));
    }

    public int getOption(SockOpt opt) {
        return tcp().getOption(sk, opt);
    }

    /** setsockopt(TCP_CONGESTION, name): 0, or -ENOENT for an unknown algorithm. */
    public int setCongestion(String name) {
        return done(tcp().setCongestion(sk, name));
    }

    /** getsockopt(TCP_CONGESTION): "cubic" or "reno". */
    public String congestion() {
        return tcp().congestion(sk);
    }

    /** ioctl(SIOCINQ): in-order bytes not read yet (a received FIN not counted), or -EINVAL on a listener. */
    public int inq() {
        return tcp().inq(sk);
    }

    /** After a read under TCP_INQ: the TCP_CM_INQ value recvmsg() reports, or -1 when TCP_INQ is off. */
    public int inqHint() {
        return tcp().inqHint(sk);
    }

    /** A blocking read would return at once. */
    public boolean readable() {
        return tcp().readable(sk);
    }

    /** A blocking write would make progress or fail at once. */
    public boolean writable() {
        return tcp().writable(sk);
    }

    /** What poll() reports as POLLOUT: writable with at least half the queued amount free (Linux's wake-up rule). */
    public boolean writeReady() {
        return tcp().writeReady(sk);
    }

    /** An urgent byte waits to be read with MSG_OOB. */
    public boolean urgentPending() {
        return tcp().urgentPending(sk);
    }

    /** TCP_INFO. */
    public TcpInfo info() {
        return tcp().info(sk);
    }

    @Override
    public String toString() {
        return "fd " + fd() + " " + sk.conn() + " " + state();
    }
}
