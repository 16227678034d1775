package dev.jtcp.sys;

/**
 * Linux errno values (asm-generic/errno-base.h, errno.h). Socket calls return a non-negative result or
 * {@code -errno.code}, as the kernel's syscalls do.
 */
public enum Errno {
    EPERM(1), ENOENT(2), EINTR(4), EIO(5), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14), EBUSY(16), ENODEV(19),
    ENONET(64), EPROTO(71),
    EINVAL(22), EPIPE(32), ENOTSOCK(88), EDESTADDRREQ(89), EMSGSIZE(90), ENOPROTOOPT(92), EOPNOTSUPP(95),
    EAFNOSUPPORT(97), EADDRINUSE(98), EADDRNOTAVAIL(99), ENETUNREACH(101), ECONNABORTED(103),
    ECONNRESET(104), ENOBUFS(105), EISCONN(106), ENOTCONN(107), ETIMEDOUT(110), ECONNREFUSED(111),
    EHOSTDOWN(112), EHOSTUNREACH(113), EALREADY(114), EINPROGRESS(115);

    private static final Errno[] BY_CODE = new Errno[128];

    static {
        for (Errno e : values()) {
            BY_CODE[e.code] = e;
        }
    }

    public final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The negative return value a syscall gives for this error. */
    public int neg() {
        return -code;
    }

    /** The errno for a code, or null. */
    public static Errno of(int code) {
        int c = Math.abs(code);
        return c < BY_CODE.length ? BY_CODE[c] : null;
    }

    /** "5" for a non-negative result, the errno name for a negative one. */
    public static String describe(long result) {
        if (result >= 0) {
            return Long.toString(result);
        }
        Errno e = result >= -Integer.MAX_VALUE ? of((int) -result) : null;
        return e != null ? e.name() : "E" + (-result);
    }
}
