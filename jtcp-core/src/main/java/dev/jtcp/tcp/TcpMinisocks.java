package dev.jtcp.tcp;

import dev.jtcp.sys.Mib;
import dev.jtcp.sys.SysctlKey;
import dev.jtcp.time.Deadline;
import dev.jtcp.time.Nanos;
import dev.jtcp.trace.SegmentEvent;
import dev.jtcp.wire.Endpoint;
import dev.jtcp.wire.Seq;
import dev.jtcp.wire.TcpFlags;
import dev.jtcp.wire.TcpHeader;
import dev.jtcp.wire.TcpOptions;

/**
 * The small sockets (net/ipv4/tcp_minisocks.c, inet_connection_sock.c, tcp_ipv4.c): a listener taking
 * SYNs, half-open requests in SYN_RECV with their SYN-ACK timer, the birth of a full connection on the
 * third ACK, and TIME_WAIT / orphaned FIN_WAIT2 records.
 */
final class TcpMinisocks {
    private final Tcp tcp;

    TcpMinisocks(Tcp tcp) {
        this.tcp = tcp;
    }

    private int sysctl(SysctlKey k) {
        return tcp.sysctl.get(k);
    }

    private long now() {
        return tcp.now();
    }

    private void traceDrop(TcpInput.Segment s, String why) {
        tcp.traceDrop(s, why);
    }

    // ================================================================ LISTEN

    /**
     * tcp_v4_do_rcv() for a listener: a segment that is not a SYN may be the ACK returning a SYN cookie
     * (tcp_v4_cookie_check); otherwise tcp_rcv_state_process() answers an ACK with RST, ignores an RST and
     * takes a SYN.
     */
    void listenRcv(TcpSock listener, TcpInput.Segment s) {
        String notCookie = s.has(TcpFlags.SYN) ? "" : cookieCheck(listener, s);
        if (notCookie == null) {
            return;
        }
        if (s.has(TcpFlags.ACK)) {
            tcp.input.sendResetFor(s, "ACK to a listener with no matching half-open connection"
                    + notCookie + ": RST (RFC 9293 3.10.7.2)");
            return;
        }
        if (s.has(TcpFlags.RST)) {
            traceDrop(s, "RST to a listener is ignored");
            return;
        }
        if (!s.has(TcpFlags.SYN) || s.has(TcpFlags.FIN)) {
            traceDrop(s, "listener accepts only SYN");
            return;
        }
        connRequest(listener, s, 0);
    }

    /** sk_acceptq_is_full(): the accept queue is full when its length exceeds the backlog. */
    private static boolean acceptQueueFull(TcpSock listener) {
        return listener.acceptQueue.size() > listener.maxAckBacklog;
    }

    /**
     * inet_csk_reqsk_queue_is_full(): the SYN queue is full when it holds more half-open requests than
     * the listen backlog (Linux 6.14+ compares with "&gt;", as the accept queue does; earlier kernels with
     * "&gt;="). tcp_max_syn_backlog is not this bound: it only reserves room when cookies are off.
     */
    private static boolean synQueueFull(TcpSock listener) {
        return listener.synQueueLen > listener.maxAckBacklog;
    }

    /** tcp_listendrop(): every SYN or ACK a listener throws away. */
    private void listenDrop(TcpInput.Segment s, String why) {
        tcp.mib.inc(Mib.TcpExtListenDrops);
        traceDrop(s, why);
    }

    /**
     * tcp_syn_flood_action(): the SYN queue is full (or tcp_syncookies=2): answer with a cookie when
     * tcp_syncookies allows it ({@code wantCookie}), else drop. Returns the once-per-listener kernel log
     * line, to append to the reason of the segment that raised it, or "".
     */
    private String synFloodAction(TcpSock listener, int syncookies, boolean wantCookie) {
        tcp.mib.inc(wantCookie ? Mib.TcpExtTCPReqQFullDoCookies : Mib.TcpExtTCPReqQFullDrop);
        if (listener.synfloodWarned || syncookies == 2) {
            return "";
        }
        // The kernel logs this once per listener: "Possible SYN flooding on port N. Sending cookies."
        listener.synfloodWarned = true;
        return " [kernel log: possible SYN flooding on port " + listener.localPort + ". "
                + (wantCookie ? "Sending cookies." : "Dropping request.") + "]";
    }

