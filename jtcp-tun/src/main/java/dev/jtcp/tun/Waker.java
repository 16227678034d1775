package dev.jtcp.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** An eventfd that wakes the driver's poll() from another thread (a new deadline, a stop request). */
public final class Waker implements AutoCloseable {
    private final Arena arena = Arena.ofAuto();
    private final int fd;
    private final MemorySegment one;
    private final MemorySegment sink;
    private final Libc.Result signalErr;
    private final Libc.Result drainErr;

    public Waker() throws TunException {
        this.signalErr = new Libc.Result(arena);
        this.drainErr = new Libc.Result(arena);
        this.fd = Libc.eventfd(signalErr, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (fd < 0) {
            throw new TunException("eventfd failed: " + Libc.strerror(signalErr.errno), signalErr.errno);
        }
        this.one = arena.allocate(8, 8);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        this.sink = arena.allocate(8, 8);
    }

    int fd() {
        return fd;
    }

    /** Makes the next (or current) wait return. */
    public synchronized void signal() {
        Libc.write(signalErr, fd, one, 8);
    }

    void drain() {
        Libc.read(drainErr, fd, sink, 8);
    }

    @Override
    public synchronized void close() {
        Libc.close(signalErr, fd);
    }
}
