package dev.jtcp.tcp;

import dev.jtcp.sys.Errno;
import dev.jtcp.sys.Mib;
import dev.jtcp.wire.Seq;

/**
 * TCP's side of ICMP errors (tcp_ipv4.c: tcp_v4_err, tcp_req_err, tcp_v4_mtu_reduced; tcp_input.c:
 * tcp_simple_retransmit; tcp_timer.c: tcp_ld_RTO_revert). The IP layer has parsed the ICMP message and
 * the headers it quotes; this decides what the error does to the connection it names.
 */
final class TcpIcmp {
    static final int ICMP_DEST_UNREACH = 3;
    static final int ICMP_SOURCE_QUENCH = 4;
    static final int ICMP_REDIRECT = 5;
    static final int ICMP_TIME_EXCEEDED = 11;
    static final int ICMP_PARAMETERPROB = 12;
    static final int ICMP_NET_UNREACH = 0;
    static final int ICMP_HOST_UNREACH = 1;
    static final int ICMP_FRAG_NEEDED = 4;
    /** NR_ICMP_UNREACH: the highest destination-unreachable code. */
    static final int NR_ICMP_UNREACH = 15;

    /** icmp_err_convert[]: the errno of each destination-unreachable code (net/ipv4/icmp.c). */
    private static final Errno[] UNREACH_ERRNO = {
        Errno.ENETUNREACH,   // 0 network unreachable
        Errno.EHOSTUNREACH,  // 1 host unreachable
        Errno.ENOPROTOOPT,   // 2 protocol unreachable
        Errno.ECONNREFUSED,  // 3 port unreachable
        Errno.EMSGSIZE,      // 4 fragmentation needed and DF set
        Errno.EOPNOTSUPP,    // 5 source route failed
        Errno.ENETUNREACH,   // 6 destination network unknown
        Errno.EHOSTDOWN,     // 7 destination host unknown
        Errno.ENONET,        // 8 source host isolated
        Errno.ENETUNREACH,   // 9 network administratively prohibited
        Errno.EHOSTUNREACH,  // 10 host administratively prohibited
        Errno.ENETUNREACH,   // 11 network unreachable for TOS
        Errno.EHOSTUNREACH,  // 12 host unreachable for TOS
        Errno.EHOSTUNREACH,  // 13 communication administratively prohibited
        Errno.EHOSTUNREACH,  // 14 host precedence violation
        Errno.EHOSTUNREACH,  // 15 precedence cut-off in effect
    };

    private final Tcp tcp;

    TcpIcmp(Tcp tcp) {
        this.tcp = tcp;
    }

    /**
     * tcp_v4_err(): an ICMP error quoting a segment we sent from localAddr:localPort to
     * remoteAddr:remotePort with sequence number seq. Returns false when no connection matches (the
     * caller counts IcmpInErrors, as icmp_socket_deliver's -ENOENT leads to).
     */
    boolean v4Err(int type, int code, int info, int localAddr, int localPort, int remoteAddr, int remotePort, int seq) {
        Sock s = tcp.lookupEstablished(localAddr, localPort, remoteAddr, remotePort);
        if (s == null) {
            return false;
        }
        switch (s) {
            case TimeWaitSock tw -> {
                return true;   // TIME_WAIT ignores ICMP
            }
            case RequestSock req -> {
                reqErr(req, seq, type == ICMP_PARAMETERPROB || type == ICMP_TIME_EXCEEDED
                        || (type == ICMP_DEST_UNREACH && (code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH)));
                return true;
            }
            case TcpSock sk -> {
                sockErr(sk, type, code, info, seq);
                return true;
            }
        }
    }

    private void sockErr(TcpSock sk, int type, int code, int info, int seq) {
        if (sk.state == TcpState.CLOSE) {
            return;
        }
        // A TFO child's snd_una is past its SYN-ACK: the ISN counts as in window (tcp_v4_err()).
        RequestSock fastopen = sk.fastopenRsk;
        int sndUna = fastopen != null ? fastopen.iss : sk.sndUna;
        if (sk.state != TcpState.LISTEN && !Seq.between(sndUna, seq, sk.sndNxt)) {
            tcp.mib.inc(Mib.TcpExtOutOfWindowIcmps);
            return;
        }
        Errno err;
        switch (type) {
            case ICMP_REDIRECT, ICMP_SOURCE_QUENCH -> {
                return;   // redirects only touch the route cache; source quench is ignored (RFC 6633)
            }
            case ICMP_PARAMETERPROB -> err = Errno.EPROTO;
            case ICMP_DEST_UNREACH -> {
                if (code > NR_ICMP_UNREACH) {
                    return;
                }
                if (code == ICMP_FRAG_NEEDED) {
                    // PMTU discovery (RFC 1191); SYN-ACKs of a listener are small enough not to matter.
                    if (sk.state != TcpState.LISTEN) {
                        mtuReduced(sk, info);
                    }
                    return;
                }
                err = UNREACH_ERRNO[code];
                if (fastopen == null && (code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH)) {
                    ldRtoRevert(sk, seq);   // RFC 6069
                }
            }
            case ICMP_TIME_EXCEEDED -> err = Errno.EHOSTUNREACH;
            default -> {
                return;
            }
        }
        // A TFO child already accepted counts as connected; one still in the accept queue gives up.
        if ((sk.state == TcpState.SYN_SENT || sk.state == TcpState.SYN_RECV) && !(fastopen != null && sk.parent == null)) {
            // A connection being set up gives up at once: tcp_done_with_error().
            sk.err = err.code;
            tcp.output.writeQueuePurge(sk);
            tcp.done(sk, "ICMP " + describe(type, code) + " during the handshake: connect() fails with " + err
                    + " (tcp_v4_err)");
            return;
        }
        // RFC 1122 4.2.3.9: an established connection keeps trying; the error is reported only if it
        // then times out (sk_err_soft; without IP_RECVERR, which jtcp does not offer).
        sk.errSoft = err.code;
    }

