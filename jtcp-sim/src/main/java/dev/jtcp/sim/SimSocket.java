package dev.jtcp.sim;

import dev.jtcp.api.TcpSocket;
import dev.jtcp.sys.Errno;
import dev.jtcp.tcp.SockOpt;
import dev.jtcp.tcp.Tcp;
import dev.jtcp.tcp.TcpInfo;
import dev.jtcp.tcp.TcpState;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Ipv4Addr;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A socket as an application inside the simulation uses it: blocking by default (a call that must wait
 * gives control back to the simulator and returns at the virtual instant it completes), with Linux's
 * return values ({@code -errno} on failure). Every call is recorded in the trace when it returns.
 */
public final class SimSocket {
    private final Proc proc;
    private final TcpSocket s;
    private boolean nonBlocking;

    SimSocket(Proc proc, TcpSocket s) {
        this.proc = proc;
        this.s = s;
    }

    /** The non-blocking handle underneath. */
    public TcpSocket handle() {
        return s;
    }

    public int fd() {
        return s.fd();
    }

    public TcpState state() {
        return s.state();
    }

    public Endpoint localEndpoint() {
        return s.localEndpoint();
    }

    public Endpoint remoteEndpoint() {
        return s.remoteEndpoint();
    }

    public TcpInfo info() {
        return s.info();
    }

    /** fcntl(O_NONBLOCK): calls return -EAGAIN / -EINPROGRESS instead of waiting. */
    public void setNonBlocking(boolean on) {
        this.nonBlocking = on;
    }

    private boolean tracing() {
        return proc.stack().tracer().enabled();
    }

    private void trace(String call, String args, long result, String detail) {
        if (!tracing()) {
            return;
        }
        String why = result >= 0 ? call + "() returned " + result : call + "() failed with " + Errno.describe(result);
        proc.stack().traceCall(s.fd(), call, args, result, detail, why);
    }

    // ================================================================ setup

    public int bind(int port) {
        return bind("0.0.0.0", port);
    }

    public int bind(String addr, int port) {
        int r = s.bind(new Endpoint(Ipv4Addr.parse(addr), port));
        trace("bind", addr + ":" + port, r, "");
        return r;
    }

    public int listen(int backlog) {
        int r = s.listen(backlog);
        trace("listen", Integer.toString(backlog), r, "");
        return r;
    }

    /** connect(): blocks until the handshake completes or fails (SYN retries can take minutes). */
    public int connect(String addr, int port) {
        int r = s.connect(new Endpoint(Ipv4Addr.parse(addr), port));
        String args = addr + ":" + port;
        if (r == Errno.EINPROGRESS.neg() && !nonBlocking) {
            proc.await(s, s::connectDone);
            r = s.connectResult();
        }
        trace("connect", args, r, r == 0 ? "local " + s.localEndpoint() : "");
        return r;
    }

    /** accept(): blocks until a connection is established; null on error (the trace shows which). */
    public SimSocket accept() {
        if (!s.isListening()) {
            trace("accept", "", Errno.EINVAL.neg(), "");
            return null;
        }
        TcpSocket c = s.accept();
        if (c == null && !nonBlocking) {
            proc.await(s, () -> s.readable() || !s.isListening());
            c = s.accept();
        }
        if (c == null) {
            trace("accept", "", s.isListening() ? Errno.EAGAIN.neg() : Errno.EINVAL.neg(), "");
            return null;
        }
        trace("accept", "", c.fd(), "peer " + c.remoteEndpoint());
        return proc.wrap(c);
    }

    // ================================================================ data