    /** tcp_conn_request(): a SYN for a listener becomes a request sock and a SYN-ACK, or a SYN cookie. */
    void connRequest(TcpSock listener, TcpInput.Segment s, int isnFromTimeWait) {
        int syncookies = sysctl(SysctlKey.TCP_SYNCOOKIES);
        boolean wantCookie = false;
        String floodWarning = "";
        // A SYN that reopens a TIME_WAIT 4-tuple is taken without limits: the peer is evidently real.
        if ((syncookies == 2 || synQueueFull(listener)) && isnFromTimeWait == 0) {
            wantCookie = syncookies != 0;
            floodWarning = synFloodAction(listener, syncookies, wantCookie);
            if (!wantCookie) {
                listenDrop(s, "SYN queue full (" + listener.synQueueLen + " half-open > backlog " + listener.maxAckBacklog
                        + ") and tcp_syncookies=0: SYN dropped (TCPReqQFullDrop)" + floodWarning);
                return;
            }
        }
        if (acceptQueueFull(listener)) {
            tcp.mib.inc(Mib.TcpExtListenOverflows);
            listenDrop(s, "accept queue full (" + listener.acceptQueue.size() + " > backlog " + listener.maxAckBacklog
                    + "): SYN dropped (ListenOverflows)");
            return;
        }
        TcpOptions o = s.th.options();
        RequestSock req = new RequestSock(listener);
        req.localAddr = s.daddr;
        req.localPort = s.th.dstPort();
        req.remoteAddr = s.saddr;
        req.remotePort = s.th.srcPort();
        req.irs = s.seq;
        req.rcvNxt = s.seq + 1;
        req.mss = o.mss() > 0 ? o.mss() : TcpConstants.TCP_MSS_DEFAULT;
        if (listener.userMss != 0 && listener.userMss < req.mss) {
            req.mss = listener.userMss;
        }
        req.tstampOk = sysctl(SysctlKey.TCP_TIMESTAMPS) != 0 && o.hasTimestamps();
        // A cookie cannot carry SACK-permitted or the window scale without the timestamp to hold them.
        boolean optionsKept = !wantCookie || o.hasTimestamps();
        req.sackOk = optionsKept && sysctl(SysctlKey.TCP_SACK) != 0 && o.sackPermitted();
        req.wscaleOk = optionsKept && sysctl(SysctlKey.TCP_WINDOW_SCALING) != 0 && o.windowScale() >= 0;
        req.sndWscale = req.wscaleOk ? Math.min(o.windowScale(), TcpConstants.TCP_MAX_WSCALE) : 0;
        req.tsRecent = req.tstampOk ? o.tsVal() : 0;
        req.tsOffset = req.tstampOk ? tcp.tsOffset(req.localAddr, req.remoteAddr, req.localPort, req.remotePort) : 0;
        req.ecnOk = ecnCreateRequest(s);
        if (!wantCookie && isnFromTimeWait == 0) {
            // Without cookies the last quarter of tcp_max_syn_backlog is kept for peers proven alive
            // (tcp_peer_is_proven: jtcp keeps no metrics cache, so no peer is proven).
            int maxSynBacklog = sysctl(SysctlKey.TCP_MAX_SYN_BACKLOG);
            if (syncookies == 0 && maxSynBacklog - listener.synQueueLen < (maxSynBacklog >> 2)) {
                listenDrop(s, "tcp_syncookies=0 and the SYN queue (" + listener.synQueueLen
                        + ") is in the last quarter of tcp_max_syn_backlog " + maxSynBacklog + ": SYN dropped");
                return;
            }
        }
        // tcp_openreq_init_rwin(): the window offered in the SYN-ACK.
        int advmss = tcp.output.advertisedMss(listener, req.remoteAddr);
        int fullSpace = tcp.output.fullSpace(listener);
        int clamp = listener.userRcvBuf ? fullSpace : 0;
        int[] w = tcp.output.selectInitialWindow(fullSpace,
                advmss - (req.tstampOk ? TcpConstants.TCPOLEN_TSTAMP_ALIGNED : 0), clamp, req.wscaleOk);
        req.rcvWnd = w[0];
        req.rcvWscale = w[2];
        if (wantCookie) {
            if (!req.tstampOk) {
                req.ecnOk = false;   // tcp_conn_request(): without a timestamp the cookie cannot keep it
            }
            sendCookie(listener, req, floodWarning);
            return;
        }
        req.iss = isnFromTimeWait != 0 ? isnFromTimeWait
                : tcp.secureSeq(req.localAddr, req.remoteAddr, req.localPort, req.remotePort);
        req.synRcvdNs = now();
        req.timeoutNs = TcpConstants.TCP_TIMEOUT_INIT_NS;
        // tcp_try_fastopen(): a SYN with a valid cookie (or data, when none is required) makes the child now.
        TcpFastOpen.Cookie foc = TcpFastOpen.parse(o, true);
        TcpSock child = tcp.fastopen.tryFastOpen(listener, s, req, foc);
        if (child != null) {
            sendSynAck(req, -1, foc, tcp.tracing() ? "tcp_v4_send_synack: TCP Fast Open, the SYN's "
                    + (req.rcvNxt - req.irs - 1) + " data bytes acknowledged; the child is in the accept queue" : null);
            return;
        }
        listener.synQueueLen++;
        listener.synQueueYoung++;
        tcp.hash(req);
        if (tcp.tracing()) {
            tcp.traceState(req, TcpState.LISTEN, TcpState.SYN_RECV, "SYN to a listener: half-open request created (SYN queue "
                    + listener.synQueueLen + ")");
        }
        sendSynAck(req, -1, foc, foc.len >= 0 ? "tcp_v4_send_synack: answer the SYN with a Fast Open cookie"
                : "tcp_v4_send_synack: answer the SYN");
        armRequestTimer(req);
        tcp.traceTimer(req, "retransmit", "arm", req.expiresNs, "SYN-ACK timer: initial RTO 1 s");
    }

    /**
     * tcp_ecn_create_request(): the SYN asks for ECN (ECE and CWR) and tcp_ecn is 1 or 2. A SYN that
     * arrives already ECN-capable (ECT or CE in its IP header) is suspect, unless it also carries AE or a
     * reserved bit (a newer ECN variant's request, which falls back to RFC 3168 here).
     */
    private boolean ecnCreateRequest(TcpInput.Segment s) {
        if (!s.th.has(TcpFlags.ECE | TcpFlags.CWR) || sysctl(SysctlKey.TCP_ECN) == 0) {
            return false;
        }
        boolean ect = (s.tos & dev.jtcp.wire.Ipv4Header.ECN_MASK) != dev.jtcp.wire.Ipv4Header.ECN_NOT_ECT;
        return !ect || (s.th.flags() & (TcpFlags.AE | TcpFlags.RESERVED)) != 0;
    }

    /**
     * (Re)arms the SYN-ACK timer for TCP_TIMEOUT_INIT doubled per timeout so far, capped at
     * tcp_rto_max_ms (reqsk_timer_handler(), tcp_check_req()); returns that timeout.
     */
    private long armRequestTimer(RequestSock req) {
        long timeout = Math.min(req.timeoutNs << req.numTimeout, Nanos.ofMillis(sysctl(SysctlKey.TCP_RTO_MAX_MS)));
        long delta = tcp.timerJiffies(timeout);
        req.expiresNs = tcp.fireAfter(delta);
        req.nominalNs = tcp.nominalAfter(delta);
        tcp.timersChanged(req);
        return timeout;
    }

    // ================================================================ SYN cookies

    /** tcp_cookie_time(): the cookie clock, one count per TCP_SYNCOOKIE_PERIOD (60 s) of jiffies. */
    private int cookieTime() {
        return (int) (tcp.jiffies.at(now()) / ((long) tcp.jiffies.hz() * SynCookies.PERIOD_SECONDS));
    }

    /**
     * tcp_synq_overflow(): the listener remembers (in jiffies, updated at most once a second) that it
     * sent cookies; cookie ACKs are only checked within TCP_SYNCOOKIE_VALID (2 periods) of that.
     */
    private void synqOverflow(TcpSock listener) {
        long j = tcp.jiffies.at(now());
        if (!listener.overflowStamped || j - listener.lastOverflowJiffies > tcp.jiffies.hz()) {
            listener.lastOverflowJiffies = j;
            listener.overflowStamped = true;
        }
    }

    /** tcp_synq_no_recent_overflow(). */
    private boolean noRecentOverflow(TcpSock listener) {
        if (!listener.overflowStamped) {
            return true;
        }
        long j = tcp.jiffies.at(now());
        long valid = (long) tcp.jiffies.hz() * SynCookies.PERIOD_SECONDS * SynCookies.MAX_SYNCOOKIE_AGE;
        return j < listener.lastOverflowJiffies || j > listener.lastOverflowJiffies + valid;
    }

    /** cookie_v4_init_sequence() and a TCP_SYNACK_COOKIE SYN-ACK: nothing of the request is kept. */
    private void sendCookie(TcpSock listener, RequestSock req, String floodWarning) {
        synqOverflow(listener);
        int mssIndex = SynCookies.mssIndex(req.mss);
        req.mss = SynCookies.MSS_TABLE[mssIndex];
        tcp.mib.inc(Mib.TcpExtSyncookiesSent);
        req.iss = tcp.cookies.make(req.remoteAddr, req.localAddr, req.remotePort, req.localPort, req.irs, mssIndex,
                cookieTime());
        int tsVal = -1;
        if (req.tstampOk) {
            tsVal = SynCookies.timestamp(tcp.tsNow(0), req.wscaleOk, req.sndWscale, req.sackOk, req.ecnOk) + req.tsOffset;
        }
        sendSynAck(req, tsVal, null, "SYN cookie (" + (sysctl(SysctlKey.TCP_SYNCOOKIES) == 2 ? "tcp_syncookies=2"
                : "SYN queue full: " + listener.synQueueLen + " > backlog " + listener.maxAckBacklog)
                + "): the ISN encodes MSS " + req.mss
                + (req.tstampOk ? ", the TS val's low bits wscale, SACK and ECN" : "; no wscale, SACK or ECN without timestamps")
                + "; no state kept" + floodWarning);
    }

