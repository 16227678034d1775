package dev.jtcp.cli;

import dev.jtcp.sys.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The congestion control of the kernel's own sockets in a benchmark (setsockopt TCP_CONGESTION, through Foreign
 * Function and Memory: the JDK has no option for it). A reference transfer must run the algorithm jtcp runs: a host
 * whose default is another (bbr here, whose internal pacing holds loopback to half of what cubic moves) would
 * otherwise decide the ratio.
 */
final class KernelCongestion {
    /** IPPROTO_TCP and TCP_CONGESTION from linux/in.h and linux/tcp.h. */
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CONGESTION = 13;
    /** TCP_CA_NAME_MAX. */
    private static final int NAME_MAX = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SETSOCKOPT = handle("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle GETSOCKOPT = handle("getsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private KernelCongestion() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, Linker.Option.captureCallState("errno"));
    }

    /** The host's default (net.ipv4.tcp_congestion_control), or "?" when unreadable. */
    static String hostDefault() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /**
     * Sets the channel's congestion control to name. Returns null when done, else why not (the JDK does not
     * let jtcp see the descriptor, or the kernel refused: not built in, or not in tcp_allowed_congestion_control
     * for an unprivileged user).
     */
    static String set(NetworkChannel ch, String name) {
        int fd;
        try {
            fd = fdOf(ch);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "the JDK keeps the socket's descriptor from jtcp (run it as java -jar jtcp.jar, whose manifest exports "
                    + "sun.nio.ch): " + e;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment v = a.allocate(n.length);
            MemorySegment.copy(n, 0, v, ValueLayout.JAVA_BYTE, 0, n.length);
            int rc = (int) SETSOCKOPT.invokeExact(cap, fd, IPPROTO_TCP, TCP_CONGESTION, v, n.length);
            if (rc != 0) {
                int errno = (int) ERRNO.get(cap, 0L);
                Errno e = Errno.of(errno);
                return "setsockopt(TCP_CONGESTION, " + name + ") failed with errno " + errno + (e == Errno.ENOENT
                        ? " (ENOENT: not available, see /proc/sys/net/ipv4/tcp_available_congestion_control)"
                        : e == Errno.EPERM ? " (EPERM: not in /proc/sys/net/ipv4/tcp_allowed_congestion_control)" : "");
            }
            return null;
        } catch (Throwable t) {
            return "setsockopt(TCP_CONGESTION) could not be called: " + t;
        }
    }

    /** The congestion control the channel's socket runs (getsockopt TCP_CONGESTION), or "?" when it cannot be read. */
    static String get(NetworkChannel ch) {
        try (Arena a = Arena.ofConfined()) {
            int fd = fdOf(ch);
            MemorySegment cap = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(NAME_MAX);
            MemorySegment len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, NAME_MAX);
            int rc = (int) GETSOCKOPT.invokeExact(cap, fd, IPPROTO_TCP, TCP_CONGESTION, v, len);
            return rc == 0 ? v.getString(0, StandardCharsets.US_ASCII) : "?";
        } catch (Throwable t) {
            return "?";
        }
    }

    /** The descriptor of a JDK socket channel (sun.nio.ch.SelChImpl#getFDVal, exported to jtcp by its jar's manifest). */
    private static int fdOf(NetworkChannel ch) throws ReflectiveOperationException {
        return (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(ch);
    }
}
