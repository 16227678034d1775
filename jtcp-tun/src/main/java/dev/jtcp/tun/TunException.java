package dev.jtcp.tun;

import java.io.IOException;

/**
 * A TUN device could not be opened, configured or used. The message names the cause and the fix in one
 * line (for example "cannot open /dev/net/tun: permission denied; run as root or grant CAP_NET_ADMIN").
 */
public final class TunException extends IOException {
    private final int errno;
    private final boolean offloadRefused;

    public TunException(String message, int errno) {
        this(message, errno, false);
    }

    /** offloadRefused: the kernel refused IFF_VNET_HDR or TUNSETOFFLOAD (the device works without them). */
    public TunException(String message, int errno, boolean offloadRefused) {
        super(message);
        this.errno = errno;
        this.offloadRefused = offloadRefused;
    }

    /** True when the kernel refused the offloads asked for; opening without them may succeed. */
    public boolean offloadRefused() {
        return offloadRefused;
    }

    public TunException(String message) {
        this(message, 0);
    }

    /** The C errno behind it, or 0. */
    public int errno() {
        return errno;
    }
}