    /** tcp_req_err(): an ICMP error about a SYN-ACK of a request sock. */
    private void reqErr(RequestSock req, int seq, boolean abort) {
        if (seq != req.iss) {
            tcp.mib.inc(Mib.TcpExtOutOfWindowIcmps);
        } else if (abort) {
            // Still in SYN_RECV: removed silently (POSIX wants no network errors from accept()).
            tcp.mini.dropRequest(req, "ICMP error for our SYN-ACK: request dropped (tcp_req_err)");
            tcp.mib.inc(Mib.TcpExtListenDrops);
        }
    }

    /**
     * tcp_v4_mtu_reduced(): the route learns the new path MTU (inet_csk_update_pmtu); if it is below
     * what the socket sizes its segments for, the MSS shrinks and the segments now too large are sent
     * again at once, unless IP_MTU_DISCOVER says the socket ignores path MTUs (DONT, INTERFACE, OMIT).
     */
    private void mtuReduced(TcpSock sk, int mtu) {
        if (sk.state == TcpState.LISTEN || sk.state == TcpState.CLOSE) {
            return;
        }
        tcp.output.dstCheck(sk);
        int dstMtu = tcp.host.updatePmtu(sk.remoteAddr, mtu);
        if (mtu < dstMtu && tcp.output.dontFragment(sk)) {
            sk.errSoft = Errno.EMSGSIZE.code;   // something is about to go wrong: remember why
        }
        boolean acceptPmtu = sk.pmtudisc != Tcp.IP_PMTUDISC_INTERFACE && sk.pmtudisc != Tcp.IP_PMTUDISC_OMIT;
        if (sk.pmtudisc != Tcp.IP_PMTUDISC_DONT && acceptPmtu && sk.pmtuCookie > dstMtu) {
            tcp.output.syncMss(sk, dstMtu);
            simpleRetransmit(sk);
        }
    }

    /** tcp_simple_retransmit(): segments larger than the new MSS are lost; send them again, cut to size. */
    void simpleRetransmit(TcpSock sk) {
        // A Fast Open SYN waits as two segments (SYN, then its data): on a path MTU problem during
        // SYN_SENT both count as lost, so the SYN goes again alone.
        int mss = sk.synData && sk.state == TcpState.SYN_SENT ? -1 : tcp.output.currentMss(sk);
        for (TxSegment seg : sk.rtxQueue) {
            if (seg.payload() > mss) {
                tcp.input.markSkbLost(sk, seg);
            }
        }
        if (sk.lostOut == 0) {
            return;
        }
        tcp.input.nonCongestionLossRetransmit(sk);
    }

    /**
     * tcp_ld_RTO_revert() (RFC 6069): a net or host unreachable for the segment at snd_una during
     * retransmission timeouts means the timeouts came from a routing failure, not congestion: undo one
     * backoff step and re-arm (or fire) the retransmission timer on the shorter timeout.
     */
    private void ldRtoRevert(TcpSock sk, int seq) {
        if (seq != sk.sndUna || sk.retransmits == 0 || sk.backoff == 0) {
            return;
        }
        TxSegment head = sk.rtxQueue.peekFirst();
        if (head == null) {
            return;
        }
        sk.backoff--;
        if (sk.srttUs != 0) {
            tcp.input.setRto(sk);   // __tcp_set_rto()
        } else {
            sk.rtoNs = TcpConstants.TCP_TIMEOUT_INIT_NS;
        }
        sk.rtoNs = Math.min(sk.rtoNs << sk.backoff, tcp.timers.rtoMaxNs());   // inet_csk_rto_backoff()
        long elapsed = tcp.now() - head.lastTxNs;
        long remaining = sk.rtoNs - tcp.usToJiffyNs(elapsed / 1000);
        // With no time left Linux runs tcp_retransmit_timer() at once; a timer due now does the same
        // within this instant.
        tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS, Math.max(0, remaining),
                "ICMP unreachable for the segment being retransmitted: one backoff step undone (RFC 6069, tcp_ld_RTO_revert)");
    }

    static String describe(int type, int code) {
        return switch (type) {
            case ICMP_DEST_UNREACH -> switch (code) {
                case 0 -> "net unreachable";
                case 1 -> "host unreachable";
                case 2 -> "protocol unreachable";
                case 3 -> "port unreachable";
                case 4 -> "fragmentation needed";
                default -> "destination unreachable (code " + code + ")";
            };
            case ICMP_TIME_EXCEEDED -> "time exceeded";
            case ICMP_PARAMETERPROB -> "parameter problem";
            default -> "type " + type + " code " + code;
        };
    }
}
