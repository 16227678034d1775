package dev.jtcp.tun;

import dev.jtcp.sys.Errno;
import dev.jtcp.wire.TcpHeader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A Linux TUN device (layer 3: each read is one IP packet, each write sends one), opened through
 * {@code /dev/net/tun} with TUNSETIFF(IFF_TUN | IFF_NO_PI) by Foreign Function and Memory downcalls.
 * The device exists while this object is open (it is not made persistent): {@link #close()} removes it.
 * Reads are non-blocking; {@link #await} waits for a packet or a {@link Waker}.
 *
 * <p>With offloads ({@link #open(String, boolean)}), the device is opened with IFF_VNET_HDR and
 * TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4): every packet in either direction is preceded by a 10-byte
 * {@code struct virtio_net_hdr} (little-endian, as tun uses on little-endian hosts), the kernel hands over
 * TSO packets of up to 64 KiB and leaves the TCP checksums of its own packets partial
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM), and takes the same from us: it segments and checksums on our behalf.
 */
public final class TunDevice implements AutoCloseable {
    /** _IOW('T', 202, int) from linux/if_tun.h. */
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final short IFF_VNET_HDR = 0x4000;
    /** _IOW('T', 208, unsigned int): the offloads user space handles; the argument is passed by value. */
    private static final long TUNSETOFFLOAD = 0x400454d0L;
    /** _IOW('T', 216, int). */
    private static final long TUNSETVNETHDRSZ = 0x400454d8L;
    private static final int TUN_F_CSUM = 0x01;
    private static final int TUN_F_TSO4 = 0x02;
    /** sizeof(struct virtio_net_hdr): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset. */
    public static final int VNET_HDR_LEN = 10;
    private static final byte VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    private static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;
    private static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    /** IFNAMSIZ: 15 characters and the terminating NUL. */
    public static final int IFNAMSIZ = 16;

    /** Largest packet a read can return (the IPv4 maximum). */
    public static final int MAX_PACKET = 65535;
    /** A read buffer's size: the largest packet and the virtio_net_hdr before it. */
    public static final int READ_BUFFER = MAX_PACKET + VNET_HDR_LEN;

    private final String name;
    private final int fd;
    private final boolean offload;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment txBuf;
    private final MemorySegment pollFds;
    private final Libc.Result rxErr;
    private final Libc.Result txErr;
    private final Object txLock = new Object();
    private final byte[] txHeader = new byte[VNET_HDR_LEN];
    /** The last array written from, and a segment over it (txLock). */
    private byte[] txArray;
    private MemorySegment txArrayView;
    private volatile boolean closed;
    /** The waker whose descriptor pollFds holds (-1: none yet); only the thread that awaits touches pollFds. */
    private int pollWakerFd = -1;

    private TunDevice(String name, int fd, boolean offload) {
        this.name = name;
        this.fd = fd;
        this.offload = offload;
        this.txBuf = arena.allocate(READ_BUFFER);
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
        return open(name, false);
    }

    /**
     * As {@link #open(String)}; with offload, IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4).
     * A kernel that refuses them gives a TunException naming the refusal ({@link TunException#offloadRefused}).
     */
    public static TunDevice open(String name, boolean offload) throws TunException {
        validateName(name);
        try (Arena tmp = Arena.ofConfined()) {
            Libc.Result r = new Libc.Result(tmp);
            int fd = Libc.open(r, tmp.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw switch (Errno.of(r.errno)) {
                    case ENOENT, ENODEV -> new TunException("cannot open /dev/net/tun: " + Libc.strerror(r.errno)
                            + "; load the tun module (modprobe tun), or in a container pass the device (--device /dev/net/tun)", r.errno);
                    case EACCES, EPERM -> new TunException("cannot open /dev/net/tun: " + Libc.strerror(r.errno)
                            + "; run as root or give this user access to /dev/net/tun and CAP_NET_ADMIN", r.errno);
                    case null, default -> new TunException("cannot open /dev/net/tun: " + Libc.strerror(r.errno), r.errno);
                };
            }
            // struct ifreq: char ifr_name[IFNAMSIZ]; then the union, whose ifr_flags is a short.
            MemorySegment ifr = tmp.allocate(40, 8);
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(n, 0, ifr, ValueLayout.JAVA_BYTE, 0, n.length);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0)));
            if (Libc.ioctl(r, fd, TUNSETIFF, ifr) < 0) {
                int e = r.errno;
                Libc.close(r, fd);
                throw switch (Errno.of(e)) {
                    case EPERM, EACCES -> new TunException("cannot create TUN device " + name + ": " + Libc.strerror(e)
                            + "; creating a device needs CAP_NET_ADMIN: run as root, or create it beforehand with"
                            + " 'ip tuntap add " + name + " mode tun user $USER'", e);
                    case EBUSY -> new TunException("TUN device " + name + " is in use by another process ("
                            + Libc.strerror(e) + "); choose another --dev or stop that process", e);
                    case EINVAL -> new TunException("device " + name + " exists and is not a TUN device ("
                            + Libc.strerror(e) + "); choose another --dev or remove it with 'ip link del " + name + "'", e);
                    case null, default -> new TunException("cannot create TUN device " + name + ": " + Libc.strerror(e), e);
                };
            }
            String actual = ifr.getString(0, StandardCharsets.US_ASCII);
            if (offload) {
                MemorySegment size = tmp.allocate(ValueLayout.JAVA_INT);
                size.set(ValueLayout.JAVA_INT, 0, VNET_HDR_LEN);
                String step = "TUNSETVNETHDRSZ";
                int rc = Libc.ioctl(r, fd, TUNSETVNETHDRSZ, size);
                if (rc == 0) {
                    step = "TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4)";
                    rc = Libc.ioctl(r, fd, TUNSETOFFLOAD, MemorySegment.ofAddress(TUN_F_CSUM | TUN_F_TSO4));
                }
                if (rc < 0) {
                    int e = r.errno;
                    Libc.close(r, fd);
                    throw new TunException("the kernel refused offloads on TUN device " + actual + ": " + step + " failed: "
                            + Libc.strerror(e) + "; run without them (--no-offload)", e, true);
                }
            }
            return new TunDevice(actual, fd, offload);
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

    /** True when the device was opened with offloads (IFF_VNET_HDR, TUN_F_CSUM, TUN_F_TSO4). */
    public boolean offload() {
        return offload;
    }

    /** Where a packet starts in a read buffer: after the virtio_net_hdr with offloads, else at 0. */
    public int packetOffset() {
        return offload ? VNET_HDR_LEN : 0;
    }

    /**
     * Whether the packet just read into buf has a checksum the kernel vouches for: VIRTIO_NET_HDR_F_NEEDS_CSUM
     * (the kernel's own packet, CHECKSUM_PARTIAL: its TCP checksum field holds only the pseudo-header sum) or
     * VIRTIO_NET_HDR_F_DATA_VALID (CHECKSUM_UNNECESSARY). Never without offloads.
     */
    public boolean checksumValid(byte[] buf) {
        return offload && (buf[0] & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID)) != 0;
    }

    /** Whether the packet just read into buf has a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM). */
    public boolean checksumPartial(byte[] buf) {
        return offload && (buf[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0;
    }

    /**
     * Reads one packet into the byte[] under heapBuf (MemorySegment.ofArray, kept by the caller from read to
     * read: no view is made per packet), at {@link #packetOffset()}: its length, or 0 when none is waiting.
     * A read takes at most {@link #READ_BUFFER} bytes, or what the array holds when that is less: a packet longer
     * than the array arrives cut (the kernel may report its whole length: clamp to the array). The kernel writes
     * straight into the array (no native copy).
     * Throws when the device has failed (for example it was deleted).
     */
    public int read(MemorySegment heapBuf) throws TunException {
        int hdr = packetOffset();
        while (true) {
            long n = Libc.readHeap(rxErr, fd, heapBuf, Math.min(heapBuf.byteSize(), READ_BUFFER));
            if (n >= 0) {
                return (int) Math.max(0, n - hdr);
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
            if (!offload) {
                return send(heapView(packet, off, len), len, true);
            }
            // No offload asked for this packet: flags 0, GSO_NONE (the checksum is complete).
            txBuf.asSlice(0, VNET_HDR_LEN).fill((byte) 0);
            MemorySegment.copy(packet, off, txBuf, ValueLayout.JAVA_BYTE, VNET_HDR_LEN, len);
            return send(txBuf, VNET_HDR_LEN + len, false);
        }
    }

    /**
     * Sends one IPv4/TCP packet whose TCP checksum field holds the pseudo-header sum (CHECKSUM_PARTIAL), for
     * the kernel to complete (VIRTIO_NET_HDR_F_NEEDS_CSUM, csum_start at the TCP header, csum_offset 16);
     * gsoSize &gt; 0 makes it a TSO packet (VIRTIO_NET_HDR_GSO_TCPV4) of segments of gsoSize payload bytes,
     * which the kernel takes whole as a GRO packet or segments when it forwards it. Only with offloads.
     * With {@link #VNET_HDR_LEN} bytes free before off, the header is written there and the array goes to the
     * kernel as it is; otherwise both are copied to native memory first. Returns false when the kernel dropped
     * it, as {@link #write}.
     */
    public boolean writeOffload(byte[] packet, int off, int len, int gsoSize) throws TunException {
        if (!offload) {
            throw new IllegalStateException("TUN device " + name + " was opened without offloads");
        }
        int ipHeader = (packet[off] & 0x0f) * 4;
        int tcpHeader = ((packet[off + ipHeader + 12] >>> 4) & 0x0f) * 4;
        synchronized (txLock) {
            if (off >= VNET_HDR_LEN) {
                // The stack left headroom (dev->needed_headroom): the header goes in front, one write from the array.
                vnetHeader(packet, off - VNET_HDR_LEN, ipHeader, tcpHeader, gsoSize);
                return send(heapView(packet, off - VNET_HDR_LEN, VNET_HDR_LEN + len), VNET_HDR_LEN + len, true);
            }
            byte[] hdr = txHeader;
            vnetHeader(hdr, 0, ipHeader, tcpHeader, gsoSize);
            MemorySegment.copy(hdr, 0, txBuf, ValueLayout.JAVA_BYTE, 0, VNET_HDR_LEN);
            MemorySegment.copy(packet, off, txBuf, ValueLayout.JAVA_BYTE, VNET_HDR_LEN, len);
            return send(txBuf, VNET_HDR_LEN + len, false);
        }
    }

    /**
     * A segment over packet[off, off + len) for a write (txLock held). A sender that reuses one array (the
     * stack's offload buffer, the ceiling's packet) gets the same view back: no allocation per packet.
     */
    private MemorySegment heapView(byte[] packet, int off, int len) {
        if (packet != txArray) {
            txArray = packet;
            txArrayView = MemorySegment.ofArray(packet);
        }
        return off == 0 ? txArrayView : txArrayView.asSlice(off, len);
    }

    /** struct virtio_net_hdr for a CHECKSUM_PARTIAL IPv4/TCP packet (a TSO packet when gsoSize &gt; 0), little-endian. */
    private static void vnetHeader(byte[] b, int at, int ipHeader, int tcpHeader, int gsoSize) {
        b[at] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        b[at + 1] = (byte) (gsoSize > 0 ? VIRTIO_NET_HDR_GSO_TCPV4 : 0);
        putLe16(b, at + 2, ipHeader + tcpHeader);   // hdr_len
        putLe16(b, at + 4, gsoSize);
        putLe16(b, at + 6, ipHeader);               // csum_start
        putLe16(b, at + 8, TcpHeader.CHECKSUM_OFFSET);       // csum_offset
    }

    private static void putLe16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    /** One write(2) of len bytes of buf (txLock held). */
    private boolean send(MemorySegment buf, int len, boolean heap) throws TunException {
        while (true) {
            long n = heap ? Libc.writeHeap(txErr, fd, buf, len) : Libc.write(txErr, fd, buf, len);
            if (n >= 0) {
                return true;
            }
            if (txErr.errno == Libc.EAGAIN || txErr.errno == Errno.EIO.code) {
                return false;   // queue full, or the link is down (tun_get_user: EIO): the packet is lost
            }
            if (txErr.errno != Libc.EINTR) {
                throw new TunException("writing TUN device " + name + " failed: " + Libc.strerror(txErr.errno), txErr.errno);
            }
        }
    }

    /**
     * Waits up to timeoutMs (-1: no limit) until a packet can be read or the waker is signalled.
     * Returns true when the device is readable (or has failed: the next read says how).
     */
    public boolean await(Waker waker, int timeoutMs) throws TunException {
        // struct pollfd[2]: {fd, events, revents} of the device and the waker; poll() only writes revents, so the
        // rest is written once per waker.
        if (waker.fd() != pollWakerFd) {
            pollFds.set(ValueLayout.JAVA_INT, 0, fd);
            pollFds.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
            pollFds.set(ValueLayout.JAVA_INT, 8, waker.fd());
            pollFds.set(ValueLayout.JAVA_SHORT, 12, Libc.POLLIN);
            pollWakerFd = waker.fd();
        }
        pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
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