    /**
     * tcp_v4_cookie_check() / cookie_v4_check(): an ACK to a listener that may return a cookie. Returns
     * null when the segment was consumed (a connection born or the ACK dropped); otherwise the listener
     * handles it as usual (and answers the ACK with RST), and the string returned, " and " + why the ACK
     * was no cookie, or "" when no cookie was looked for, goes into the RST's reason.
     */
    private String cookieCheck(TcpSock listener, TcpInput.Segment s) {
        if (sysctl(SysctlKey.TCP_SYNCOOKIES) == 0 || !s.has(TcpFlags.ACK) || s.has(TcpFlags.RST)) {
            return "";
        }
        if (noRecentOverflow(listener)) {
            return " and no SYN cookie sent in the last 120 s";
        }
        int mss = tcp.cookies.checkAck(s.th.ack(), s.seq, s.saddr, s.daddr, s.th.srcPort(), s.th.dstPort(), cookieTime());
        if (mss == 0) {
            tcp.mib.inc(Mib.TcpExtSyncookiesFailed);
            return " and no valid SYN cookie in ack " + Integer.toUnsignedString(s.th.ack()) + " (SyncookiesFailed)";
        }
        tcp.mib.inc(Mib.TcpExtSyncookiesRecv);
        TcpOptions o = s.th.options();
        int tsOff = 0;
        int tsEcr = o.hasTimestamps() ? o.tsEcr() : 0;
        if (o.hasTimestamps() && tsEcr != 0) {
            tsOff = tcp.tsOffset(s.daddr, s.saddr, s.th.dstPort(), s.th.srcPort());
            tsEcr -= tsOff;
        }
        // cookie_timestamp_decode(): the options the timestamp carried must still be enabled here.
        boolean tstampOk = o.hasTimestamps();
        boolean sackOk = false;
        boolean wscaleOk = false;
        int sndWscale = 0;
        if (tstampOk) {
            int[] d = SynCookies.decodeTimestamp(tsEcr, sysctl(SysctlKey.TCP_TIMESTAMPS) != 0,
                    sysctl(SysctlKey.TCP_SACK) != 0, sysctl(SysctlKey.TCP_WINDOW_SCALING) != 0);
            if (d == null) {
                return " and the cookie's timestamp encodes options now disabled here";
            }
            sackOk = d[0] != 0;
            wscaleOk = d[1] != 0;
            sndWscale = d[2];
        }
        RequestSock req = new RequestSock(listener);
        req.fromCookie = true;
        req.localAddr = s.daddr;
        req.localPort = s.th.dstPort();
        req.remoteAddr = s.saddr;
        req.remotePort = s.th.srcPort();
        req.irs = s.seq - 1;
        req.iss = s.th.ack() - 1;
        req.mss = mss;
        if (listener.userMss != 0 && listener.userMss < req.mss) {
            req.mss = listener.userMss;
        }
        req.tstampOk = tstampOk;
        req.sackOk = sackOk;
        req.wscaleOk = wscaleOk;
        req.sndWscale = sndWscale;
        req.tsRecent = tstampOk ? o.tsVal() : 0;
        req.tsOffset = tsOff;
        // cookie_ecn_ok(): the timestamp remembers the SYN's ECN request; tcp_ecn must still allow it.
        req.ecnOk = tstampOk && (tsEcr & SynCookies.TS_OPT_ECN) != 0 && sysctl(SysctlKey.TCP_ECN) != 0;
        // "Try to redo what tcp_v4_send_synack did": the window is chosen again, with the cookie's MSS.
        int fullSpace = tcp.output.fullSpace(listener);
        int clamp = listener.userRcvBuf ? fullSpace : 0;
        int[] w = tcp.output.selectInitialWindow(fullSpace, req.mss, clamp, req.wscaleOk);
        req.rcvWnd = w[0];
        req.rcvWscale = w[2];
        // tcp_v4_syn_recv_sock(): no room in the accept queue, no child.
        if (acceptQueueFull(listener)) {
            tcp.mib.inc(Mib.TcpExtListenOverflows);
            listenDrop(s, "valid SYN cookie but the accept queue is full (" + listener.acceptQueue.size() + " > backlog "
                    + listener.maxAckBacklog + "): ACK dropped (ListenOverflows)");
            return null;
        }
        completeHandshake(req, s, "valid SYN cookie (MSS " + mss + (tstampOk ? ", wscale " + (wscaleOk ? sndWscale : "none")
                + ", SACK " + (sackOk ? "on" : "off") : ", no timestamps") + "): connection established straight into"
                + " the accept queue (");
        return null;
    }

    /**
     * tcp_make_synack(); tsVal is the cookie timestamp, or -1 for the clock's; foc the Fast Open cookie to
     * send (tcp_synack_options()), or null.
     */
    void sendSynAck(RequestSock req, int cookieTsVal, TcpFastOpen.Cookie foc, String why) {
        int tsVal = cookieTsVal != -1 ? cookieTsVal : tcp.tsNow(req.tsOffset);
        TcpOptions opts = TcpFastOpen.append(TcpOptions.synLinux(tcp.output.advertisedMss(req.listener, req.remoteAddr),
                req.sackOk, req.tstampOk, tsVal, req.tsRecent, req.wscaleOk ? req.rcvWscale : -1), foc);
        // tcp_ecn_make_synack(): ECE agrees to the ECN the SYN asked for.
        int flags = TcpFlags.SYN | TcpFlags.ACK | (req.ecnOk ? TcpFlags.ECE : 0);
        TcpHeader h = new TcpHeader(req.localPort, req.remotePort, req.iss, req.rcvNxt, flags,
                Math.min(req.rcvWnd, 65535), 0, 0, opts);
        if (!req.synackSent) {
            req.synackSent = true;
            req.sntSynackNs = now();
            req.sntTsvalFirst = tsVal;
        }
        // tcp_v4_send_synack() -> ip_build_and_send_pkt(): the listener's TOS and path MTU discovery mode.
        tcp.host.ipOutput(req.localAddr, req.remoteAddr, 0, req.listener.tos,
                tcp.output.dontFragment(req.listener.pmtudisc, req.remoteAddr), h, null, 0, 0, why);
        tcp.mib.inc(Mib.TcpOutSegs);
    }

    /** tcp_rtx_synack(). */
    private void rtxSynAck(RequestSock req, String why) {
        sendSynAck(req, -1, null, why);
        tcp.mib.inc(Mib.TcpRetransSegs);
        tcp.mib.inc(Mib.TcpExtTCPSynRetrans);
        req.numRetrans++;
    }

