package dev.jtcp.tcp;

/**
 * One entry of a socket's error queue as recvmsg(MSG_ERRQUEUE) returns it: Linux's
 * {@code struct sock_extended_err} (linux/errqueue.h), carried in an IP_RECVERR control message.
 *
 * @param errno  ee_errno (0 for notifications that are not errors, ENOMSG for timestamps)
 * @param origin ee_origin: {@link #SO_EE_ORIGIN_ZEROCOPY}, {@link #SO_EE_ORIGIN_TIMESTAMPING}, ...
 * @param type   ee_type
 * @param code   ee_code ({@link #SO_EE_CODE_ZEROCOPY_COPIED})
 * @param info   ee_info (the first notification id of a zerocopy range)
 * @param data   ee_data (the last notification id of a zerocopy range)
 */
public record SockExtendedErr(int errno, int origin, int type, int code, int info, int data) {
    public static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    public static final int SO_EE_ORIGIN_ZEROCOPY = 5;
    /** The kernel copied the data instead of sending the application's pages (always so in jtcp). */
    public static final int SO_EE_CODE_ZEROCOPY_COPIED = 1;
}
