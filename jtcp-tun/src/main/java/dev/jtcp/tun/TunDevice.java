package dev.jtcp.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device (layer 3: each read is one IP packet, each write sends one), opened through
 * {@code /dev/net/tun} with TUNSETIFF(IFF_TUN | IFF_NO_PI) by Foreign Function and Memory downcalls.
 * The device exists while this object is open (it is not made persistent): {@link #close()} removes it.
 * Reads are non-blocking; {@link #await} waits for a packet or a {@link Waker}.
 */
public final class TunDevice implements AutoCloseable {
    /** _IOW('T', 202, int) from linux/if_tun.h. */
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    /** IFNAMSIZ: 15 characters and the terminating NUL. */
    public static final int IFNAMSIZ = 16;
    private static final int ENOENT = 2;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;
    private static final int ENODEV = 19;
    private static final int EIO = 5;

    /** Largest packet a read can return (the IPv4 maximum). */
    public static final int MAX_PACKET = 65535;

    private final String name;
    private final int fd;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment rxBuf;
    private final MemorySegment txBuf;
    private final MemorySegment pollFds;
    private final Libc.Result rxErr;
    private final Libc.Result txErr;
    private final Object txLock = new Object();
    private volatile boolean closed;

    private TunDevice(String name, int fd) {
        this.name = name;
        this.fd = fd;
        this.rxBuf = arena.allocate(MAX_PACKET);
        this.txBuf = arena.allocate(MAX_PACKET);
        this.pollFds = arena.allocate(16, 8);
        this.rxErr = new Libc.Result(arena);
        this.txErr = new Libc.Result(arena);
    }

    /**
     * Opens (creating it if missing) the TUN device {@code name}. Errors name the cause and the fix:
     * no /dev/net/tun, no permission (CAP_NET_ADMIN), the name taken by another process or by a
     * device that is not a TUN device.
     */
    public static TunDevice open(String name) throws TunException {
        validateName(name);
        try (Arena tmp = Arena.ofConfined()) {
            Libc.Result r = new Libc.Result(tmp);
            int fd = Libc.open(r, tmp.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw switch (r.errno) {
                    case ENOENT, ENODEV -> new TunException("cannot open /dev/net/tun: " + Libc.strerror(r.errno)
                            + "; load the tun module (modprobe tun), or in a container pass the device (--device /dev/net/tun)", r.errno);
                    case EACCES, EPERM -> new TunException("cannot open /dev/net/tun: " + Libc.strerror(r.errno)
                            + "; run as root or give this user access to /dev/net/tun and CAP_NET_ADMIN", r.errno);
                    default -> new TunException("cannot open /dev/net/tun: " + Libc.strerror(r.errno), r.errno);
                };
            }
            // struct ifreq: char ifr_name[IFNAMSIZ]; then the union, whose ifr_flags is a short.
            MemorySegment ifr = tmp.allocate(40, 8);
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI));
            if (Libc.ioctl(r, fd, TUNSETIFF, ifr) < 0) {
                int e = r.errno;
                Libc.close(r, fd);
                throw switch (e) {
                    case EPERM, EACCES -> new TunException("cannot create TUN device " + name + ": " + Libc.strerror(e)
                            + "; creating a device needs CAP_NET_ADMIN: run as root, or create it beforehand with"
                            + " 'ip tuntap add " + name + " mode tun user $USER'", e);
                    case EBUSY -> new TunException("TUN device " + name + " is in use by another process ("
                            + Libc.strerror(e) + "); choose another --dev or stop that process", e);
                    case EINVAL -> new TunException("device " + name + " exists and is not a TUN device ("
                            + Libc.strerror(e) + "); choose another --dev or remove it with 'ip link del " + name + "'", e);
                    default -> new TunException("cannot create TUN device " + name + ": " + Libc.strerror(e), e);
                };
            }
            String actual = ifr.getString(0, StandardCharsets.US_ASCII);
            return new TunDevice(actual, fd);
        }
    }

    private static void validateName(String name) throws TunException {
        if (name == null || name.isEmpty() || name.length() >= IFNAMSIZ || name.equals(".") || name.equals("..")) {
            throw new TunException("bad device name '" + name + "': 1 to 15 characters expected");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new TunException("bad device name '" + name + "': letters, digits, '-', '_', '.' expected");
            }
        }
    }

    public String name() {
        return name;
    }

    /**
     * Reads one packet into buf: its length, or 0 when none is waiting. Throws when the device has
     * failed (for example it was deleted).
     */
    public int read(byte[] buf) throws TunException {
        while (true) {
            long n = Libc.read(rxErr, fd, rxBuf, Math.min(buf.length, MAX_PACKET));
            if (n >= 0) {
                MemorySegment.copy(rxBuf, ValueLayout.JAVA_BYTE, 0, buf, 0, (int) n);
                return (int) n;
            }
            if (rxErr.errno == Libc.EAGAIN) {
                return 0;
            }
            if (rxErr.errno != Libc.EINTR) {
                throw new TunException("reading TUN device " + name + " failed: " + Libc.strerror(rxErr.errno)
                        + (closed ? "" : "; the device was probably removed"), rxErr.errno);
            }
        }
    }

    /**
     * Sends one packet. Returns false when the kernel dropped it (its queue is full, or the link is set
     * down: lost as on a busy or cut link, TCP recovers or times out); throws when the device has failed.
     */
    public boolean write(byte[] packet, int off, int len) throws TunException {
        synchronized (txLock) {
            MemorySegment.copy(packet, off, txBuf, ValueLayout.JAVA_BYTE, 0, len);
            while (true) {
                long n = Libc.write(txErr, fd, txBuf, len);
                if (n >= 0) {
                    return true;
                }
                if (txErr.errno == Libc.EAGAIN || txErr.errno == EIO) {
                    return false;   // queue full, or the link is down (tun_get_user: EIO): the packet is lost
                }
                if (txErr.errno != Libc.EINTR) {
                    throw new TunException("writing TUN device " + name + " failed: " + Libc.strerror(txErr.errno), txErr.errno);
                }
            }
        }
    }

    /**
     * Waits up to timeoutMs (-1: no limit) until a packet can be read or the waker is signalled.
     * Returns true when the device is readable (or has failed: the next read says how).
     */
    public boolean await(Waker waker, int timeoutMs) throws TunException {
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        pollFds.set(ValueLayout.JAVA_INT, 8, waker.fd());
        pollFds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
        pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
        int n = Libc.poll(rxErr, pollFds, 2, timeoutMs);
        if (n < 0) {
            if (rxErr.errno == Libc.EINTR) {
                return false;
            }
            throw new TunException("poll on TUN device " + name + " failed: " + Libc.strerror(rxErr.errno), rxErr.errno);
        }
        if (pollFds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
            waker.drain();
        }
        return pollFds.get(ValueLayout.JAVA_SHORT, 6) != 0;
    }

    /** Closes the descriptor; the kernel removes the (non-persistent) device. */
    @Override
    public void close() {
        synchronized (txLock) {
            if (closed) {
                return;
            }
            closed = true;
            Libc.close(txErr, fd);
        }
    }
}