    /**
     * reqsk_timer_handler(): SYN-ACK retransmission with backoff, then the request is dropped. When the
     * SYN queue is more than half full, requests that have already timed out get fewer retries: half the
     * room is kept for young requests (ones whose SYN-ACK has not yet timed out), down to 2 retries.
     */
    void requestTimer(RequestSock req) {
        long was = req.expiresNs;
        TcpSock listener = req.listener;
        int maxRetries = listener.synRetries != 0 ? listener.synRetries : sysctl(SysctlKey.TCP_SYNACK_RETRIES);
        int configured = maxRetries;
        int qlen = listener.synQueueLen;
        // The queue counts as more than half full against max(8U, sk_max_ack_backlog); each halving of
        // the young share costs one retry, but never below 2 (both constants are reqsk_timer_handler's).
        if ((qlen << 1) > Math.max(8, listener.maxAckBacklog)) {
            int young = listener.synQueueYoung << 1;
            while (maxRetries > 2) {
                if (qlen < young) {
                    break;
                }
                maxRetries--;
                young <<= 1;
            }
        }
        tcp.mib.inc(Mib.TcpExtTCPTimeouts);
        boolean expire = req.numTimeout >= maxRetries;
        String pruned = maxRetries < configured ? " (cut from " + configured + ": the SYN queue holds " + qlen
                + " requests, " + listener.synQueueYoung + " young)" : "";
        if (!expire) {
            tcp.traceTimer(req, "retransmit", "fire", was, "SYN-ACK timer expired");
            // The SYN-ACK is resent even when the third ACK came and was dropped for a full accept queue:
            // the peer's answer to it is the next chance to find room.
            rtxSynAck(req, "SYN-ACK timer retransmission " + (req.numTimeout + 1) + " of tcp_synack_retries "
                    + maxRetries + pruned + " (timeout was " + Nanos.toMillis(req.timeoutNs << req.numTimeout) + " ms)"
                    + (req.acked ? "; the third ACK was dropped for a full accept queue" : ""));
            if (req.numTimeout++ == 0) {
                listener.synQueueYoung--;
            }
            long timeout = armRequestTimer(req);
            if (tcp.tracing()) {
                tcp.traceTimer(req, "retransmit", "arm", req.expiresNs, "SYN-ACK timer backs off: "
                        + Nanos.toMillis(timeout) + " ms");
            }
            return;
        }
        tcp.traceTimer(req, "retransmit", "fire", was, "SYN-ACK timer expired");
        dropRequest(req, "tcp_synack_retries (" + maxRetries + pruned + ") exhausted: half-open request dropped");
    }

    /** reqsk_queue_removed(): the SYN queue forgets a request (young until its first timeout). */
    private void unqueue(RequestSock req) {
        TcpSock l = req.listener;
        if (l.synQueueLen > 0) {
            l.synQueueLen--;
        }
        if (req.numTimeout == 0 && l.synQueueYoung > 0) {
            l.synQueueYoung--;
        }
    }

    /** inet_csk_reqsk_queue_drop(). */
    void dropRequest(RequestSock req, String why) {
        tcp.requestRemoved(req);
        req.expiresNs = Deadline.NONE;
        unqueue(req);
        tcp.traceState(req, TcpState.SYN_RECV, TcpState.CLOSE, why);
    }

    /** tcp_v4_reqsk_send_ack(): an ACK from a request sock (for an out-of-window segment). */
    private void reqSendAck(RequestSock req, String why) {
        TcpOptions opts = req.tstampOk ? TcpOptions.dataLinux(true, tcp.tsNow(req.tsOffset), req.tsRecent, java.util.List.of())
                : TcpOptions.NONE;
        TcpHeader h = new TcpHeader(req.localPort, req.remotePort, req.iss + 1, req.irs + 1, TcpFlags.ACK,
                Math.min(req.rcvWnd >>> req.rcvWscale, 65535), 0, 0, opts);
        tcp.host.ipOutput(req.localAddr, req.remoteAddr, 0, 0, true, h, null, 0, 0, why);
        tcp.mib.inc(Mib.TcpOutSegs);
    }

    /** tcp_check_req(): RFC 7323 PAWS against the timestamp of the request's SYN (an RST is never rejected). */
    private static boolean pawsReject(RequestSock req, TcpInput.Segment s) {
        TcpOptions o = s.th.options();
        return req.tstampOk && o.hasTimestamps() && (req.tsRecent - o.tsVal()) > 0 && req.tsRecent != 0
                && !s.has(TcpFlags.RST);
    }

    /** tcp_check_req(): the request's own SYN again (the peer did not get our SYN-ACK). */
    private static boolean retransmittedSyn(RequestSock req, TcpInput.Segment s, boolean pawsReject) {
        return s.seq == req.irs && !pawsReject
                && (s.th.flags() & (TcpFlags.SYN | TcpFlags.ACK | TcpFlags.RST | TcpFlags.FIN)) == TcpFlags.SYN;
    }

    /** tcp_check_req(): a segment for a half-open request. */
    void requestRcv(RequestSock req, TcpInput.Segment s) {
        TcpSock listener = req.listener;
        boolean pawsReject = pawsReject(req, s);
        // A retransmitted SYN: answer with the SYN-ACK again and restart the timer.
        if (retransmittedSyn(req, s, pawsReject)) {
            if (!tcp.oowRateLimited(req, s, Mib.TcpExtTCPACKSkippedSynRecv)) {
                rtxSynAck(req, "retransmitted SYN: SYN-ACK sent again (tcp_check_req)");
                armRequestTimer(req);
                tcp.traceTimer(req, "retransmit", "arm", req.expiresNs, "SYN-ACK timer restarted by the retransmitted SYN");
            } else {
                traceDrop(s, "retransmitted SYN within tcp_invalid_ratelimit: no SYN-ACK");
            }
            return;
        }
        // An ACK that does not acknowledge our SYN-ACK goes to the listener (which may take it for a
        // cookie, else answers RST); the request is left alone.
        if (s.has(TcpFlags.ACK) && s.th.ack() != req.iss + 1) {
            String notCookie = cookieCheck(listener, s);
            if (notCookie != null) {
                tcp.input.sendResetFor(s, "ACK " + Integer.toUnsignedString(s.th.ack())
                        + " does not acknowledge our SYN-ACK (" + Integer.toUnsignedString(req.iss + 1) + ")"
                        + notCookie + ": RST");
            }
            return;
        }
        int rcvNxt = req.irs + 1;
        int win = Math.min(req.rcvWnd, 65535);
        if (pawsReject || !inWindow(s.seq, s.endSeq, rcvNxt, rcvNxt + win)) {
            if (!s.has(TcpFlags.RST)) {
                if (!tcp.oowRateLimited(req, s, Mib.TcpExtTCPACKSkippedSynRecv)) {
                    reqSendAck(req, "segment outside the SYN_RECV window: ACK");
                }
                traceDrop(s, pawsReject ? "PAWS reject in SYN_RECV" : "outside the window offered in the SYN-ACK");
            } else {
                traceDrop(s, "RST outside the window offered in the SYN-ACK is ignored");
            }
            if (pawsReject) {
                tcp.mib.inc(Mib.TcpExtPAWSEstab);
            }
            return;
        }
        int flg = s.th.flags();
        if (s.seq == req.irs) {
            flg &= ~TcpFlags.SYN;
        }
        if ((flg & (TcpFlags.RST | TcpFlags.SYN)) != 0) {
            tcp.mib.inc(Mib.TcpAttemptFails);
            if ((flg & TcpFlags.RST) == 0) {
                tcp.input.sendResetFor(s, "SYN in the window of a half-open connection: RST");
            }
            tcp.mib.inc(Mib.TcpExtEmbryonicRsts);
            dropRequest(req, (flg & TcpFlags.RST) != 0
                    ? "RST for a half-open connection: request dropped (old duplicate SYN, RFC 9293 3.5)"
                    : "SYN in window of a half-open connection: request dropped");
            return;
        }
        if ((flg & TcpFlags.ACK) == 0) {
            traceDrop(s, "SYN_RECV: segment without ACK is discarded");
            return;
        }
        // The third ACK: a full socket is born unless the accept queue is full.
        if (acceptQueueFull(listener)) {
            tcp.mib.inc(Mib.TcpExtListenOverflows);
            tcp.mib.inc(Mib.TcpExtListenDrops);
            if (sysctl(SysctlKey.TCP_ABORT_ON_OVERFLOW) == 0) {
                req.acked = true;
                traceDrop(s, "accept queue full (" + listener.acceptQueue.size() + " > backlog " + listener.maxAckBacklog
                        + "): third ACK dropped; the SYN-ACK timer keeps running (tcp_abort_on_overflow=0)");
                return;
            }
            tcp.input.sendResetFor(s, "accept queue full and tcp_abort_on_overflow=1: RST");
            tcp.mib.inc(Mib.TcpExtEmbryonicRsts);
            dropRequest(req, "accept queue overflow with tcp_abort_on_overflow=1: request aborted");
            return;
        }
        tcp.requestRemoved(req);
        unqueue(req);
        completeHandshake(req, s, tcp.tracing() ? "third ACK of the handshake: connection established (accept queue " : null);
    }

