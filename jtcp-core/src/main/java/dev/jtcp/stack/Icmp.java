package dev.jtcp.stack;

import dev.jtcp.sys.Mib;
import dev.jtcp.sys.MibCounters;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.wire.Checksum;
import dev.jtcp.wire.Ipv4Header;

/**
 * ICMP for IPv4 (net/ipv4/icmp.c): icmp_rcv() checks the message and counts it under Linux's MIB
 * names; echo requests get an echo reply (icmp_echo, so ping works); destination unreachable, time
 * exceeded and parameter problem are handed to TCP when they quote one of its segments
 * (icmp_unreach, icmp_socket_deliver, tcp_v4_err). Malformed messages are dropped and counted.
 */
final class Icmp {
    static final int ECHO_REPLY = 0;
    static final int DEST_UNREACH = 3;
    static final int SOURCE_QUENCH = 4;
    static final int REDIRECT = 5;
    static final int ECHO = 8;
    static final int TIME_EXCEEDED = 11;
    static final int PARAMETERPROB = 12;
    /** NR_ICMP_TYPES: types above 18 are errors (icmp_rcv). */
    static final int NR_ICMP_TYPES = 18;
    static final int FRAG_NEEDED = 4;
    private static final int HEADER_LEN = 8;

    private final NetStack stack;
    private final MibCounters mib;
    /** IP IDs of packets sent without DF (Linux takes them from a hashed counter; a per-host counter here). */
    private int ipId;

    Icmp(NetStack stack, int idSeed) {
        this.stack = stack;
        this.mib = stack.mib();
        this.ipId = idSeed & 0xffff;
    }

    /** icmp_rcv(): one ICMP message for this host (ip is its IP header, the message at buf[off..off+len)). */
    void receive(Ipv4Header ip, byte[] buf, int off, int len) {
        mib.inc(Mib.IcmpInMsgs);
        if (len < HEADER_LEN) {
            mib.inc(Mib.IcmpInErrors);   // pskb_pull of the header fails
            stack.traceIpDrop(ip, "ICMP message shorter than its 8-byte header: counted as IcmpInErrors");
            return;
        }
        if (Checksum.fold(Checksum.sum(buf, off, len, 0)) != 0) {
            mib.inc(Mib.IcmpInCsumErrors);
            mib.inc(Mib.IcmpInErrors);
            stack.traceIpDrop(ip, "ICMP checksum wrong: counted as IcmpInCsumErrors, IcmpInErrors");
            return;
        }
        int type = buf[off] & 0xff;
        int code = buf[off + 1] & 0xff;
        countIn(type);
        if (type > NR_ICMP_TYPES) {
            mib.inc(Mib.IcmpInErrors);
            stack.traceIpDrop(ip, "ICMP type " + type + " does not exist: counted as IcmpInErrors");
            return;
        }
        switch (type) {
            case ECHO -> echo(ip, buf, off, len);
            case DEST_UNREACH, TIME_EXCEEDED, PARAMETERPROB, SOURCE_QUENCH, REDIRECT -> unreach(ip, type, code, buf, off, len);
            default -> { }   // echo replies, timestamps, ...: no socket here asks for them (no raw or ping sockets)
        }
    }

    /** ICMPMSGIN_INC_STATS: the per-type counter, which /proc/net/snmp's Icmp line also reads. */
    private void countIn(int type) {
        switch (type) {
            case ECHO_REPLY -> {
                mib.inc(Mib.IcmpMsgInType0);
                mib.inc(Mib.IcmpInEchoReps);
            }
            case DEST_UNREACH -> {
                mib.inc(Mib.IcmpMsgInType3);
                mib.inc(Mib.IcmpInDestUnreachs);
            }
            case SOURCE_QUENCH -> {
                mib.inc(Mib.IcmpMsgInType4);
                mib.inc(Mib.IcmpInSrcQuenchs);
            }
            case REDIRECT -> {
                mib.inc(Mib.IcmpMsgInType5);
                mib.inc(Mib.IcmpInRedirects);
            }
            case ECHO -> {
                mib.inc(Mib.IcmpMsgInType8);
                mib.inc(Mib.IcmpInEchos);
            }
            case TIME_EXCEEDED -> {
                mib.inc(Mib.IcmpMsgInType11);
                mib.inc(Mib.IcmpInTimeExcds);
            }
            case PARAMETERPROB -> {
                mib.inc(Mib.IcmpMsgInType12);
                mib.inc(Mib.IcmpInParmProbs);
            }
            default -> { }
        }
    }

