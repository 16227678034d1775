package dev.jtcp.tun;

import java.io.IOException;

/**
 * A TUN device could not be opened, configured or used. The message names the cause and the fix in one
 * line (for example "cannot open /dev/net/tun: permission denied; run as root or grant CAP_NET_ADMIN").
 */
public final class TunException extends IOException {
    private final int errno;

    public TunException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public TunException(String message) {
        this(message, 0);
    }

    /** The C errno behind it, or 0. */
    public int errno() {
        return errno;
    }
}