    /**
     * tcp_v4_syn_recv_sock() + inet_csk_complete_hashdance() + tcp_child_process(): the full socket is
     * born from the request, joins the accept queue, and processes the ACK (and any data on it).
     */
    private void completeHandshake(RequestSock req, TcpInput.Segment s, String why) {
        TcpSock listener = req.listener;
        TcpSock child = createChild(req, s);
        tcp.hash(child);
        tcp.timersChanged(child);
        tcp.childBorn(listener, child);
        child.state = TcpState.SYN_RECV;
        child.deliveredSegs++;   // tcp_rcv_state_process(), TCP_SYN_RECV: SYN-ACK delivery isn't tracked in tcp_ack()
        tcp.setState(child, TcpState.ESTABLISHED, why == null ? null : why + listener.acceptQueue.size() + ")");
        if (tcp.input.rcv(child, s)) {
            tcp.input.sendResetFor(s, "new connection asked for a reset");
        }
    }

    private static boolean inWindow(int seq, int endSeq, int sWin, int eWin) {
        if (seq == sWin) {
            return true;
        }
        if (Seq.gt(endSeq, sWin) && Seq.lt(seq, eWin)) {
            return true;
        }
        return seq == eWin && seq == endSeq;
    }

    /** tcp_create_openreq_child() + tcp_v4_syn_recv_sock() + the SYN_RECV arm of tcp_rcv_state_process(). */
    private TcpSock createChild(RequestSock req, TcpInput.Segment s) {
        return createChild(req, s, false);
    }

    /**
     * tcp_fastopen_create_child(): the full socket is born from the SYN itself, in SYN_RECV, straight into the
     * accept queue; the SYN's data is queued for reading and the SYN-ACK will acknowledge it; the socket's own
     * retransmission timer resends that SYN-ACK (tcp_fastopen_synack_timer()).
     */
    TcpSock createFastOpenChild(TcpSock listener, RequestSock req, TcpInput.Segment s) {
        req.numRetrans = 0;
        req.numTimeout = 0;
        TcpSock child = createChild(req, s, true);
        listener.fastopenQlen++;
        child.fastopenRsk = req;
        // RFC 7323 2.2: the window of a SYN is never scaled.
        child.sndWnd = s.th.window();
        child.maxWindow = child.sndWnd;
        tcp.hash(child);
        tcp.timersChanged(child);
        tcp.childBorn(listener, child);
        tcp.timers.resetXmitTimer(child, TcpSock.XMIT_RETRANS, TcpConstants.TCP_TIMEOUT_INIT_NS,
                "TFO child: the SYN-ACK is retransmitted by the socket's timer (TCP_TIMEOUT_INIT)");
        tcp.input.initTransfer(child);
        // tcp_fastopen_add_skb(): the SYN's data (and FIN) is received now.
        int dataLen = s.len;
        if (dataLen > 0) {
            child.recvBuf.append(s.buf, s.off, dataLen);
            child.rcvNxt += dataLen;
            child.bytesReceived += dataLen;
            child.synDataAcked = true;
        }
        child.rcvWup = child.rcvNxt;
        if (s.has(TcpFlags.FIN)) {
            tcp.input.finFromSyn(child);
        }
        req.rcvNxt = child.rcvNxt;
        if (tcp.tracing()) {
            tcp.traceState(child, TcpState.LISTEN, TcpState.SYN_RECV, "TCP Fast Open: child created from the SYN ("
                    + dataLen + " data bytes), accept() may take it now");
        }
        return child;
    }

    /**
     * tcp_fastopen_synack_timer(): a TFO child's SYN-ACK timed out; one more retry than tcp_synack_retries
     * (or TCP_SYNCNT), the window cut like tcp_enter_loss() from the second timeout on.
     */
    void fastOpenSynAckTimer(TcpSock sk, RequestSock req) {
        tcp.mib.inc(Mib.TcpExtTCPTimeouts);   // tcp_syn_ack_timeout()
        int maxRetries = sk.synRetries != 0 ? sk.synRetries : sysctl(SysctlKey.TCP_SYNACK_RETRIES) + 1;
        if (req.numTimeout >= maxRetries) {
            tcp.timers.writeErr(sk);
            return;
        }
        if (sk.retransmits == 1) {
            tcp.input.enterLoss(sk);
        }
        sendSynAck(req, -1, null, "TFO child: SYN-ACK timer retransmission " + (req.numTimeout + 1) + " of " + maxRetries);
        tcp.mib.inc(Mib.TcpRetransSegs);
        tcp.mib.inc(Mib.TcpExtTCPSynRetrans);
        sk.totalRetrans++;
        req.numRetrans++;
        req.numTimeout++;
        sk.retransmits++;   // tcp_update_rto_stats()
        sk.totalRto++;
        if (!sk.retransStampSet) {
            sk.retransStampNs = now();
            sk.retransStampSet = true;
        }
        tcp.timers.resetXmitTimer(sk, TcpSock.XMIT_RETRANS, req.timeoutNs << req.numTimeout,
                "TFO child: SYN-ACK timer backs off");
    }

