package dev.jtcp.tcp;

/**
 * One skb of a socket's error queue, as recvmsg(MSG_ERRQUEUE) reads it (ip_recv_error()).
 *
 * @param ee          the IP_RECVERR control message ({@code struct sock_extended_err})
 * @param timestampNs the SCM_TIMESTAMPING software stamp (scm_timestamping.ts[0]) on the stack's clock, or -1
 *                    when none is reported (not a timestamp, or SOF_TIMESTAMPING_SOFTWARE is off)
 * @param length      bytes of packet data the entry carries (0 for MSG_ZEROCOPY completions and with
 *                    SOF_TIMESTAMPING_OPT_TSONLY); recvmsg() copies what fits and sets MSG_TRUNC if not all
 */
public record ErrQueueEntry(SockExtendedErr ee, long timestampNs, int length) {
}