    public int write(String text) {
        return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** write(): blocks until every byte is in the send buffer (or an error); returns the count or -errno. */
    public int write(byte[] data) {
        return writeImpl(data, false, "write");
    }

    /** send(MSG_OOB): the last byte is urgent data. */
    public int writeUrgent(String text) {
        return writeImpl(text.getBytes(StandardCharsets.ISO_8859_1), true, "send");
    }

    /**
     * sendto(MSG_FASTOPEN) (RFC 7413): connects with as much of data in the SYN as a cached cookie allows
     * (none at first: the SYN asks for a cookie); blocks until connected, then writes the rest. Returns the
     * bytes written or -errno.
     */
    public int sendFastOpen(String addr, int port, byte[] data) {
        int r = s.sendFastOpen(new Endpoint(Ipv4Addr.parse(addr), port), data, 0, data.length, !nonBlocking);
        if (!nonBlocking && (r >= 0 || r == Errno.EINPROGRESS.neg())) {
            int inSyn = Math.max(r, 0);
            proc.await(s, s::connectDone);
            r = s.connectResult();
            if (r == 0) {
                r = inSyn;
                while (r < data.length) {
                    int w = s.write(data, r, data.length - r);
                    if (w == Errno.EAGAIN.neg()) {
                        proc.await(s, s::writable);
                        continue;
                    }
                    if (w < 0) {
                        break;
                    }
                    r += w;
                }
            }
        }
        trace("sendto", addr + ":" + port + ", " + data.length + " bytes, MSG_FASTOPEN", r, "");
        return r;
    }

    private int writeImpl(byte[] data, boolean oob, String call) {
        int done = 0;
        int r = 0;
        while (done < data.length) {
            r = oob ? s.writeUrgent(data, done, data.length - done) : s.write(data, done, data.length - done);
            if (r > 0) {
                done += r;
                continue;
            }
            if (r == Errno.EAGAIN.neg() && !nonBlocking) {
                proc.await(s, s::writeReady);   // sk_stream_wait_memory(): woken by sk_stream_write_space()
                continue;
            }
            break;
        }
        int result = done > 0 ? done : (data.length == 0 ? 0 : r);
        if (tracing()) {
            trace(call, data.length + " bytes" + (oob ? ", MSG_OOB" : ""), result, "");
        }
        return result;
    }

    /** read(): blocks until data, end of stream or an error. */
    public ReadResult read(int max) {
        return recv(max, 0);
    }

    /** recv() with {@link Tcp#MSG_OOB} or {@link Tcp#MSG_PEEK}. */
    public ReadResult recv(int max, int flags) {
        byte[] buf = new byte[Math.max(0, max)];
        int r = s.recv(buf, 0, buf.length, flags);
        if (r == Errno.EAGAIN.neg() && !nonBlocking) {
            if ((flags & Tcp.MSG_OOB) != 0) {
                proc.await(s, () -> s.urgentPending() || s.state() == TcpState.CLOSE);
            } else {
                proc.await(s, s::readable);
            }
            r = s.recv(buf, 0, buf.length, flags);
        }
        byte[] data = r > 0 ? Arrays.copyOf(buf, r) : new byte[0];
        if (tracing()) {
            String args = max + ((flags & Tcp.MSG_OOB) != 0 ? ", MSG_OOB" : "") + ((flags & Tcp.MSG_PEEK) != 0 ? ", MSG_PEEK" : "");
            trace((flags & ~Tcp.MSG_DONTWAIT) != 0 ? "recv" : "read", args, r, r > 0 ? quote(data) : (r == 0 ? "end of stream" : ""));
        }
        return new ReadResult(r, data);
    }

    /**
     * read() into the caller's buffer, without copying or allocating: blocks until data, end of stream or
     * an error; returns the count, 0 at end of stream, or -errno.
     */
    public int read(byte[] buf, int off, int len) {
        int r = s.recv(buf, off, len, 0);
        if (r == Errno.EAGAIN.neg() && !nonBlocking) {
            proc.await(s, s::readable);
            r = s.recv(buf, off, len, 0);
        }
        if (tracing()) {
            trace("read", Integer.toString(len), r,
                    r > 0 ? quote(Arrays.copyOfRange(buf, off, off + r)) : (r == 0 ? "end of stream" : ""));
        }
        return r;
    }

    /** Reads until end of stream or an error; returns everything read. */
    public byte[] readToEnd(int chunk) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[Math.max(0, chunk)];
        int r;
        while ((r = read(buf, 0, buf.length)) > 0) {
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    private static String quote(byte[] data) {
        StringBuilder sb = new StringBuilder(data.length + 2).append('"');
        int n = Math.min(data.length, 40);
        for (int i = 0; i < n; i++) {
            int c = data[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        if (data.length > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    // ================================================================ teardown and options

    /** shutdown(): {@link Tcp#SHUT_RD}, {@link Tcp#SHUT_WR}, {@link Tcp#SHUT_RDWR}. */
    public int shutdown(int how) {
        int r = s.shutdown(how);
        trace("shutdown", how == Tcp.SHUT_RD ? "SHUT_RD" : how == Tcp.SHUT_WR ? "SHUT_WR" : "SHUT_RDWR", r, "");
        return r;
    }

    /** close(): returns at once (a lingering close with a timeout is not modelled: Linux's default). */
    public int close() {
        int r = s.close();
        trace("close", "", r, "");
        return r;
    }

    public int setsockopt(SockOpt opt, int... values) {
        int r = s.setOption(opt, values);
        StringBuilder args = new StringBuilder(opt.level).append(", ").append(opt.name());
        for (int v : values) {
            args.append(", ").append(v);
        }
        trace("setsockopt", args.toString(), r, "");
        return r;
    }

    public int getsockopt(SockOpt opt) {
        int r = s.getOption(opt);
        trace("getsockopt", opt.level + ", " + opt.name(), r, "");
        return r;
    }

    @Override
    public String toString() {
        return s.toString();
    }
}