    /**
     * tcp_check_req() for a TFO child (fastopen = true), before tcp_rcv_state_process() goes on: a retransmitted
     * SYN gets the SYN-ACK again, a segment outside the SYN-ACK's window an ACK, an RST resets the child, a SYN
     * in the window is answered with RST; only segments with ACK go on. False: the segment is consumed.
     */
    boolean fastOpenCheckReq(TcpSock sk, TcpInput.Segment s) {
        RequestSock req = sk.fastopenRsk;
        TcpOptions o = s.th.options();
        boolean pawsReject = pawsReject(req, s);
        if (retransmittedSyn(req, s, pawsReject)) {
            if (!tcp.oowRateLimited(req, s, Mib.TcpExtTCPACKSkippedSynRecv)) {
                rtxSynAck(req, "retransmitted SYN to a TFO child: SYN-ACK sent again (tcp_check_req)");
                sk.totalRetrans++;
            } else {
                traceDrop(s, "retransmitted SYN within tcp_invalid_ratelimit: no SYN-ACK");
            }
            return false;
        }
        if (pawsReject || !inWindow(s.seq, s.endSeq, req.rcvNxt, req.rcvNxt + Math.min(req.rcvWnd, 65535))) {
            if (!s.has(TcpFlags.RST) && !tcp.oowRateLimited(req, s, Mib.TcpExtTCPACKSkippedSynRecv)) {
                tcp.output.sendAck(sk, "TFO child: segment outside the SYN-ACK's window, ACK");
            }
            if (pawsReject) {
                tcp.mib.inc(Mib.TcpExtPAWSEstab);
            }
            traceDrop(s, pawsReject ? "PAWS reject in SYN_RECV" : "outside the window offered in the SYN-ACK");
            return false;
        }
        if (o.hasTimestamps() && req.tstampOk && !Seq.gt(s.seq, req.rcvNxt)) {
            req.tsRecent = o.tsVal();
        }
        int flg = s.th.flags();
        if (s.seq == req.irs) {
            flg &= ~TcpFlags.SYN;
        }
        if ((flg & (TcpFlags.RST | TcpFlags.SYN)) != 0) {
            tcp.mib.inc(Mib.TcpAttemptFails);
            if ((flg & TcpFlags.RST) == 0) {
                // Not a reset of the local connection: only an RST to the sender of the bad SYN.
                tcp.input.sendResetFor(s, "SYN in the window of a TFO child: RST, the child is kept");
            } else {
                tcp.fastopen.removeRequest(sk, true);
                tcp.reset(sk, "RST to a TFO child in SYN_RECV: connection reset (its data stays readable)");
            }
            return false;
        }
        if ((flg & TcpFlags.ACK) == 0) {
            traceDrop(s, "SYN_RECV: segment without ACK is discarded");
            return false;
        }
        return true;
    }

    private TcpSock createChild(RequestSock req, TcpInput.Segment s, boolean fastOpen) {
        TcpSock l = req.listener;
        TcpSock c = new TcpSock(tcp.newSockId(), tcp.sysctl.get(SysctlKey.TCP_WMEM, 1), l.rcvBuf);
        TcpCong.openreqChild(tcp, l, c);   // tcp_ca_openreq_child()
        c.localAddr = req.localAddr;
        c.localPort = req.localPort;
        c.remoteAddr = req.remoteAddr;
        c.remotePort = req.remotePort;
        // Options a child inherits from its listener.
        c.reuseAddr = l.reuseAddr;
        c.noDelay = l.noDelay;
        c.keepAliveOn = l.keepAliveOn;
        c.keepIdleSec = l.keepIdleSec;
        c.keepIntvlSec = l.keepIntvlSec;
        c.keepCnt = l.keepCnt;
        c.oobInline = l.oobInline;
        c.lingerOn = l.lingerOn;
        c.lingerSeconds = l.lingerSeconds;
        c.linger2 = l.linger2;
        c.userMss = l.userMss;
        c.userTimeoutMs = l.userTimeoutMs;
        c.tos = l.tos;
        c.pmtudisc = l.pmtudisc;
        c.userRcvBuf = l.userRcvBuf;
        c.userSndBuf = l.userSndBuf;
        c.zerocopy = l.zerocopy;   // sk_clone_lock() copies the socket flags, the mark and inet's bits
        c.mark = l.mark;
        c.freebind = l.freebind;
        c.tsflags = l.tsflags;
        c.tsKeyBase = l.tsKeyBase;
        if (l.userSndBuf) {
            c.sndBuf = l.sndBuf;
        }
        c.state = TcpState.SYN_RECV;
        c.iss = req.iss;
        c.irs = req.irs;
        c.sndUna = req.iss + 1;
        c.sndNxt = req.iss + 1;
        c.sndUp = req.iss + 1;
        c.writeSeq = req.iss + 1;
        c.pushedSeq = req.iss + 1;
        c.sndSml = req.iss + 1;
        c.sndUnaPos = 0;
        c.sendBuf.resetAt(0);
        c.rcvNxt = req.irs + 1;
        c.rcvWup = c.rcvNxt;
        c.copiedSeq = c.rcvNxt;
        c.copiedPos = 0;
        c.recvBuf.resetAt(0);
        c.rcvWnd = req.rcvWnd;
        c.rcvWscale = req.rcvWscale;
        c.sndWscale = req.sndWscale;
        c.wscaleOk = req.wscaleOk;
        c.sackOk = req.sackOk;
        c.tstampOk = req.tstampOk;
        c.ecnFlags = req.ecnOk ? TcpSock.TCP_ECN_OK : 0;   // tcp_ecn_openreq_child()
        c.tsOffset = req.tsOffset;
        c.tsRecent = req.tsRecent;
        c.tsRecentStampNs = now();
        c.tcpHeaderLen = TcpConstants.TCP_HEADER_LEN + (c.tstampOk ? TcpConstants.TCPOLEN_TSTAMP_ALIGNED : 0);
        c.mssClamp = req.mss;
        c.advMss = tcp.output.advertisedMss(c, c.remoteAddr);
        c.windowClamp = (int) Math.min(65535L << c.rcvWscale, Integer.MAX_VALUE);
        c.rcvSsthresh = c.rcvWnd;
        c.sndWnd = s.th.window() << c.sndWscale;
        c.sndWl1 = s.seq;
        c.maxWindow = c.sndWnd;
        c.totalRetrans = req.numRetrans;
        c.rtoNs = TcpConstants.TCP_TIMEOUT_INIT_NS;
        c.lrcvtimeNs = now();
        c.rcvTstampNs = now();
        c.bindPortLocked = true;
        c.inetId = tcp.randomU16();
        tcp.output.dstCheck(c);   // inet_csk_route_child_sock(): the child's route
        tcp.output.syncMss(c, c.dstMtu);
        tcp.input.initializeRcvMss(c);
        c.lastSegSize = Math.max(0, s.len);
        tcp.register(c);
        tcp.bindChildPort(c);
        tcp.mib.inc(Mib.TcpPassiveOpens);
        if (fastOpen) {
            // The rest waits for the ACK of the SYN-ACK (tcp_rcv_state_process(), SYN_RECV).
            return c;
        }
        synackRttMeas(c, req, s);
        // The SYN_RECV arm of tcp_rcv_state_process().
        if (c.tstampOk) {
            c.advMss -= TcpConstants.TCPOLEN_TSTAMP_ALIGNED;
        }
        c.retransStampSet = false;
        tcp.input.initTransfer(c);
        // tcp_try_undo_spurious_syn(): if the ACK echoes the first SYN-ACK's timestamp, the SYN-ACK
        // retransmissions were spurious and the initial window is not cut to one segment.
        if (req.numTimeout > 0 && c.tstampOk && s.th.options().hasTimestamps()
                && s.th.options().tsEcr() == req.sntTsvalFirst) {
            c.sndCwnd = TcpConstants.TCP_INIT_CWND;
        }
        tcp.output.updatePacingRate(c);
        c.lsndtimeNs = now();
        tcp.input.initializeRcvMss(c);
        if (c.keepAliveOn) {
            tcp.timers.resetKeepalive(c);
        }
        return c;
    }