    /** icmp_echo(): the same identifier, sequence number and data back, unless icmp_echo_ignore_all. */
    private void echo(Ipv4Header ip, byte[] buf, int off, int len) {
        if (stack.sysctl().get(SysctlKey.ICMP_ECHO_IGNORE_ALL) != 0) {
            return;
        }
        int total = Ipv4Header.MIN_HEADER_LENGTH + len;
        if (total > 65535) {
            return;
        }
        byte[] p = new byte[total];
        // icmp_reply(): the reply copies the request's TOS; ICMP sockets do not set DF (IP_PMTUDISC_DONT).
        new Ipv4Header(ip.tos(), total, nextId(), false, false, 0, stack.sysctl().get(SysctlKey.IP_DEFAULT_TTL),
                Ipv4Header.PROTO_ICMP, 0, ip.dst(), ip.src(), Ipv4Header.MIN_HEADER_LENGTH).emit(p, 0);
        System.arraycopy(buf, off, p, Ipv4Header.MIN_HEADER_LENGTH, len);
        int m = Ipv4Header.MIN_HEADER_LENGTH;
        p[m] = ECHO_REPLY;
        p[m + 1] = 0;
        p[m + 2] = 0;
        p[m + 3] = 0;
        int c = Checksum.fold(Checksum.sum(p, m, len, 0));
        p[m + 2] = (byte) (c >>> 8);
        p[m + 3] = (byte) c;
        mib.inc(Mib.IcmpOutMsgs);
        mib.inc(Mib.IcmpMsgOutType0);
        mib.inc(Mib.IcmpOutEchoReps);
        stack.icmpOutput(p);   // icmp_echo()
    }

    private int nextId() {
        ipId = (ipId + 1) & 0xffff;
        return ipId;
    }

    /**
     * icmp_unreach() and icmp_socket_deliver(): an error quoting the IP header and at least 8 bytes of
     * a packet we sent; for TCP those 8 bytes hold the ports and the sequence number.
     */
    private void unreach(Ipv4Header ip, int type, int code, byte[] buf, int off, int len) {
        int info = 0;
        if (type == DEST_UNREACH && code == FRAG_NEEDED) {
            switch (stack.sysctl().get(SysctlKey.IP_NO_PMTU_DISC)) {
                case 2 -> {
                    return;   // ignore fragmentation-needed entirely
                }
                case 0 -> info = ((buf[off + 6] & 0xff) << 8) | (buf[off + 7] & 0xff);   // the next-hop MTU
                default -> { }   // 1, 3: the MTU is not trusted (3 only for protocols that validate; TCP does not here)
            }
        }
        int q = off + HEADER_LEN;
        int qlen = len - HEADER_LEN;
        if (qlen < Ipv4Header.MIN_HEADER_LENGTH) {
            mib.inc(Mib.IcmpInErrors);
            stack.traceIpDrop(ip, "ICMP error quotes less than an IP header: counted as IcmpInErrors");
            return;
        }
        int ihl = (buf[q] & 0x0f) * 4;
        if ((buf[q] & 0xf0) != 0x40 || ihl < Ipv4Header.MIN_HEADER_LENGTH) {
            mib.inc(Mib.IcmpInErrors);
            stack.traceIpDrop(ip, "ICMP error quotes a malformed IP header: counted as IcmpInErrors");
            return;
        }
        if (qlen < ihl + 8) {
            mib.inc(Mib.IcmpInErrors);
            stack.traceIpDrop(ip, "ICMP error quotes fewer than 8 bytes past the IP header: counted as IcmpInErrors");
            return;
        }
        int proto = buf[q + 9] & 0xff;
        int qsrc = readInt(buf, q + 12);
        int qdst = readInt(buf, q + 16);
        if (proto != Ipv4Header.PROTO_TCP) {
            return;   // no other protocol here has an error handler
        }
        int t = q + ihl;
        int sport = ((buf[t] & 0xff) << 8) | (buf[t + 1] & 0xff);
        int dport = ((buf[t + 2] & 0xff) << 8) | (buf[t + 3] & 0xff);
        int seq = readInt(buf, t + 4);
        // The quoted packet went from us (qsrc:sport) to the peer (qdst:dport).
        if (!stack.tcp().icmpError(type, code, info, qsrc, sport, qdst, dport, seq)) {
            mib.inc(Mib.IcmpInErrors);   // tcp_v4_err: no socket for it (-ENOENT)
            stack.traceIpDrop(ip, "ICMP error for a connection that does not exist: counted as IcmpInErrors");
        }
    }

    private static int readInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
