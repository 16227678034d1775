package dev.jtcp.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls a TUN device needs, as Foreign Function and Memory downcalls (no JNI, no native
 * library shipped). Each call returns the C result; on -1 the thread's {@code errno} is in
 * {@link Result#errno}. Linux x86-64 / aarch64 constants.
 */
final class Libc {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    static final int EINTR = 4;
    static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CCS = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CCS, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CCS);
    private static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS);
    private static final MethodHandle WRITE = handle("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS);
    /** ioctl(int fd, unsigned long request, ...): the third argument is variadic. */
    /**
     * read/write on a non-blocking descriptor as critical calls with heap access: a byte[] goes to the
     * kernel as it is, without a copy through native memory (Linker.Option.critical: the call is short
     * and never blocks, which O_NONBLOCK guarantees).
     */
    private static final MethodHandle READ_HEAP = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS,
            Linker.Option.critical(true));
    private static final MethodHandle WRITE_HEAP = handle("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG), CCS,
            Linker.Option.critical(true));
    private static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CCS, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = handle("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), CCS);
    private static final MethodHandle EVENTFD = handle("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CCS);
    private static final MethodHandle STRERROR = handle("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Libc() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(sym, fd, options);
    }

    /** A per-thread buffer for the captured errno (each call site owns one). */
    static final class Result {
        private final MemorySegment state;
        int errno;

        Result(Arena arena) {
            this.state = arena.allocate(CAPTURE);
        }

        int capture() {
            errno = (int) ERRNO.get(state, 0L);
            return errno;
        }
    }

    static int open(Result r, MemorySegment path, int flags) {
        try {
            int v = (int) OPEN.invokeExact(r.state, path, flags);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(Result r, int fd) {
        try {
            int v = (int) CLOSE.invokeExact(r.state, fd);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(Result r, int fd, MemorySegment buf, long len) {
        try {
            long v = (long) READ.invokeExact(r.state, fd, buf, len);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(Result r, int fd, MemorySegment buf, long len) {
        try {
            long v = (long) WRITE.invokeExact(r.state, fd, buf, len);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2) into a heap segment (a wrapped byte[]) of a non-blocking descriptor, without a native copy. */
    static long readHeap(Result r, int fd, MemorySegment heap, long len) {
        try {
            long v = (long) READ_HEAP.invokeExact(r.state, fd, heap, len);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) from a heap segment (a wrapped byte[]) to a non-blocking descriptor, without a native copy. */
    static long writeHeap(Result r, int fd, MemorySegment heap, long len) {
        try {
            long v = (long) WRITE_HEAP.invokeExact(r.state, fd, heap, len);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(Result r, int fd, long request, MemorySegment arg) {
        try {
            int v = (int) IOCTL.invokeExact(r.state, fd, request, arg);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** poll(fds, nfds, timeoutMs); fds is an array of struct pollfd {int fd; short events; short revents;}. */
    static int poll(Result r, MemorySegment fds, long nfds, int timeoutMs) {
        try {
            int v = (int) POLL.invokeExact(r.state, fds, nfds, timeoutMs);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(Result r, int initval, int flags) {
        try {
            int v = (int) EVENTFD.invokeExact(r.state, initval, flags);
            if (v < 0) {
                r.capture();
            }
            return v;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** strerror(errno): the C library's text for an error number. */
    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
