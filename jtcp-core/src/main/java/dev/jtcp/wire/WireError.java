package dev.jtcp.wire;

import java.util.List;

/**
 * Why a packet is malformed, with what Linux does about the same packet.
 *
 * <p>Each constant carries the Linux SNMP counters the kernel increments for it, under the names
 * {@code nstat} prints (the /proc/net/snmp "Ip:"/"Tcp:" rows and the /proc/net/netstat "IpExt:"
 * row), and the {@code SKB_DROP_REASON_*} name (without the prefix) it passes to
 * {@code kfree_skb_reason()}. The checks and their order follow {@code ip_rcv_core()}
 * (net/ipv4/ip_input.c) and {@code tcp_v4_rcv()} (net/ipv4/tcp_ipv4.c). Counters every packet
 * bumps whether good or bad (IpInReceives, TcpInSegs) are not listed.
 */
public enum WireError {

    /** Fewer than 20 bytes: {@code pskb_may_pull(skb, sizeof(struct iphdr))} fails, goto inhdr_error. */
    IP_TOO_SHORT(List.of("IpInHdrErrors"), "IP_INHDR"),
    /** Version field not 4: inhdr_error. */
    IP_BAD_VERSION(List.of("IpInHdrErrors"), "IP_INHDR"),
    /** IHL below 5 words, or IHL*4 more than the bytes received: inhdr_error. */
    IP_BAD_IHL(List.of("IpInHdrErrors"), "IP_INHDR"),
    /** Total length larger than the bytes received: counted as truncated, dropped as too small. */
    IP_TRUNCATED(List.of("IpExtInTruncatedPkts"), "PKT_TOO_SMALL"),
    /** Total length smaller than the header length: inhdr_error. */
    IP_BAD_TOTAL_LENGTH(List.of("IpInHdrErrors"), "IP_INHDR"),
    /** Header checksum does not verify (checked before the total length, as Linux does): csum_error falls into inhdr_error. */
    IP_BAD_CHECKSUM(List.of("IpExtInCsumErrors", "IpInHdrErrors"), "IP_CSUM"),
    /**
     * Fewer than 20 bytes of TCP, or fewer than the data offset says: {@code pskb_may_pull()} fails
     * and {@code tcp_v4_rcv} goes straight to discard_it, bumping no error counter; the drop reason
     * is left NOT_SPECIFIED.
     */
    TCP_TOO_SHORT(List.of(), "NOT_SPECIFIED"),
    /** Data offset below 5 words: goto bad_packet with PKT_TOO_SMALL, which counts TcpInErrs. */
    TCP_BAD_DATA_OFFSET(List.of("TcpInErrs"), "PKT_TOO_SMALL"),
    /** Checksum over pseudo-header and segment does not verify: csum_error falls into bad_packet. */
    TCP_BAD_CHECKSUM(List.of("TcpInCsumErrors", "TcpInErrs"), "TCP_CSUM"),
    /**
     * An option with length below 2, or running past the end of the option space. Not a drop:
     * {@code tcp_parse_options()} just stops parsing and the segment is processed with the options
     * seen so far. Its drop reason is therefore SKB_NOT_DROPPED_YET's name.
     */
    TCP_BAD_OPTION_LENGTH(List.of(), "NOT_DROPPED_YET");

    private final List<String> linuxMibs;
    private final String dropReason;

    WireError(List<String> linuxMibs, String dropReason) {
        this.linuxMibs = linuxMibs;
        this.dropReason = dropReason;
    }

    /** The Linux counters (nstat names) bumped for this error, e.g. ["TcpInCsumErrors", "TcpInErrs"]; may be empty. */
    public List<String> linuxMibs() {
        return linuxMibs;
    }

    /** The Linux drop reason without its SKB_DROP_REASON_ prefix, e.g. "TCP_CSUM". */
    public String dropReason() {
        return dropReason;
    }

    /** Whether Linux drops the packet for this (everything except {@link #TCP_BAD_OPTION_LENGTH}). */
    public boolean isDrop() {
        return this != TCP_BAD_OPTION_LENGTH;
    }
}