    /**
     * tcp_synack_rtt_meas(): the RTT of the SYN-ACK if it was not retransmitted, else the timestamp echo.
     * tcp_ack_update_rtt() then also feeds the windowed min RTT (tcp_update_rtt_min()).
     */
    void synackRttMeas(TcpSock c, RequestSock req, TcpInput.Segment s) {
        if (req.numRetrans == 0 && req.synackSent) {
            long rttUs = Math.max(1, Nanos.toMicros(now() - req.sntSynackNs));
            c.minRttUs = Math.min(c.minRttUs, rttUs);
            tcp.input.rttEstimator(c, rttUs);
            tcp.input.setRto(c);
        } else if (c.tstampOk && s.th.options().hasTimestamps() && s.th.options().tsEcr() != 0) {
            int delta = tcp.tsNow(c.tsOffset) - s.th.options().tsEcr();
            if (delta >= 0) {
                c.minRttUs = Math.min(c.minRttUs, Math.max(1, delta) * 1000L);
                tcp.input.rttEstimator(c, Math.max(1, delta) * 1000L);
                tcp.input.setRto(c);
            }
        }
    }

    // ================================================================ TIME_WAIT

    /** tcp_time_wait(): the connection becomes a TIME_WAIT (or orphaned FIN_WAIT2) record. */
    void timeWait(TcpSock sk, TcpState substate, long timeoNs) {
        if (tcp.timeWaitCount() >= sysctl(SysctlKey.TCP_MAX_TW_BUCKETS)) {
            tcp.mib.inc(Mib.TcpExtTCPTimeWaitOverflow);
            tcp.done(sk, "tcp_max_tw_buckets reached: closed without TIME_WAIT");
            return;
        }
        TimeWaitSock tw = new TimeWaitSock();
        tw.localAddr = sk.localAddr;
        tw.localPort = sk.localPort;
        tw.remoteAddr = sk.remoteAddr;
        tw.remotePort = sk.remotePort;
        tw.substate = substate;
        tw.sndNxt = sk.sndNxt;
        tw.rcvNxt = sk.rcvNxt;
        tw.rcvWnd = sk.receiveWindow();
        tw.rcvWscale = sk.rcvWscale;
        tw.tsRecent = sk.tsRecent;
        tw.tsRecentStampNs = sk.tsRecentStampNs;
        tw.tsOffset = sk.tsOffset;
        tw.tstampOk = sk.tstampOk;
        tw.reuse = sk.reuseAddr;
        long rto = (sk.rtoNs << 2) - (sk.rtoNs >> 1);   // tcp_time_wait(): at least 3.5 RTO
        long timeo = Math.max(timeoNs, rto);
        if (substate == TcpState.TIME_WAIT) {
            timeo = TcpConstants.TCP_TIMEWAIT_LEN_NS;
        }
        TcpState from = sk.state;
        // The full socket goes quietly: its 4-tuple and port pass to the record.
        tcp.timers.clearXmitTimers(sk);
        sk.shutdown = TcpSock.SHUTDOWN_MASK;
        if (sk.portBound) {
            tcp.transferPort(sk, tw);
        }
        tcp.replace(sk, tw);
        if (from == TcpState.ESTABLISHED || from == TcpState.CLOSE_WAIT) {
            tcp.mib.dec(Mib.TcpCurrEstab);
        }
        sk.state = TcpState.CLOSE;
        tcp.timeWaitAdded();
        if (from != substate) {
            tcp.traceState(tw, from, substate, substate == TcpState.TIME_WAIT
                    ? "our FIN acknowledged and the peer's FIN received: TIME_WAIT for 2MSL (60 s)"
                    : "orphaned FIN_WAIT2 becomes a compact record for tcp_fin_timeout");
        }
        // __inet_twsk_schedule(): TIMEWAITED when scheduled, TIMEWAITKILLED if it is to last <= 4 s.
        tcp.mib.inc(timeo <= 4 * Nanos.PER_SECOND ? Mib.TcpExtTWKilled : Mib.TcpExtTW);
        reschedule(tw, timeo, substate == TcpState.TIME_WAIT ? "TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s)"
                : "orphaned FIN_WAIT2 lasts tcp_fin_timeout (" + Nanos.toMillis(timeo) / 1000 + " s)");
        if (sk.orphan) {
            tcp.forget(sk);
        } else {
            tcp.wake(sk);
        }
    }

    /** The TIME_WAIT / FIN_WAIT2 record's timer: it ends. */
    void timeWaitTimer(TimeWaitSock tw) {
        long was = tw.expiresNs;
        boolean timeWait = tw.substate == TcpState.TIME_WAIT;
        tcp.traceTimer(tw, timeWait ? "time_wait" : "fin_wait2", "fire", was,
                timeWait ? "2MSL elapsed" : "tcp_fin_timeout elapsed");
        tw.expiresNs = Deadline.NONE;
        tcp.timeWaitRemoved(tw);
        tcp.traceState(tw, tw.substate, TcpState.CLOSE, timeWait ? "TIME_WAIT over (2MSL = 60 s)"
                : "FIN_WAIT2 timed out (tcp_fin_timeout): connection closed without a FIN from the peer");
    }

    /** The record ends early (assassination by RST, reuse, a new SYN). */
    void killTimeWait(TimeWaitSock tw, String why) {
        if (tw.expiresNs != Deadline.NONE) {
            tcp.traceTimer(tw, tw.substate == TcpState.TIME_WAIT ? "time_wait" : "fin_wait2", "cancel", tw.expiresNs, why);
        }
        tw.expiresNs = Deadline.NONE;
        tcp.timeWaitRemoved(tw);
        tcp.traceState(tw, tw.substate, TcpState.CLOSE, why);
    }

    /** inet_twsk_schedule() / inet_twsk_reschedule(): the record's one timer. */
    private void reschedule(TimeWaitSock tw, long timeoNs, String why) {
        long delta = tcp.timerJiffies(timeoNs);
        tw.expiresNs = tcp.fireAfter(delta);
        tw.timeoutNs = tcp.nominalAfter(delta);
        tcp.timersChanged(tw);
        tcp.traceTimer(tw, tw.substate == TcpState.TIME_WAIT ? "time_wait" : "fin_wait2", "arm", tw.expiresNs, why);
    }

    /** tcp_twsk_unique(): may connect() reuse this TIME_WAIT 4-tuple? */
    boolean twUnique(TimeWaitSock tw) {
        int reuse = sysctl(SysctlKey.TCP_TW_REUSE);
        if (tw.substate == TcpState.FIN_WAIT2) {
            reuse = 0;
        }
        if (reuse == 2) {
            boolean loopback = (tw.remoteAddr >>> 24) == 127 || (tw.localAddr >>> 24) == 127;
            if (!loopback) {
                reuse = 0;
            }
        }
        return reuse != 0 && tw.tstampOk && tw.tsRecentStampNs != 0
                && now() - (tw.expiresNs - TcpConstants.TCP_TIMEWAIT_LEN_NS) > Nanos.ofSeconds(1);
    }

    /** tcp_v4_timewait_ack(). */
    private void timeWaitAck(TimeWaitSock tw, String why) {
        TcpOptions opts = tw.tstampOk ? TcpOptions.dataLinux(true, tcp.tsNow(tw.tsOffset), tw.tsRecent, java.util.List.of())
                : TcpOptions.NONE;
        TcpHeader h = new TcpHeader(tw.localPort, tw.remotePort, tw.sndNxt, tw.rcvNxt, TcpFlags.ACK,
                Math.min(tw.rcvWnd >>> tw.rcvWscale, 65535), 0, 0, opts);
        tcp.host.ipOutput(tw.localAddr, tw.remoteAddr, 0, 0, true, h, null, 0, 0, why);
        tcp.mib.inc(Mib.TcpOutSegs);
    }

    /** tcp_timewait_state_process() and what tcp_v4_rcv() does with its verdict. */
    void timeWaitRcv(TimeWaitSock tw, TcpInput.Segment s) {
        TcpOptions o = s.th.options();
        boolean sawTstamp = tw.tstampOk && o.hasTimestamps() && tw.tsRecentStampNs != 0;
        boolean pawsReject = false;
        if (sawTstamp) {
            boolean ok = (tw.tsRecent - o.tsVal()) <= 0 || tw.tsRecent == 0
                    || now() >= tw.tsRecentStampNs + Nanos.ofSeconds(60L * 60 * 24 * 24);
            if (!ok && s.has(TcpFlags.RST) && now() >= tw.tsRecentStampNs + Nanos.ofSeconds(60)) {
                ok = true;
            }
            pawsReject = !ok;
        }
        int rcvNxt = tw.rcvNxt;
        if (tw.substate == TcpState.FIN_WAIT2) {
            if (pawsReject || !inWindow(s.seq, s.endSeq, rcvNxt, rcvNxt + tw.rcvWnd)) {
                if (!tcp.oowRateLimited(tw, s, Mib.TcpExtTCPACKSkippedFinWait2)) {
                    timeWaitAck(tw, "FIN_WAIT2: segment outside the window, ACK it");
                } else {
                    traceDrop(s, "FIN_WAIT2: out-of-window segment, ACK rate limited");
                }
                return;
            }
            if (s.has(TcpFlags.RST)) {
                killTimeWait(tw, "RST in FIN_WAIT2: connection closed");
                return;
            }
            if (s.has(TcpFlags.SYN) && !Seq.lt(s.seq, rcvNxt)) {
                twReset(tw, s, "SYN in FIN_WAIT2: RST");
                return;
            }
            if (!s.has(TcpFlags.ACK) || !Seq.gt(s.endSeq, rcvNxt) || s.endSeq == s.seq) {
                traceDrop(s, "FIN_WAIT2: duplicate ACK, nothing to do");
                return;
            }
            if (!s.has(TcpFlags.FIN) || s.endSeq != rcvNxt + 1) {
                twReset(tw, s, "data after our close(): RST (RFC 1122 4.2.2.13)");
                return;
            }
            // The peer's FIN: TIME_WAIT proper.
            TcpState from = tw.substate;
            tw.substate = TcpState.TIME_WAIT;
            tw.rcvNxt = s.endSeq;
            if (o.hasTimestamps() && tw.tstampOk) {
                tw.tsRecent = o.tsVal();
                tw.tsRecentStampNs = now();
            }
            tcp.traceState(tw, from, TcpState.TIME_WAIT, "peer's FIN received in FIN_WAIT2: TIME_WAIT for 2MSL (60 s)");
            reschedule(tw, TcpConstants.TCP_TIMEWAIT_LEN_NS, "TIME_WAIT lasts TCP_TIMEWAIT_LEN (60 s)");
            timeWaitAck(tw, "ACK of the peer's FIN (entering TIME_WAIT)");
            return;
        }
        // TIME_WAIT proper.
        if (!pawsReject && s.seq == rcvNxt && (s.seq == s.endSeq || s.has(TcpFlags.RST))) {
            if (s.has(TcpFlags.RST)) {
                if (sysctl(SysctlKey.TCP_RFC1337) == 0) {
                    killTimeWait(tw, "RST in TIME_WAIT ends it at once (TIME_WAIT assassination, tcp_rfc1337=0)");
                    return;
                }
                traceDrop(s, "RST in TIME_WAIT ignored (tcp_rfc1337=1, RFC 1337)");
            } else {
                reschedule(tw, TcpConstants.TCP_TIMEWAIT_LEN_NS, "ACK in TIME_WAIT: the 2MSL timer restarts");
            }
            if (o.hasTimestamps() && tw.tstampOk) {
                tw.tsRecent = o.tsVal();
                tw.tsRecentStampNs = now();
            }
            return;
        }
        // A new SYN may reopen the connection (RFC 1122 4.2.2.13) if it is above the old sequence space.
        if (s.has(TcpFlags.SYN) && !s.has(TcpFlags.RST) && !s.has(TcpFlags.ACK) && !pawsReject
                && (Seq.gt(s.seq, rcvNxt) || (sawTstamp && (tw.tsRecent - o.tsVal()) < 0))) {
            int isn = tw.sndNxt + 65535 + 2;
            if (isn == 0) {
                isn++;
            }
            TcpSock listener = tcp.lookupListener(s.daddr, s.th.dstPort());
            if (listener != null) {
                killTimeWait(tw, "new SYN above the old sequence space reopens the 4-tuple (RFC 1122 4.2.2.13)");
                connRequest(listener, s, isn);
                return;
            }
        }
        if (pawsReject) {
            tcp.mib.inc(Mib.TcpExtPAWSEstab);
        }
        if (!s.has(TcpFlags.RST)) {
            if (pawsReject || s.has(TcpFlags.ACK)) {
                reschedule(tw, TcpConstants.TCP_TIMEWAIT_LEN_NS, s.has(TcpFlags.FIN)
                        ? "retransmitted FIN in TIME_WAIT: the 2MSL timer restarts"
                        : "segment in TIME_WAIT: the 2MSL timer restarts");
            }
            if (!tcp.oowRateLimited(tw, s, Mib.TcpExtTCPACKSkippedTimeWait)) {
                timeWaitAck(tw, s.has(TcpFlags.FIN) ? "retransmitted FIN in TIME_WAIT: ACK it again (our last ACK was lost)"
                        : "segment in TIME_WAIT: ACK it");
            } else {
                traceDrop(s, "TIME_WAIT: ACK rate limited (tcp_invalid_ratelimit)");
            }
            return;
        }
        traceDrop(s, "RST outside TIME_WAIT's window is ignored");
    }

    private void twReset(TimeWaitSock tw, TcpInput.Segment s, String why) {
        tcp.input.sendResetFor(s, why);
        killTimeWait(tw, why);
    }
}
